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

/** One item a claim's lines may name, with the price the facility's catalogue approves for it. */
export interface LineItem {
  kind: "drug" | "service" | "supply";
  /** MA_NHOM: 4 drugs, 1 tests, 2 imaging, 13 examination, 15 inpatient bed days, 10 supplies. */
  group: string;
  code: string;
  name: string;
  /** Integer VND: the approved unit price. */
  price: number;
  /** TT_THAU of a drug or supply: decision;package;group;year. */
  bid: string | null;
}

/**
 * A hospital's items, made from a seed: 240 drugs, 60 supplies, 60 tests, 20 imaging services, 3 examination fees
 * and 4 bed-day services, each with an approved price (and a tender for drugs and supplies).
 */
export function lineItems(seed = 11): LineItem[] {
  const r = rng(seed);
  const make = (
    count: number,
    kind: LineItem["kind"],
    group: string,
    code: (n: number) => string,
    name: string,
    price: () => number,
  ) =>
    Array.from({ length: count }, (_, n): LineItem => {
      const tendered = kind !== "service";
      const bid = tendered ? `${100 + (n % 7)}/QĐ-BV;G${1 + (n % 3)};N${1 + (n % 4)};2025` : null;
      return { kind, group, code: code(n), name: `${name} ${n + 1}`, price: price(), bid };
    });
  return [
    ...make(
      240,
      "drug",
      "4",
      (n) => `40.${300 + n}`,
      "Thuốc",
      () => 100 * (5 + r(500)),
    ),
    ...make(
      60,
      "supply",
      "10",
      (n) => `N03.02.${String(100 + n)}`,
      "Vật tư",
      () => 1000 * (2 + r(300)),
    ),
    ...make(
      60,
      "service",
      "1",
      (n) => `22.${String(1000 + n)}`,
      "Xét nghiệm",
      () => 1000 * (20 + r(280)),
    ),
    ...make(
      20,
      "service",
      "2",
      (n) => `18.${String(1000 + n)}`,
      "Chẩn đoán hình ảnh",
      () => 1000 * (50 + r(900)),
    ),
    ...make(
      3,
      "service",
      "13",
      (n) => `02.${String(1896 + n)}`,
      "Khám",
      () => 30500 + 1000 * r(20),
    ),
    ...make(
      4,
      "service",
      "15",
      (n) => `K03.${String(1901 + n)}`,
      "Ngày giường",
      () => 1000 * (200 + r(200)),
    ),
  ];
}

/** What the catalogues leave out: every 25th item (its lines are cut whole). */
const unlisted = (index: number) => index % 25 === 24;
/** Practitioners of a facility: 40, of whom the staff list names all but the last two. */
const STAFF = 40;
const certificate = (n: number) => `${String(1000 + n).padStart(6, "0")}/HNO-CCHN`;

/**
 * A facility's catalogues as the agency's CSV layouts (Mẫu 02, 03, 04, 05/DM), for PUT
 * /v1/facilities/{code}/catalogues/{kind}: every item but one in 25, at its approved price, in force from 2025 on.
 */
export function catalogueFiles(items: LineItem[]): Record<"drugs" | "supplies" | "services" | "staff", string> {
  const listed = items.filter((_, index) => !unlisted(index));
  const rows = (kind: LineItem["kind"], row: (item: LineItem, n: number) => string) =>
    listed
      .filter((item) => item.kind === kind)
      .map(row)
      .join("\n");
  return {
    drugs:
      "STT,MA_THUOC,TEN_THUOC,HAM_LUONG,DON_GIA_BH,TT_THAU,TU_NGAY,DEN_NGAY,MA_NHOM\n" +
      rows("drug", (item, n) => `${n + 1},${item.code},${item.name},500mg,${item.price},${item.bid},20250101,,4`),
    supplies:
      "STT,MA_VAT_TU,TEN_VAT_TU,DON_GIA_BH,TT_THAU,TU_NGAY,DEN_NGAY\n" +
      rows("supply", (item, n) => `${n + 1},${item.code},${item.name},${item.price},${item.bid},20250101,`),
    services:
      "STT,MA_DICH_VU,TEN_DICH_VU,DON_GIA,TU_NGAY,DEN_NGAY,BAO_GOM_VTYT\n" +
      rows("service", (item, n) => `${n + 1},${item.code},${item.name},${item.price},20250101,,0`),
    staff:
      "STT,HO_TEN,MACCHN,TU_NGAY,DEN_NGAY\n" +
      Array.from({ length: STAFF - 2 }, (_, n) => `${n + 1},Bác sĩ ${n + 1},${certificate(n)},20250101,`).join("\n"),
  };
}

const ITEMS = lineItems();
const byGroup = (group: string) => ITEMS.filter((item) => item.group === group);
const DRUGS = byGroup("4");
const SUPPLIES = byGroup("10");
const TESTS = byGroup("1");
const IMAGING = byGroup("2");
const EXAMINATIONS = byGroup("13");
const BEDS = byGroup("15");

/** The item of the i-th line of a claim: an examination first, bed days second on a stay, then a realistic mix. */
function itemOf(r: (n: number) => number, i: number, stay: boolean): LineItem {
  if (i === 0) return EXAMINATIONS[r(EXAMINATIONS.length)]!;
  if (i === 1 && stay) return BEDS[r(BEDS.length)]!;
  const roll = r(100);
  // Drugs are most lines; a few hospitals' favourites most of those.
  if (roll < 55) return DRUGS[r(4) === 0 ? r(DRUGS.length) : r(40)]!;
  if (roll < 75) return TESTS[r(TESTS.length)]!;
  if (roll < 82) return IMAGING[r(IMAGING.length)]!;
  return SUPPLIES[r(SUPPLIES.length)]!;
}

const at = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

/**
 * What a line carries: "full", every field the XML tables give and automated assessment reads (issue 23); "basic",
 * the fields of issue 20 (item, name, cost group, quantity, unit price, amount, the fund's part), as the JSON lines
 * were sent before assessment.
 */
export type LineShape = "full" | "basic";

/**
 * The claim with `count` cost lines as a hospital's system sends them (XML2 drugs, XML3 services and supplies): item,
 * name, cost group, quantity, unit price (one line in 12 above the approved one), amount, the fund's part, order and
 * execution times within the stay, who ordered and who performed, TT_THAU of drugs and supplies, DON_GIA_BH of
 * services and supplies (these six in the "full" shape only). The claim's amounts become the lines' sums (T_THUOC and
 * T_VTYT too); a claim whose amounts did not add up still does not.
 */
export function withLines<C extends ReturnType<typeof makeClaim>>(
  claim: C,
  r: (n: number) => number,
  count = 20,
  shape: LineShape = "full",
): C {
  const admitted = Date.parse(claim.admittedAt);
  const discharged = Date.parse(claim.dischargedAt);
  const stay = claim.visitType === "inpatient";
  const days = Math.max(1, Math.round((discharged - admitted) / 86_400_000));
  const share = [80, 95, 100][r(3)]!;
  let total = 0;
  let insurance = 0;
  let drugs = 0;
  let supplies = 0;
  const lines = Array.from({ length: count }, (_, i) => {
    const item = itemOf(r, i, stay);
    const quantity =
      item.group === "15" ? days : item.kind === "drug" ? 1 + r(20) : item.kind === "supply" ? 1 + r(4) : 1;
    const price = r(12) === 0 ? Math.round(item.price * 1.1) : item.price;
    const amount = price * quantity;
    const fund = Math.floor((amount * share) / 100);
    total += amount;
    insurance += fund;
    if (item.kind === "drug") drugs += amount;
    if (item.kind === "supply") supplies += amount;
    const ordered = admitted + r(Math.max(1, discharged - admitted - 3_600_000));
    return {
      kind: item.kind,
      itemCode: item.code,
      name: item.name,
      costGroup: item.group,
      quantity: String(quantity),
      unitPrice: String(price),
      amount: String(amount),
      insurance: String(fund),
      ...(shape === "full"
        ? {
            orderedAt: at(ordered),
            executedAt: at(ordered + 1_800_000),
            ...(item.kind === "drug" ? {} : { insuredPrice: String(price) }),
            ...(item.bid ? { bidInfo: item.bid } : {}),
            orderedBy: certificate(r(STAFF)),
            ...(item.kind === "service" ? { performedBy: certificate(r(STAFF)) } : {}),
          }
        : {}),
    };
  });
  const { amounts } = claim;
  const addsUp = Number(amounts.total) === Number(amounts.insurance) + Number(amounts.patient) + Number(amounts.other);
  return {
    ...claim,
    amounts: {
      total: String(total + (addsUp ? 0 : 1)),
      insurance: String(insurance),
      patient: String(total - insurance),
      other: "0",
      drugs: String(drugs),
      supplies: String(supplies),
    },
    lines,
  };
}
