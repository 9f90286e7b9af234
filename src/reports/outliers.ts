import { OUTLIER_STATUS_WORDS, TERMS, VISIT_TYPE_WORDS } from "../domain/glossary.ts";
import { z } from "@hono/zod-openapi";
import type { Caller } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { Dec, fixed, formatMoney, ratio } from "../domain/money.ts";
import { vietnamYearMonth } from "../domain/period.ts";
import { median, medianAbsoluteDeviation, robustZ } from "../domain/robust.ts";
import { Text, Count, MoneyOut, ProvinceCode, RatioOut, Timestamp, Year } from "../http/schemas.ts";
import type { CsvColumn } from "./csv.ts";
import { byCode, inScope, reportScope } from "./scope.ts";
import { OUTLIER_UNITS, type OutlierUnitRow } from "./sql.ts";

const VISIT_TYPES = ["outpatient", "day_treatment", "inpatient", "emergency"] as const;

export const OutlierQuery = z.object({
  year: Year.optional().openapi({ description: "discharge year in Vietnam time; default the current one" }),
  province: ProvinceCode.optional().openapi({
    description:
      "accounting province of the facilities listed; a province key may name only its own (another is 404). Peers " +
      "are compared in the facility's province and nationally either way.",
  }),
  visitType: z
    .enum(VISIT_TYPES)
    .optional()
    .openapi({ description: "one visit type; default all four, each compared separately" }),
  list: z
    .enum(["outliers", "all"])
    .default("outliers")
    .openapi({
      description:
        "`outliers` (default): outliers and facilities with too few claims to score; `all`: every facility in scope, " +
        "each with its status",
    }),
});
export type OutlierQuery = z.input<typeof OutlierQuery>;

const Score = Text.openapi({
  example: "4.12",
  description: "robust z-score 0.6745 (x - median) / MAD, 2 decimals rounded half up",
});

const Comparison = z
  .object({
    peers: Count.openapi({ description: "facilities scored in the group (this one included)" }),
    median: MoneyOut.nullable().openapi({
      description:
        "median of the peers' insured amount per claim, 2 decimals; null when the group has fewer than " +
        "minPeersForScore",
    }),
    mad: MoneyOut.nullable().openapi({ description: "median absolute deviation from that median, 2 decimals" }),
    score: Score.nullable().openapi({
      description: "null when the group is too small or its MAD is zero (no spread to compare with)",
    }),
  })
  .openapi("PeerComparison");

const OutlierFacility = z.object({
  facilityCode: Text,
  name: Text.nullable(),
  provinceCode: Text.openapi({ description: "the accounting province of these claims" }),
  visitType: z.enum(VISIT_TYPES),
  status: z.enum(["outlier", "within_range", "too_few_claims", "not_scored"]).openapi({
    description:
      "`outlier`: a score reaches rules.reports.outlierScore; `within_range`: scored, below it; `too_few_claims`: " +
      "fewer than minClaimsForScore claims, not scored; `not_scored`: no peer group large enough or with spread",
  }),
  claims: Count,
  insuranceAmount: MoneyOut.openapi({ description: "sum of the claimed insurance amounts" }),
  perClaim: MoneyOut.openapi({
    description: "insured amount per claim: the mean (insuranceAmount / claims), 2 decimals",
  }),
  province: Comparison.nullable().openapi({
    description: "against the same visit type in the same province; null when not scored for too few claims",
  }),
  national: Comparison.nullable().openapi({ description: "against the same visit type nationally" }),
  score: Score.nullable().openapi({ description: "the larger of the two scores" }),
  duplicateClaims: Count.openapi({ description: "claims flagged possible_duplicate" }),
  duplicateShare: RatioOut.openapi({ description: "duplicateClaims / claims, 4 decimals" }),
});

export const OutlierReport = z
  .object({
    year: Count,
    provinceCode: Text.nullable(),
    visitType: z.enum(VISIT_TYPES).nullable(),
    asOf: Timestamp,
    measure: Text.openapi({ description: "what is compared" }),
    rules: z.object({
      outlierScore: Text,
      minClaimsForScore: Count,
      minPeersForScore: Count,
    }),
    facilities: z.array(OutlierFacility).max(1_000_000).openapi({
      description: "outliers by score (highest first), then the rest by status; within a status by facility code",
    }),
  })
  .openapi("OutlierReport");
export type OutlierReport = z.infer<typeof OutlierReport>;
type Row = OutlierReport["facilities"][number];

const MEASURE =
  "mean claimed insurance amount per claim (sum / count) of each facility, by visit type and accounting province, " +
  "over every claim of the discharge year (denied ones included: the billing is what is inspected); peers are the " +
  "other facilities with at least minClaimsForScore claims of that visit type";

interface Group {
  peers: number;
  median: Dec | null;
  mad: Dec | null;
}

function groupOf(values: Dec[], minPeers: number): Group {
  if (values.length < minPeers) return { peers: values.length, median: null, mad: null };
  const middle = median(values)!;
  return { peers: values.length, median: middle, mad: medianAbsoluteDeviation(values, middle) };
}

function compare(value: Dec, group: Group): { view: z.infer<typeof Comparison>; score: Dec | null } {
  const score = group.median && group.mad ? robustZ(value, group.median, group.mad) : null;
  return {
    view: {
      peers: group.peers,
      median: group.median && formatMoney(fixed(group.median, 2)),
      mad: group.mad && formatMoney(fixed(group.mad, 2)),
      score: score && fixed(score, 2),
    },
    score,
  };
}

const STATUS_ORDER: Record<Row["status"], number> = { outlier: 0, within_range: 1, not_scored: 2, too_few_claims: 3 };

type Unit = OutlierUnitRow & { claims: number; duplicates: number; perClaim: Dec };
type ScoredRow = Row & { exact: Dec | null };
type ReportRules = AppDeps["rules"]["reports"];

/** Peer groups of the units with enough claims, in a province and nationally, by visit type. */
function peerGroups(units: Unit[], rules: ReportRules) {
  const scored = units.filter((unit) => unit.claims >= rules.minClaimsForScore);
  const collect = (key: (unit: Unit) => string) => {
    const values = new Map<string, Dec[]>();
    for (const unit of scored) {
      const list = values.get(key(unit));
      if (list) list.push(unit.perClaim);
      else values.set(key(unit), [unit.perClaim]);
    }
    return new Map([...values].map(([groupKey, perClaim]) => [groupKey, groupOf(perClaim, rules.minPeersForScore)]));
  };
  return {
    inProvince: collect((unit) => `${unit.provinceCode}|${unit.visitType}`),
    national: collect((unit) => unit.visitType),
  };
}

/** One unit's row: too few claims to score, or its scores against both peer groups. */
function scoreUnit(unit: Unit, groups: ReturnType<typeof peerGroups>, rules: ReportRules): ScoredRow {
  const base = {
    facilityCode: unit.facilityCode,
    name: unit.name,
    provinceCode: unit.provinceCode,
    visitType: unit.visitType as Row["visitType"],
    claims: unit.claims,
    insuranceAmount: formatMoney(unit.amount),
    perClaim: formatMoney(fixed(unit.perClaim, 2)),
    duplicateClaims: unit.duplicates,
    duplicateShare: ratio(unit.duplicates, unit.claims)!,
  };
  if (unit.claims < rules.minClaimsForScore)
    return { ...base, status: "too_few_claims", province: null, national: null, score: null, exact: null };
  const inProvince = compare(unit.perClaim, groups.inProvince.get(`${unit.provinceCode}|${unit.visitType}`)!);
  const nationally = compare(unit.perClaim, groups.national.get(unit.visitType)!);
  const scores = [inProvince.score, nationally.score].filter((score): score is Dec => score !== null);
  const exact = scores.length ? Dec.max(...scores) : null;
  const status = exact === null ? "not_scored" : exact.gte(new Dec(rules.outlierScore)) ? "outlier" : "within_range";
  return {
    ...base,
    status,
    province: inProvince.view,
    national: nationally.view,
    score: exact && fixed(exact, 2),
    exact,
  };
}

/** Outliers first, then by score, then by code; `list: outliers` keeps outliers and those too few to score. */
function listRows(rows: ScoredRow[], list: OutlierQuery["list"]): Row[] {
  return rows
    .filter((row) => list === "all" || row.status === "outlier" || row.status === "too_few_claims")
    .sort(
      (left, right) =>
        STATUS_ORDER[left.status] - STATUS_ORDER[right.status] ||
        (left.exact && right.exact ? right.exact.comparedTo(left.exact) : 0) ||
        byCode(left.facilityCode, right.facilityCode) ||
        byCode(left.provinceCode, right.provinceCode) ||
        byCode(left.visitType, right.visitType),
    )
    .map(({ exact: _, ...row }) => row);
}

/**
 * Facilities whose insured amount per claim stands far above their peers:
 * one statement groups the year's claims by facility, province and visit
 * type; the medians, MADs and robust z-scores are computed here in decimals.
 * The national comparison needs every facility's figure, so the statement
 * reads the whole year whatever the caller's scope; only rows in scope are
 * returned.
 */
export async function outlierReport(
  deps: Pick<AppDeps, "db" | "clock" | "rules">,
  caller: Caller,
  query: OutlierQuery,
): Promise<OutlierReport> {
  const parsed = OutlierQuery.parse(query);
  const scope = await reportScope(deps, caller, parsed.province);
  const now = deps.clock.now();
  const year = parsed.year ?? vietnamYearMonth(now).year;
  const rules = deps.rules.reports;
  const rows = await deps.db.sql.query<OutlierUnitRow>(OUTLIER_UNITS, [year, parsed.visitType ?? null]);
  const units: Unit[] = rows.map((row) => ({
    ...row,
    claims: Number(row.claims),
    duplicates: Number(row.duplicates),
    perClaim: new Dec(row.amount).div(Number(row.claims)),
  }));
  const groups = peerGroups(units, rules);
  const inView = units.filter((unit) => inScope(scope, unit.provinceCode, unit.facilityCode));
  return {
    year,
    provinceCode: scope.province,
    visitType: parsed.visitType ?? null,
    asOf: now.toISOString(),
    measure: MEASURE,
    rules: {
      outlierScore: rules.outlierScore,
      minClaimsForScore: rules.minClaimsForScore,
      minPeersForScore: rules.minPeersForScore,
    },
    facilities: listRows(
      inView.map((unit) => scoreUnit(unit, groups, rules)),
      parsed.list,
    ),
  };
}

/** The CSV columns of the report: one line per facility and visit type. */
export const OUTLIER_CSV: CsvColumn<Row>[] = [
  { header: TERMS.facilityCode.vi, value: (r) => r.facilityCode },
  { header: TERMS.facilityName.vi, value: (r) => r.name },
  { header: TERMS.provinceCode.vi, value: (r) => r.provinceCode },
  { header: TERMS.visitType.vi, value: (r) => VISIT_TYPE_WORDS[r.visitType].vi },
  { header: TERMS.assessment.vi, value: (r) => OUTLIER_STATUS_WORDS[r.status].vi },
  { header: TERMS.claims.vi, value: (r) => r.claims },
  { header: TERMS.spent.vi, value: (r) => r.insuranceAmount },
  { header: TERMS.perClaim.vi, value: (r) => r.perClaim },
  { header: "Trung vị trong tỉnh", value: (r) => r.province?.median },
  { header: "MAD trong tỉnh", value: (r) => r.province?.mad },
  { header: "Điểm z trong tỉnh", value: (r) => r.province?.score },
  { header: "Trung vị toàn quốc", value: (r) => r.national?.median },
  { header: "MAD toàn quốc", value: (r) => r.national?.mad },
  { header: "Điểm z toàn quốc", value: (r) => r.national?.score },
  { header: "Số hồ sơ nghi trùng", value: (r) => r.duplicateClaims },
  { header: "Tỷ lệ hồ sơ nghi trùng", value: (r) => r.duplicateShare },
];
