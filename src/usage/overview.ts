import type { z } from "@hono/zod-openapi";
import { type Caller, canSeeProvince, requireRole } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { change, Dec, formatMoney, ratio } from "../domain/money.ts";
import { elapsedRatio, monthsShown, vietnamYearMonth } from "../domain/period.ts";
import { notFound } from "../http/problem.ts";
import { projectedRatios } from "../reports/projection.ts";
import type { ProvinceUsage, ProvinceUsageDetail, UsageList } from "./contract.ts";
import * as sql from "./sql.ts";

interface Row {
  provinceCode: string;
  name: string;
  estimate: string | null;
  spent: string;
  pending: string;
  openAlerts: number;
  acknowledgedAlerts: number;
  proposedCuts: string;
  previousSpent: string;
  previousEstimate: string | null;
}

/**
 * One row per province: its estimate, spending and unresolved alerts for the
 * year, in one statement. Reads only the aggregates (never claims).
 */
function usageRows(deps: Pick<AppDeps, "db">, year: number, provinceCode: string | null, through: number) {
  return deps.db.sql.query<Row>(sql.USAGE_ROWS, [year, provinceCode, through]);
}

/** The same months of the previous year, beside this year's figures. */
function previousYear(row: Row, year: number, through: number) {
  return {
    year: year - 1,
    through,
    spent: formatMoney(row.previousSpent),
    ratio: ratio(row.previousSpent, row.previousEstimate),
    change: change(row.spent, row.previousSpent),
  };
}

function provinceUsage(row: Row, year: number, now: Date, projected: string | null): z.infer<typeof ProvinceUsage> {
  const through = monthsShown(year, now);
  return {
    provinceCode: row.provinceCode,
    name: row.name,
    estimate: row.estimate === null ? null : formatMoney(row.estimate),
    spent: formatMoney(row.spent),
    pendingDocumentationAmount: formatMoney(row.pending),
    ratio: ratio(row.spent, row.estimate),
    proposedCuts: formatMoney(row.proposedCuts),
    ratioIfUpheld: ratio(new Dec(row.spent).minus(row.proposedCuts), row.estimate),
    elapsedRatio: elapsedRatio(year, now),
    projectedRatio: projected,
    openAlerts: Number(row.openAlerts),
    acknowledgedAlerts: Number(row.acknowledgedAlerts),
    previousYear: previousYear(row, year, through),
  };
}

/** Unrounded spent / estimate for sorting, null without a positive estimate. */
const exactRatio = (r: Row) =>
  r.estimate === null || new Dec(r.estimate).lte(0) ? null : new Dec(r.spent).div(r.estimate);

type Deps = Pick<AppDeps, "db" | "clock" | "rules">;

/**
 * Usage of every province for a year (default: the current Vietnam-time
 * year): central sees every province with an estimate or spending, a
 * province key its own; facility 403. Two statements (usage rows, then the
 * arrival triangles the projection reads), on the aggregates only.
 */
export async function usageOverview(deps: Deps, caller: Caller, year?: number): Promise<z.infer<typeof UsageList>> {
  requireRole(caller, "central", "province");
  const now = deps.clock.now();
  const shownYear = year ?? vietnamYearMonth(now).year;
  const rows = await usageRows(
    deps,
    shownYear,
    caller.role === "central" ? null : caller.provinceCode,
    monthsShown(shownYear, now),
  );
  const projected = await projectedRatios(deps, rows, shownYear);
  const sorted = rows
    .map((r) => ({ r, exact: exactRatio(r) }))
    .sort((left, right) => {
      if (left.exact && right.exact && !left.exact.eq(right.exact)) return right.exact.comparedTo(left.exact);
      if (left.exact && !right.exact) return -1;
      if (!left.exact && right.exact) return 1;
      return left.r.provinceCode < right.r.provinceCode ? -1 : left.r.provinceCode > right.r.provinceCode ? 1 : 0;
    });
  return {
    year: shownYear,
    asOf: now.toISOString(),
    provinces: sorted.map(({ r }) => provinceUsage(r, shownYear, now, projected.get(r.provinceCode) ?? null)),
  };
}

/**
 * One province's usage with its spending by facility and by month (central,
 * or that province; otherwise or unknown: 404; facility 403). Four
 * statements, on the aggregates only.
 */
export async function provinceUsageDetail(
  deps: Deps,
  caller: Caller,
  code: string,
  year?: number,
): Promise<z.infer<typeof ProvinceUsageDetail>> {
  requireRole(caller, "central", "province");
  if (!canSeeProvince(caller, code)) throw notFound("province");
  const now = deps.clock.now();
  const shownYear = year ?? vietnamYearMonth(now).year;
  const through = monthsShown(shownYear, now);
  const [row] = await usageRows(deps, shownYear, code, through);
  if (!row) throw notFound("province");
  const facilities = await deps.db.sql.query<{
    facilityCode: string;
    name: string | null;
    spent: string;
    previousSpent: string;
  }>(sql.FACILITY_SPENDING, [code, shownYear, through]);
  const months = await deps.db.sql.query<{ month: number; spent: string }>(sql.MONTH_SPENDING, [code, shownYear]);
  const byMonth = Array.from({ length: 12 }, (_, index) => {
    const monthRow = months.find((x) => Number(x.month) === index + 1);
    return { month: index + 1, spent: formatMoney(monthRow ? monthRow.spent : "0") };
  });
  return {
    year: shownYear,
    asOf: now.toISOString(),
    ...provinceUsage(
      row,
      shownYear,
      now,
      (await projectedRatios(deps, [row], shownYear)).get(row.provinceCode) ?? null,
    ),
    byFacility: facilities.map((f) => ({
      facilityCode: f.facilityCode,
      name: f.name,
      spent: formatMoney(f.spent),
      share: ratio(f.spent, row.spent),
      previousSpent: formatMoney(f.previousSpent),
      change: change(f.spent, f.previousSpent),
    })),
    byMonth,
  };
}
