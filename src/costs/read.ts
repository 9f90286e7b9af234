import { type Caller, canSeeProvince, requireRole } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { change, Dec, formatMoney, ratio } from "../domain/money.ts";
import { monthsShown, vietnamYearMonth } from "../domain/period.ts";
import { notFound } from "../http/problem.ts";
import type { CostBreakdownOut } from "./contract.ts";
import { type CostGroup, UNSPECIFIED_GROUP } from "./rules.ts";
import * as sql from "./sql.ts";

type Deps = Pick<AppDeps, "db" | "clock" | "rules">;

interface GroupRow {
  costGroup: string;
  spent: string;
  previous: string;
}

/** The year and the last month shown: by default this year up to this month, a past year whole. */
export function period(
  deps: Pick<AppDeps, "clock">,
  query: { year?: number | undefined; through?: number | undefined },
) {
  const now = deps.clock.now();
  const year = query.year ?? vietnamYearMonth(now).year;
  return { year, through: query.through ?? monthsShown(year, now) };
}

/** The rows as a breakdown: each group named by the rules, largest first, and the groups rolled up by category. */
export function breakdown(rows: GroupRow[], groups: readonly CostGroup[], year: number, through: number) {
  const named = new Map(groups.map((group) => [group.code, group]));
  const total = rows.reduce((sum, row) => sum.plus(row.spent), new Dec(0));
  const previousTotal = rows.reduce((sum, row) => sum.plus(row.previous), new Dec(0));
  const figures = (spent: Dec, previous: Dec) => ({
    spent: formatMoney(spent),
    share: ratio(spent, total),
    previousSpent: formatMoney(previous),
    change: change(spent, previous),
  });
  const sorted = rows
    .map((row) => ({ ...row, spentDec: new Dec(row.spent), previousDec: new Dec(row.previous) }))
    .filter((row) => !row.spentDec.isZero() || !row.previousDec.isZero())
    .sort((a, b) => b.spentDec.comparedTo(a.spentDec) || (a.costGroup < b.costGroup ? -1 : 1));
  const categories = new Map<string, { spent: Dec; previous: Dec }>();
  const out: CostBreakdownOut["groups"] = sorted.map((row) => {
    const group = named.get(row.costGroup);
    const category = group?.category ?? UNSPECIFIED_GROUP;
    const sums = categories.get(category) ?? { spent: new Dec(0), previous: new Dec(0) };
    categories.set(category, { spent: sums.spent.plus(row.spentDec), previous: sums.previous.plus(row.previousDec) });
    return {
      costGroup: row.costGroup,
      // A group the rules no longer list keeps its code as its name: its money is still shown.
      name: group?.vi ?? (row.costGroup === UNSPECIFIED_GROUP ? "Không có chi tiết" : `MA_NHOM ${row.costGroup}`),
      nameEn: group?.en ?? (row.costGroup === UNSPECIFIED_GROUP ? "Sent without lines" : `MA_NHOM ${row.costGroup}`),
      category: category as CostBreakdownOut["groups"][number]["category"],
      ...figures(row.spentDec, row.previousDec),
    };
  });
  return {
    year,
    through,
    spent: formatMoney(total),
    previousSpent: formatMoney(previousTotal),
    change: change(total, previousTotal),
    groups: out,
    categories: [...categories.entries()]
      .sort(([, a], [, b]) => b.spent.comparedTo(a.spent))
      .map(([category, sums]) => ({
        category: category as CostBreakdownOut["categories"][number]["category"],
        ...figures(sums.spent, sums.previous),
      })),
  };
}

/** What a province's spending went on, by cost group, against the same months of the previous year. */
export async function provinceCosts(
  deps: Deps,
  caller: Caller,
  code: string,
  query: { year?: number | undefined; through?: number | undefined },
): Promise<CostBreakdownOut & { provinceCode: string }> {
  requireRole(caller, "central", "province");
  if (!canSeeProvince(caller, code)) throw notFound("province");
  const province = await deps.db.prisma.province.findUnique({ where: { code }, select: { code: true } });
  if (!province) throw notFound("province");
  const { year, through } = period(deps, query);
  const rows = await deps.db.sql.query<GroupRow>(sql.PROVINCE_COST_GROUPS, [code, year, through]);
  return { provinceCode: code, ...breakdown(rows, deps.rules.costs.costGroups, year, through) };
}

/** The same for one facility: central, its province, or the facility itself. */
export async function facilityCosts(
  deps: Deps,
  caller: Caller,
  code: string,
  query: { year?: number | undefined; through?: number | undefined },
): Promise<CostBreakdownOut & { facilityCode: string }> {
  const facility = await deps.db.prisma.facility.findUnique({ where: { code }, select: { provinceCode: true } });
  const visible =
    facility &&
    (caller.role === "central" ||
      (caller.role === "province" && caller.provinceCode === facility.provinceCode) ||
      (caller.role === "facility" && caller.facilityCode === code));
  if (!visible) throw notFound("facility");
  const { year, through } = period(deps, query);
  const rows = await deps.db.sql.query<GroupRow>(sql.FACILITY_COST_GROUPS, [code, year, through]);
  return { facilityCode: code, ...breakdown(rows, deps.rules.costs.costGroups, year, through) };
}
