import { TERMS, termNote } from "../domain/glossary.ts";
import { z } from "@hono/zod-openapi";
import type { Caller } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { Dec, fixed, ratio } from "../domain/money.ts";
import { vietnamYearMonth } from "../domain/period.ts";
import { bandPercentile } from "../domain/receipt-delay.ts";
import { Text, Count, ProvinceCode, RatioOut, Timestamp, Year } from "../http/schemas.ts";
import type { CsvColumn } from "./csv.ts";
import { byCode, reportScope } from "./scope.ts";
import { LATE_SUBMISSIONS, type LateRow } from "./sql.ts";

export const LateQuery = z.object({
  year: Year.optional().openapi({ description: "discharge year in Vietnam time; default the current one" }),
  province: ProvinceCode.optional().openapi({
    description: "accounting province of the claims; a province key may name only its own (another is 404)",
  }),
  month: z.coerce
    .number()
    .int()
    .min(1)
    .max(12)
    .optional()
    .openapi({ description: "discharge month (1-12, Vietnam time); default the whole year", format: "int32" }),
});
export type LateQuery = z.infer<typeof LateQuery>;

const Hours = Text.openapi({ example: "26.50", description: "hours as a decimal string, 2 decimals rounded half up" });

const LateFacility = z.object({
  facilityCode: Text,
  name: Text.nullable(),
  provinceCode: Text.openapi({
    description: "the accounting province of these claims (a merged facility appears once per province it counted in)",
  }),
  claims: Count.openapi({ description: `claims discharged in the year${termNote("claims")}` }),
  late: Count.openapi({ description: `claims flagged late_submission${termNote("late")}` }),
  lateShare: RatioOut.openapi({ description: `late / claims, 4 decimals${termNote("lateShare")}` }),
  medianHours: Hours.openapi({
    description:
      "median time from discharge to first receipt, read from the stored distribution: the end of the band that " +
      "holds the middle claim (percentile_disc), so the exact value is at most one band below it. Bands: 1 hour " +
      `under 72 hours, 6 hours to 7 days, 1 day to 30 days, 1 week beyond${termNote("medianHours")}`,
  }),
  p90Hours: Hours.openapi({
    description:
      "90th percentile of the same, read the same way: within this many hours 90% of the claims arrived" +
      termNote("p90Hours"),
  }),
  citizenIdMismatches: Count.openapi({
    description:
      "claims flagged citizen_id_mismatch (a data-quality sign, counted here for the same facilities)" +
      termNote("citizenIdMismatches"),
  }),
});

export const LateReport = z
  .object({
    year: Count,
    month: Count.nullable(),
    provinceCode: Text.nullable(),
    asOf: Timestamp,
    submissionDeadlineHours: Count.openapi({
      description: "the rule in force now; each claim's flag was set by the rule in force when it arrived",
    }),
    totals: z.object({
      claims: Count,
      late: Count,
      lateShare: RatioOut.nullable(),
      citizenIdMismatches: Count,
    }),
    facilities: z
      .array(LateFacility)
      .max(100_000)
      .openapi({ description: "largest late share first, then most late claims, then by facility and province code" }),
  })
  .openapi("LateSubmissionReport");
export type LateReport = z.infer<typeof LateReport>;

/**
 * Which facilities send claims late: one statement over the tallies and
 * delays kept for the year (and month) in the caller's scope, grouped by
 * facility, never over the claims. Central sees
 * every facility, a province key its own province's, a facility key its own
 * row.
 */
export async function lateSubmissionReport(
  deps: Pick<AppDeps, "db" | "clock" | "rules">,
  caller: Caller,
  query: LateQuery,
): Promise<LateReport> {
  const scope = await reportScope(deps, caller, query.province);
  const now = deps.clock.now();
  const year = query.year ?? vietnamYearMonth(now).year;
  const rows = await deps.db.sql.query<LateRow>(LATE_SUBMISSIONS, [
    year,
    query.month ?? null,
    scope.province,
    scope.facility,
  ]);
  const share = (r: LateRow) => new Dec(r.late).div(r.claims);
  rows.sort(
    (a, b) =>
      share(b).comparedTo(share(a)) ||
      b.late - a.late ||
      byCode(a.facilityCode, b.facilityCode) ||
      byCode(a.provinceCode, b.provinceCode),
  );
  const sum = (f: (row: LateRow) => number) => rows.reduce((n, r) => n + Number(f(r)), 0);
  const claims = sum((r) => r.claims);
  const late = sum((r) => r.late);
  return {
    year,
    month: query.month ?? null,
    provinceCode: scope.province,
    asOf: now.toISOString(),
    submissionDeadlineHours: deps.rules.timing.submissionDeadlineHours,
    totals: {
      claims,
      late,
      lateShare: claims ? ratio(late, claims) : null,
      citizenIdMismatches: sum((r) => r.mismatches),
    },
    facilities: rows.map((r) => ({
      facilityCode: r.facilityCode,
      name: r.name,
      provinceCode: r.provinceCode,
      claims: Number(r.claims),
      late: Number(r.late),
      lateShare: ratio(r.late, r.claims)!,
      medianHours: fixed(bandPercentile(r.delays, 0.5)!, 2),
      p90Hours: fixed(bandPercentile(r.delays, 0.9)!, 2),
      citizenIdMismatches: Number(r.mismatches),
    })),
  };
}

type LateFacilityRow = LateReport["facilities"][number];

/** The CSV columns of the report: one line per facility. */
export const LATE_CSV: CsvColumn<LateFacilityRow>[] = [
  { header: TERMS.facilityCode.vi, value: (r) => r.facilityCode },
  { header: TERMS.facilityName.vi, value: (r) => r.name },
  { header: TERMS.provinceCode.vi, value: (r) => r.provinceCode },
  { header: TERMS.claims.vi, value: (r) => r.claims },
  { header: TERMS.late.vi, value: (r) => r.late },
  { header: TERMS.lateShare.vi, value: (r) => r.lateShare },
  { header: TERMS.medianHours.vi, value: (r) => r.medianHours },
  { header: TERMS.p90Hours.vi, value: (r) => r.p90Hours },
  { header: TERMS.citizenIdMismatches.vi, value: (r) => r.citizenIdMismatches },
];
