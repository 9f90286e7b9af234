/**
 * A realistic synthetic data set for benchmarks and load tests: a few
 * provinces, tens of facilities, claims that are mostly valid and complete,
 * some pending documentation, some invalid, some corrections of earlier ones.
 * Deterministic for a seed.
 */
export interface Facility {
  code: string;
  provinceCode: string;
}

export const PROVINCES = [
  ["01", "Hà Nội"],
  ["79", "Hồ Chí Minh"],
  ["48", "Đà Nẵng"],
  ["31", "Hải Phòng"],
] as const;

export function facilities(perProvince: number): Facility[] {
  return PROVINCES.flatMap(([p]) =>
    Array.from({ length: perProvince }, (_, i) => ({ code: `${p}${String(i + 1).padStart(3, "0")}`, provinceCode: p })),
  );
}

export function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const ICD = ["J18.9", "E11", "I10", "K29.7", "A09", "M54.5", "N39.0", "J06.9"];

/** One claim; `variant` picks valid, pending, invalid or corrected content. */
export function makeClaim(
  r: (n: number) => number,
  facility: Facility,
  id: number,
  now: Date,
  variant: "valid" | "pending" | "invalid" | "corrected" = "valid",
) {
  const hoursAgo = r(10) === 0 ? 30 + r(500) : 1 + r(20);
  const discharged = new Date(now.getTime() - hoursAgo * 3600_000);
  const inpatient = variant === "pending" || (variant !== "valid" && r(3) === 0);
  const admitted = new Date(discharged.getTime() - (inpatient ? 1 + r(7) : 0) * 86_400_000 - 3 * 3600_000);
  const insurance = (50 + r(5000)) * 1000 + (variant === "corrected" ? 7000 : 0);
  const patient = r(40) * 1000;
  const other = r(10) === 0 ? 5000 : 0;
  const serial = String(1_000_000_000 + ((id * 7919) % 1_000_000_000)).slice(0, 10);
  const card = `${["DN", "HT", "TE", "GD"][r(4)]}${1 + r(5)}${r(8) === 0 ? "79" : facility.provinceCode}${serial}`;
  return {
    claimId: `LK${facility.code}-${id}`,
    patient: {
      cardNumber: variant === "invalid" && r(2) === 0 ? card.slice(0, 10) : card,
      citizenId: `0${String(10_000_000_000 + id).slice(-11)}`,
      name: "Nguyễn Văn A",
      birthDate: `19${50 + r(50)}-0${1 + r(9)}-1${r(9)}`,
      gender: r(2) ? "male" : "female",
    },
    visitType: inpatient ? "inpatient" : r(6) === 0 ? "emergency" : "outpatient",
    admittedAt: admitted.toISOString().replace("Z", "+00:00"),
    dischargedAt: discharged.toISOString().replace("Z", "+00:00"),
    diagnosis: { primary: ICD[r(ICD.length)]!, secondary: r(2) ? [ICD[r(ICD.length)]!] : [] },
    referral: false,
    amounts: {
      total: String(insurance + patient + other + (variant === "invalid" ? 1 : 0)),
      insurance: String(insurance),
      patient: String(patient),
      other: String(other),
    },
    documents: inpatient && variant !== "pending" ? [{ type: "discharge_paper", reference: `GRV-${id}` }] : [],
  };
}

/**
 * `count` batches of `size` claims, round-robin over facilities. About 85%
 * valid, 6% pending documentation, 4% invalid, 5% corrections of claims sent
 * in an earlier batch of the same facility.
 */
export function makeBatches(fs: Facility[], count: number, size: number, now: Date, seed = 1, runTag = "") {
  const r = rng(seed);
  const sent = new Map<string, number[]>();
  let next = 1;
  return Array.from({ length: count }, (_, b) => {
    const facility = fs[b % fs.length]!;
    const earlier = sent.get(facility.code) ?? [];
    const claims = [];
    const usedHere = new Set<number>();
    for (let i = 0; i < size; i++) {
      const roll = r(100);
      if (roll < 5 && earlier.length) {
        const id = earlier[r(earlier.length)]!;
        if (usedHere.has(id)) continue;
        usedHere.add(id);
        claims.push(makeClaim(r, facility, id, now, "corrected"));
        continue;
      }
      const id = next++;
      usedHere.add(id);
      const variant = roll < 11 ? "pending" : roll < 15 ? "invalid" : "valid";
      if (variant !== "invalid") earlier.push(id);
      claims.push(makeClaim(r, facility, id, now, variant));
    }
    sent.set(facility.code, earlier);
    return { facility, body: { batchId: `bench${runTag}-${b}`, claims } };
  });
}

/** Cost groups and items a realistic claim's lines come from: drugs, tests, imaging, examination, beds, supplies. */
const LINE_ITEMS: [kind: "drug" | "service" | "supply", group: string, code: string, name: string][] = [
  ["drug", "4", "40.17", "Paracetamol 500mg"],
  ["drug", "4", "40.244", "Ceftriaxon 1g"],
  ["drug", "4", "40.1035", "Natri clorid 0,9% 500ml"],
  ["drug", "4", "40.527", "Metformin 850mg"],
  ["service", "1", "23.0058", "Định lượng Glucose [Máu]"],
  ["service", "1", "22.0121", "Tổng phân tích tế bào máu ngoại vi"],
  ["service", "2", "18.0068", "Chụp Xquang ngực thẳng"],
  ["service", "13", "02.1896", "Khám Nội"],
  ["service", "15", "K03.1901", "Ngày giường bệnh Nội khoa loại 2"],
  ["supply", "10", "N03.02.070", "Bơm tiêm nhựa 5ml"],
];

/**
 * The claim with `count` lines that add up exactly to its total and its insurance amount (the last line takes the
 * remainder), items drawn from a realistic mix of cost groups.
 */
export function withLines<C extends ReturnType<typeof makeClaim>>(claim: C, r: (n: number) => number, count = 20): C {
  const total = Number(claim.amounts.total);
  const insurance = Number(claim.amounts.insurance);
  const lines = Array.from({ length: count }, (_, i) => {
    const [kind, costGroup, itemCode, name] = LINE_ITEMS[r(LINE_ITEMS.length)]!;
    const last = i === count - 1;
    const amount = last ? 0 : Math.floor(total / count);
    const fund = last ? 0 : Math.floor(insurance / count);
    return { kind, itemCode, name, costGroup, quantity: "1", unitPrice: String(amount), amount, insurance: fund };
  });
  const tail = lines[count - 1]!;
  tail.amount = total - Math.floor(total / count) * (count - 1);
  tail.insurance = insurance - Math.floor(insurance / count) * (count - 1);
  tail.unitPrice = String(tail.amount);
  return {
    ...claim,
    lines: lines.map((line) => ({ ...line, amount: String(line.amount), insurance: String(line.insurance) })),
  };
}
