import { createRoute, z } from "@hono/zod-openapi";
import { type Caller, callerOf, canSeeProvince, requireRole } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { Dec, formatMoney, ratio } from "../domain/money.ts";
import { elapsedRatio, vietnamYearMonth } from "../domain/period.ts";
import { Prisma } from "#prisma";
import { notFound } from "../http/problem.ts";
import { projectedRatios } from "../reports/projection.ts";
import { router } from "../http/router.ts";
import { MoneyOut, ProvinceCode, RatioOut, Timestamp, Year, json, problems } from "../http/schemas.ts";

const ROUNDING = "4 decimals, rounded half up from the unrounded values";

const UsageQuery = z.object({
  year: Year.optional().openapi({ description: "financial (calendar) year in Vietnam time; default: the current one" }),
});

const ProvinceUsage = z
  .object({
    provinceCode: z.string(),
    name: z.string(),
    estimate: MoneyOut.nullable().openapi({
      description: "the estimate total (initial + adjustments); null when none is set",
    }),
    spent: MoneyOut.openapi({
      description:
        'insurance amounts of the year\'s claims not denied (approved amount where decided); "0" when nothing was ' +
        "claimed",
    }),
    pendingDocumentationAmount: MoneyOut.openapi({
      description: "the part of `spent` whose claims still wait for documents",
    }),
    ratio: RatioOut.nullable().openapi({
      description: `spent / estimate, ${ROUNDING}; null without an estimate or with an estimate of zero`,
    }),
    elapsedRatio: RatioOut.openapi({
      description: "share of the Vietnam-time year passed at asOf, 0 to 1, 4 decimals rounded half up",
    }),
    projectedRatio: RatioOut.nullable().openapi({
      description:
        `projected year-end spending / estimate, ${ROUNDING}: a chain-ladder on the arrival triangle ` +
        `(claims not yet received developed to ultimate, then the same pace for the rest of the year), or the pace ` +
        `method (spent / exact elapsed share) while history is short; GET /v1/provinces/{code}/projection shows ` +
        `which and the figures. null when no time of the year has passed or without a positive estimate`,
    }),
    openAlerts: z.number().int().openapi({
      description: "alerts of this province and year not yet resolved (open or acknowledged), of any kind",
    }),
  })
  .openapi("ProvinceUsage");

const UsageList = z
  .object({
    year: z.number().int(),
    asOf: Timestamp,
    provinces: z.array(ProvinceUsage).openapi({
      description: "sorted by ratio descending (compared unrounded), provinces without a ratio last, then by code",
    }),
  })
  .openapi("Usage");

const ProvinceUsageDetail = ProvinceUsage.extend({
  year: z.number().int(),
  asOf: Timestamp,
  byFacility: z
    .array(
      z.object({
        facilityCode: z.string(),
        name: z.string().nullable(),
        spent: MoneyOut,
        share: RatioOut.nullable().openapi({
          description: `the facility's spent / the province's spent, ${ROUNDING}; null when the province spent nothing`,
        }),
      }),
    )
    .openapi({ description: "facilities with claims this year, largest spent first (then by code)" }),
  byMonth: z.array(z.object({ month: z.number().int().min(1).max(12), spent: MoneyOut })).openapi({
    description: 'all 12 months of the year by discharge month (Vietnam time), "0" for a month without spending',
  }),
}).openapi("ProvinceUsageDetail");

interface Row {
  provinceCode: string;
  name: string;
  estimate: string | null;
  spent: string;
  pending: string;
  openAlerts: number;
}

/**
 * One row per province: its estimate, spending and unresolved alerts for the
 * year, in one statement. Reads only the aggregates (never claims).
 */
function usageRows(prisma: AppDeps["db"]["prisma"], year: number, where: Prisma.Sql) {
  return prisma.$queryRaw<Row[]>`
    SELECT p.code AS "provinceCode", p.name AS "name",
           e.total_amount::text AS "estimate",
           COALESCE(s.spent, 0)::text AS "spent",
           COALESCE(s.pending_amount, 0)::text AS "pending",
           (SELECT count(*)::int FROM alert a WHERE a.province_code = p.code AND a.year = ${year} AND a.status <>
             'resolved') AS "openAlerts"
    FROM province p
    LEFT JOIN estimate e ON e.province_code = p.code AND e.year = ${year}
    LEFT JOIN spending s ON s.province_code = p.code AND s.year = ${year}
    WHERE ${where}`;
}

function provinceUsage(row: Row, year: number, now: Date, projected: string | null): z.infer<typeof ProvinceUsage> {
  return {
    provinceCode: row.provinceCode,
    name: row.name,
    estimate: row.estimate === null ? null : formatMoney(row.estimate),
    spent: formatMoney(row.spent),
    pendingDocumentationAmount: formatMoney(row.pending),
    ratio: ratio(row.spent, row.estimate),
    elapsedRatio: elapsedRatio(year, now),
    projectedRatio: projected,
    openAlerts: Number(row.openAlerts),
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
  const where =
    caller.role === "central"
      ? Prisma.sql`(e.province_code IS NOT NULL OR s.province_code IS NOT NULL)`
      : Prisma.sql`p.code = ${caller.provinceCode}`;
  const rows = await usageRows(deps.db.prisma, shownYear, where);
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
  const { prisma } = deps.db;
  const now = deps.clock.now();
  const shownYear = year ?? vietnamYearMonth(now).year;
  const [row] = await usageRows(prisma, shownYear, Prisma.sql`p.code = ${code}`);
  if (!row) throw notFound("province");
  const facilities = await prisma.$queryRaw<{ facilityCode: string; name: string | null; spent: string }[]>`
    SELECT d.facility_code AS "facilityCode", f.name AS "name", sum(d.spent)::text AS "spent"
    FROM spending_detail d LEFT JOIN facility f ON f.code = d.facility_code
    WHERE d.province_code = ${code} AND d.year = ${shownYear}
    GROUP BY d.facility_code, f.name
    ORDER BY sum(d.spent) DESC, d.facility_code`;
  const months = await prisma.$queryRaw<{ month: number; spent: string }[]>`
    SELECT month AS "month", sum(spent)::text AS "spent" FROM spending_detail
    WHERE province_code = ${code} AND year = ${shownYear} GROUP BY month`;
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
    })),
    byMonth,
  };
}

/** Spending against the estimate: every province (central) or the caller's own (province). */
export function usageRoutes(deps: AppDeps) {
  const app = router();

  app.openapi(
    createRoute({
      method: "get",
      path: "/usage",
      tags: ["Usage"],
      summary: "Usage of every province for a year (central: all; province: its own)",
      description:
        "Central keys get every province that has an estimate or spending for the year; a province key gets its own " +
        "province (always, with zeros when nothing was claimed). Facility keys: 403. Computed from the running " +
        "totals, so it is current as of the last committed batch.",
      request: { query: UsageQuery },
      responses: { 200: json(UsageList), ...problems },
    }),
    async (c) => c.json(await usageOverview(deps, callerOf(c), c.req.valid("query").year), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/provinces/{code}/usage",
      tags: ["Usage"],
      summary: "Usage of one province, by facility and by month (central, or its province)",
      description: "An unknown province, or another province than a province key's own, is 404. Facility keys: 403.",
      request: { params: z.object({ code: ProvinceCode }), query: UsageQuery },
      responses: { 200: json(ProvinceUsageDetail), ...problems },
    }),
    async (c) =>
      c.json(await provinceUsageDetail(deps, callerOf(c), c.req.valid("param").code, c.req.valid("query").year), 200),
  );

  return app;
}
