import type { z } from "@hono/zod-openapi";
import { type Caller, canSeeProvince, requireRole } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { bucketByAge } from "../domain/backlog.ts";
import { Dec, formatMoney } from "../domain/money.ts";
import { notFound } from "../http/problem.ts";
import type { Backlog } from "./contract.ts";
import * as sql from "./sql.ts";
import type { BacklogRow } from "./sql.ts";

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
  const rows = await deps.db.sql.query<BacklogRow>(sql.BACKLOG, [asOf, province ?? null, query.year ?? null]);
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
