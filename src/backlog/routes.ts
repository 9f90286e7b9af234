import { createRoute, z } from "@hono/zod-openapi";
import { type Caller, callerOf, canSeeProvince, requireRole } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { bucketByAge } from "../domain/backlog.ts";
import { Dec, formatMoney } from "../domain/money.ts";
import { Prisma } from "#prisma";
import { notFound } from "../http/problem.ts";
import { router } from "../http/router.ts";
import { MoneyOut, ProvinceCode, Timestamp, Year, json, problems } from "../http/schemas.ts";
import { markStuck } from "./mark-stuck.ts";
import { type BacklogRow, backlogQuery } from "./sql.ts";

const BacklogQuery = z.object({
  province: ProvinceCode.optional().openapi({
    description: "central: one province (default all); a province key may name only its own (another is 404)",
  }),
  year: Year.optional().openapi({
    description:
      "discharge year in Vietnam time; default all years (a claim stays stuck across New Year, and last year's " +
      "backlog is what settlement needs)",
  }),
});

const Backlog = z
  .object({
    asOf: Timestamp,
    provinceCode: z.string().nullable().openapi({ description: "the province covered; null for every province" }),
    year: z.number().int().nullable().openapi({ description: "the discharge year covered; null for every year" }),
    stuckAfterDays: z
      .number()
      .int()
      .openapi({
        description:
          "rules.timing.stuckAfterDays: a claim pending documentation this many days (24-hour days) is marked stuck " +
          "at " +
          "the next marking",
      }),
    count: z.number().int().openapi({ description: "claims marked stuck (pending documentation, stuck: true)" }),
    amount: MoneyOut.openapi({ description: "their insurance amounts" }),
    pending: z.object({ count: z.number().int(), amount: MoneyOut }).openapi({
      description:
        "every claim pending documentation, stuck or not yet (the stuck ones included): the backlog's pipeline",
    }),
    byFacility: z
      .array(
        z.object({
          facilityCode: z.string(),
          name: z.string().nullable(),
          count: z.number().int(),
          amount: MoneyOut,
          oldestPendingSince: Timestamp.openapi({
            description: "the longest-waiting stuck claim of the facility has been pending since then",
          }),
        }),
      )
      .openapi({ description: "stuck claims by facility (who must act), largest amount first, then by code" }),
    byMissingDocument: z.array(z.object({ type: z.string(), count: z.number().int(), amount: MoneyOut })).openapi({
      description:
        "stuck claims by missing document type, most claims first, then by type. A claim missing two types counts " +
        "under both, so these do not add up to the totals.",
    }),
    byAge: z
      .array(
        z.object({
          fromDays: z.number().int(),
          toDays: z.number().int().nullable(),
          count: z.number().int(),
          amount: MoneyOut,
        }),
      )
      .openapi({
        description:
          "stuck claims by whole days pending at asOf, in the buckets of rules.backlog.ageBucketsDays (fromDays " +
          "inclusive, toDays exclusive, null for the last). Every bucket is listed, empty ones with zeros; they add " +
          "up to count and amount.",
      }),
  })
  .openapi("Backlog");

/**
 * The backlog report for a caller (role and scope checked here, so the API and
 * the dashboard share one definition): central sees every province or the one
 * named; a province sees its own, another is 404; an unknown province is 404;
 * facilities are refused (403). One statement, one snapshot.
 */
export async function backlogReport(
  deps: Pick<AppDeps, "db" | "clock" | "rules">,
  caller: Caller,
  query: { province?: string | undefined; year?: number | undefined } = {},
): Promise<z.infer<typeof Backlog>> {
  requireRole(caller, "central", "province");
  const { prisma } = deps.db;
  const province = caller.role === "province" ? (query.province ?? caller.provinceCode) : query.province;
  if (province !== undefined) {
    if (!canSeeProvince(caller, province)) throw notFound("province");
    if (!(await prisma.province.findUnique({ where: { code: province }, select: { code: true } })))
      throw notFound("province");
  }
  const asOf = deps.clock.now();
  const where = Prisma.join(
    [
      Prisma.sql`TRUE`,
      ...(province !== undefined ? [Prisma.sql`c.province_code = ${province}`] : []),
      ...(query.year !== undefined ? [Prisma.sql`c.year = ${query.year}`] : []),
    ],
    " AND ",
  );
  const rows = await prisma.$queryRaw<BacklogRow[]>(backlogQuery(asOf, where));
  const of = (dim: BacklogRow["dim"]) => rows.filter((r) => r.dim === dim);
  const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

  const facilities = of("facility")
    .map((r) => ({
      facilityCode: r.key!,
      name: r.name,
      count: Number(r.n),
      amount: new Dec(r.amount),
      oldestPendingSince: new Date(r.oldest!).toISOString(),
    }))
    .sort((a, b) => b.amount.comparedTo(a.amount) || byCode(a.facilityCode, b.facilityCode));
  const documents = of("document")
    .map((r) => ({ type: r.key!, count: Number(r.n), amount: formatMoney(r.amount) }))
    .sort((a, b) => b.count - a.count || byCode(a.type, b.type));
  const pending = of("pending")[0];
  return {
    asOf: asOf.toISOString(),
    provinceCode: province ?? null,
    year: query.year ?? null,
    stuckAfterDays: deps.rules.timing.stuckAfterDays,
    count: facilities.reduce((n, f) => n + f.count, 0),
    amount: formatMoney(facilities.reduce((sum, f) => sum.plus(f.amount), new Dec(0))),
    pending: { count: Number(pending?.n ?? 0), amount: formatMoney(pending?.amount ?? "0") },
    byFacility: facilities.map((f) => ({ ...f, amount: formatMoney(f.amount) })),
    byMissingDocument: documents,
    byAge: bucketByAge(
      deps.rules.backlog.ageBucketsDays,
      of("age").map((r) => ({ days: Number(r.days), count: Number(r.n), amount: r.amount })),
    ),
  };
}

/**
 * The backlog of claims stuck on documentation (../shared/API.md), and the
 * job that marks claims stuck.
 */
export function backlogRoutes(deps: AppDeps) {
  const app = router();

  app.openapi(
    createRoute({
      method: "get",
      path: "/backlog",
      tags: ["Backlog"],
      summary:
        "Claims stuck on documentation: totals, by facility, by missing document and by age (central, or a province)",
      description: [
        "Covers the claims marked stuck (`stuck: true`): pending documentation for at least `stuckAfterDays`, as of " +
          "the last marking (POST /v1/jobs/mark-stuck, or the schedule). `pending` adds the count and amount of " +
          "every claim pending documentation, so the backlog still forming is visible too.",
        "Central keys see every province, or one with `?province=`; a province key sees its own, and naming another " +
          "province is 404. An unknown province is 404. Facility keys: 403 (a facility lists its own stuck claims " +
          "with GET /v1/claims?stuck=true).",
        "Amounts are insurance amounts (what the fund would pay) as decimal strings. Provinces are the accounting " +
          "province of each claim (a merged province's claims count for its successor from the merger on).",
      ].join("\n\n"),
      request: { query: BacklogQuery },
      responses: { 200: json(Backlog), ...problems },
    }),
    async (c) => c.json(await backlogReport(deps, callerOf(c), c.req.valid("query")), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/jobs/mark-stuck",
      tags: ["Backlog"],
      summary: "Mark claims stuck now (central)",
      description:
        "Marks every claim pending documentation since at least rules.timing.stuckAfterDays (24-hour days; 0 = every " +
        "pending claim) as stuck, and raises a `stuck_backlog` alert for a province-year whose stuck amount reaches " +
        "rules.backlog.stuckShareOfEstimate of its estimate (one live alert per province-year). The same job runs " +
        "on the server's schedule. Concurrent runs mark each claim once. No body.",
      responses: {
        200: json(
          z
            .object({ marked: z.number().int().openapi({ description: "claims marked stuck by this run" }) })
            .openapi("MarkStuckResult"),
          "Done",
        ),
        ...problems,
      },
    }),
    async (ctx) => {
      requireRole(callerOf(ctx), "central");
      return ctx.json(await markStuck(deps), 200);
    },
  );

  return app;
}
