import { DRUGS, type Item, prng, SERVICES } from "./xml-envelope.ts";
import { type DemoFacility, FACILITIES, MERGED, PROVINCES } from "./places.ts";

/**
 * The demo's year as a timeline of what hospitals and reviewers do, made from
 * a seed so every load is the same: fortnightly batches from every facility
 * (late ones days after discharge), corrections resent in the next batch,
 * discharge papers sent weeks later or never (the backlog), a few overlapping
 * stays (possible duplicates), and the agency's decisions on early claims.
 * Pure: the loader (load.ts) plays it through the API.
 */
export type DemoEvent =
  | { kind: "batch"; at: Date; facility: string; batchId: string; claims: DemoClaim[] }
  | { kind: "documents"; at: Date; facility: string; claimId: string }
  | { kind: "decision"; at: Date; facility: string; claimId: string; outcome: "approved" | "denied"; cut: number };

export interface DemoClaim {
  claimId: string;
  patient: { cardNumber: string; citizenId?: string; name: string; birthDate: string; gender: "male" | "female" };
  visitType: "outpatient" | "day_treatment" | "inpatient" | "emergency";
  admittedAt: string;
  dischargedAt: string;
  diagnosis: { primary: string; secondary: string[] };
  referral: boolean;
  procedure: boolean;
  amounts: { total: string; insurance: string; patient: string; other: string };
  documents: { type: string; reference: string }[];
  lines: DemoLine[];
}

export interface DemoLine {
  kind: "drug" | "service" | "supply";
  itemCode: string;
  name: string;
  costGroup: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  insurance: string;
}

export interface DemoStory {
  year: number;
  events: DemoEvent[];
  /** The fund's part of every claim as last sent, by the province it counts in: what the estimates are set from. */
  insuranceByProvince: Map<string, number>;
}

const DAY = 86_400_000;
const FORTNIGHT = 14 * DAY;
/** Vietnam time is UTC+7 all year. */
const VN = 7 * 3_600_000;

type Rand = () => number;

const between = (rand: Rand, min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

/** RFC 3339 in Vietnam time, as hospitals write it. */
export function vietnamTime(at: Date): string {
  return `${new Date(at.getTime() + VN).toISOString().slice(0, 19)}+07:00`;
}

/** The province a facility's claims count in during the demo's year (after the merger). */
function countsIn(facility: string): string {
  const own = facility.slice(0, 2);
  return MERGED.find(([code]) => code === own)?.[2] ?? own;
}

/**
 * The year of claims ending at `now`: from 1 January of the year that was 60
 * days ago (so a demo loaded in January still shows a full year) to `now`.
 */
export function demoStory(now: Date, seed = 2025): DemoStory {
  const year = new Date(now.getTime() - 60 * DAY + VN).getUTCFullYear();
  const start = Date.UTC(year, 0, 1) - VN;
  const end = Math.min(now.getTime() - DAY, Date.UTC(year + 1, 0, 1) - VN);
  const rand = prng(seed);
  const events: DemoEvent[] = [];
  const last = new Map<string, DemoClaim & { facility: string }>();
  for (const facility of FACILITIES) {
    let corrections: DemoClaim[] = [];
    for (let sent = start + FORTNIGHT, round = 1; sent < end; sent += FORTNIGHT, round++) {
      const fresh = Array.from({ length: facility.claims }, (_, i) =>
        newClaim(rand, facility, sent, `${facility.code}-${round}-${i}`),
      );
      const claims = [...fresh, ...corrections];
      events.push({ kind: "batch", at: new Date(sent), facility: facility.code, batchId: `demo-${round}`, claims });
      for (const claim of claims) last.set(`${facility.code}/${claim.claimId}`, { ...claim, facility: facility.code });
      corrections = fresh.filter(() => rand() < 0.03).map((claim) => corrected(rand, claim));
      events.push(...followUps(rand, facility.code, fresh, sent, end));
    }
  }
  events.push(...overlappingStays(rand, start, end, last));
  events.sort((a, b) => a.at.getTime() - b.at.getTime());
  const insuranceByProvince = new Map<string, number>();
  for (const claim of last.values()) {
    const province = countsIn(claim.facility);
    insuranceByProvince.set(province, (insuranceByProvince.get(province) ?? 0) + Number(claim.amounts.insurance));
  }
  return { year, events, insuranceByProvince };
}

const GROUPS = ["DN", "HT", "GD", "HS", "TE", "CN", "BT"];
const FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Ngô"];
const MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thu", "Hữu", "Thanh", "Quốc"];
const GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hùng", "Lan", "Linh", "Mai", "Nam", "Sơn", "Trang", "Yến"];
const DIAGNOSES = ["J18.9", "I10", "E11.9", "K29.7", "J20.9", "A09", "M54.5", "N39.0", "I63.9", "K35.8", "S72.0"];

const VISITS: [DemoClaim["visitType"], share: number, amount: number][] = [
  ["outpatient", 0.6, 350_000],
  ["day_treatment", 0.1, 1_800_000],
  ["inpatient", 0.25, 9_000_000],
  ["emergency", 0.05, 2_500_000],
];

function visitOf(rand: Rand): [DemoClaim["visitType"], number] {
  let roll = rand();
  for (const [visit, share, amount] of VISITS) {
    if (roll < share) return [visit, amount];
    roll -= share;
  }
  return ["outpatient", 350_000];
}

function patient(rand: Rand, province: string): DemoClaim["patient"] {
  const female = rand() < 0.52;
  const born = between(rand, 1940, 2023);
  const twoDigits = (max: number) => String(between(rand, 1, max)).padStart(2, "0");
  const birthDate = `${born}-${twoDigits(12)}-${twoDigits(28)}`;
  const group = born > 2019 ? "TE" : born < 1961 ? "HT" : pick(rand, GROUPS);
  const digits = String(between(rand, 1_000_000_000, 9_999_999_999));
  const name = `${pick(rand, FAMILY)} ${female ? "Thị" : pick(rand, MIDDLE)} ${pick(rand, GIVEN)}`;
  const shown = { cardNumber: `${group}${between(rand, 1, 4)}${province}${digits}`, name, birthDate };
  if (rand() < 0.5) return { ...shown, gender: female ? "female" : "male" };
  // The citizen ID's fourth digit is sex and century, the fifth and sixth the year of birth.
  const sexCentury = (born >= 2000 ? 2 : 0) + (female ? 1 : 0);
  const citizenId = `0${province}${sexCentury}${String(born % 100).padStart(2, "0")}${digits.slice(0, 6)}`;
  return { ...shown, gender: female ? "female" : "male", citizenId };
}

function newClaim(rand: Rand, facility: DemoFacility, sent: number, claimId: string): DemoClaim {
  const [visitType, typical] = visitOf(rand);
  const discharged = facility.late
    ? sent - between(rand, 2 * 24, 9 * 24) * 3_600_000
    : sent - between(rand, 2, 20) * 3_600_000;
  const stayHours =
    visitType === "inpatient" ? between(rand, 48, 240) : visitType === "day_treatment" ? 8 : between(rand, 1, 4);
  const total = Math.round((typical * (0.4 + rand() * 1.4) * (facility.costly ? 3.2 : 1)) / 1000) * 1000;
  const insurance = Math.round((total * pick(rand, [0.8, 0.8, 0.95, 1])) / 1000) * 1000;
  const procedure = visitType === "inpatient" && rand() < 0.3;
  const needsPaper = visitType === "inpatient" || visitType === "day_treatment";
  const documents = [
    ...(needsPaper && rand() < 0.8 ? [{ type: "discharge_paper", reference: `GRV-${claimId}` }] : []),
    ...(procedure ? [{ type: "surgery_certificate", reference: `PT-${claimId}` }] : []),
  ];
  return {
    claimId,
    patient: patient(rand, facility.code.slice(0, 2)),
    visitType,
    admittedAt: vietnamTime(new Date(discharged - stayHours * 3_600_000)),
    dischargedAt: vietnamTime(new Date(discharged)),
    diagnosis: { primary: pick(rand, DIAGNOSES), secondary: rand() < 0.4 ? [pick(rand, DIAGNOSES)] : [] },
    referral: false,
    procedure,
    amounts: { total: String(total), insurance: String(insurance), patient: String(total - insurance), other: "0" },
    documents,
    lines: linesOf(rand, total, insurance),
  };
}

/** What the last line of a bill stands for when the listed items do not make up the total: surgery or procedures. */
const REST: Item[] = [
  ["10.0001", "Phẫu thuật, thủ thuật theo bảng giá", "Lần", 0, "8"],
  ["03.0001", "Thủ thuật theo bảng giá", "Lần", 0, "18"],
];

/**
 * The claim's lines: a few drugs, tests, beds and supplies at their catalogue prices (the demo XML file's), in
 * quantities that make up most of the bill, then one line for the rest (surgery or procedures), so that they add up
 * to `total` exactly; the fund's part split in the same shares.
 */
function linesOf(rand: Rand, total: number, insurance: number): DemoLine[] {
  const chosen = Array.from({ length: between(rand, 2, 6) }, () => {
    const item = pick(rand, rand() < 0.5 ? DRUGS : SERVICES);
    return [item, item[2] === "Viên" ? between(rand, 5, 30) : between(rand, 1, 3)] as [Item, number];
  });
  const cost = (items: [Item, number][]) => items.reduce((sum, [item, quantity]) => sum + item[3] * quantity, 0);
  // A bigger bill has more of the same, not a larger line for the rest: the items scaled to about 60-85% of it.
  const scale = Math.max(1, Math.floor((total * (0.6 + rand() * 0.25)) / cost(chosen)));
  const picked: [Item, number][] = [];
  for (const [item, quantity] of chosen)
    if (cost(picked) + item[3] * quantity * scale <= total) picked.push([item, quantity * scale]);
  const rest = total - cost(picked);
  if (rest > 0) picked.push([pick(rand, REST), 1]);
  let fund = 0;
  return picked.map(([[code, name, , price, group], quantity], index) => {
    const amount = index === picked.length - 1 && rest > 0 ? rest : price * quantity;
    const share = index === picked.length - 1 ? insurance - fund : Math.floor((amount * insurance) / total);
    fund += share;
    return {
      kind: group === "4" ? "drug" : group === "10" ? "supply" : "service",
      itemCode: code,
      name,
      costGroup: group,
      quantity: String(quantity),
      unitPrice: String(amount / quantity),
      amount: String(amount),
      insurance: String(share),
    };
  });
}

/** The same claim resent with its amounts corrected (a missed line, a price fixed). */
function corrected(rand: Rand, claim: DemoClaim): DemoClaim {
  const total = Math.round((Number(claim.amounts.total) * (0.85 + rand() * 0.3)) / 1000) * 1000;
  const insurance = Math.min(total, Number(claim.amounts.insurance));
  return {
    ...claim,
    amounts: { total: String(total), insurance: String(insurance), patient: String(total - insurance), other: "0" },
    lines: linesOf(rand, total, insurance),
  };
}

/** Papers that follow weeks later (or never: the backlog), and the agency's decisions on the year's first claims. */
function followUps(rand: Rand, facility: string, claims: DemoClaim[], sent: number, end: number): DemoEvent[] {
  const events: DemoEvent[] = [];
  for (const claim of claims) {
    const missing =
      (claim.visitType === "inpatient" || claim.visitType === "day_treatment") &&
      claim.documents.every((d) => d.type !== "discharge_paper");
    if (missing && rand() < 0.6) {
      const at = sent + between(rand, 5, 50) * DAY;
      if (at < end) events.push({ kind: "documents", at: new Date(at), facility, claimId: claim.claimId });
    } else if (!missing && sent + 75 * DAY < end && rand() < 0.05) {
      const outcome = rand() < 0.15 ? "denied" : "approved";
      const cut = outcome === "approved" && rand() < 0.3 ? Math.round(rand() * 10) / 100 : 0;
      events.push({ kind: "decision", at: new Date(sent + 60 * DAY), facility, claimId: claim.claimId, outcome, cut });
    }
  }
  return events;
}

/** A dozen patients billed by a second hospital for a stay that overlaps one already claimed. */
function overlappingStays(
  rand: Rand,
  start: number,
  end: number,
  last: Map<string, DemoClaim & { facility: string }>,
): DemoEvent[] {
  const stays = [...last.values()].filter((claim) => claim.visitType === "inpatient" && claim.facility !== "79002");
  const events: DemoEvent[] = [];
  for (let copy = 0; copy < 12; copy++) {
    const { facility: _, ...first } = pick(rand, stays);
    const sent = new Date(first.dischargedAt).getTime() + DAY;
    if (sent <= start || sent >= end) continue;
    const claimId = `79002-dup-${copy}`;
    const claim = { ...first, claimId, documents: [{ type: "discharge_paper", reference: `GRV-${claimId}` }] };
    events.push({ kind: "batch", at: new Date(sent), facility: "79002", batchId: `demo-dup-${copy}`, claims: [claim] });
    last.set(`79002/${claimId}`, { ...claim, facility: "79002" });
  }
  return events;
}

/** The estimate that puts a province at its story's share of the estimate by the end of the demo's year. */
export function estimateFor(province: string, insurance: number): string {
  const usage = PROVINCES.find((p) => p.code === province)?.usage ?? 0.8;
  return String(Math.round(insurance / usage / 1_000_000) * 1_000_000);
}
