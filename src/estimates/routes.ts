import { createRoute, z } from "@hono/zod-openapi";
import { randomUUID } from "node:crypto";
import { lockSpending, raiseAlerts } from "../alerts/evaluate.ts";
import { audit } from "../audit/audit.ts";
import { type Caller, callerOf, canSeeProvince, requireRole } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { Dec, formatMoney } from "../domain/money.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { notFound, unprocessable } from "../http/problem.ts";
import { router } from "../http/router.ts";
import {
  MoneyOut,
  Money,
  ProvinceCode,
  SignedMoney,
  Timestamp,
  Year,
  json,
  jsonBody,
  problems,
} from "../http/schemas.ts";
import { prismaSession } from "../db/client.ts";

const Params = z.object({ code: ProvinceCode, year: Year });

const PutEstimate = z.object({ amount: Money, decisionRef: z.string().trim().min(1).max(200).optional() }).strict();
const PostAdjustment = z
  .object({
    amount: SignedMoney,
    reason: z.string().trim().min(1).max(1000),
    decisionRef: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

const AdjustmentView = z
  .object({
    id: z.string(),
    amount: MoneyOut,
    reason: z.string(),
    decisionRef: z.string().nullable(),
    createdAt: Timestamp,
  })
  .openapi("EstimateAdjustment");
const EstimateView = z
  .object({
    provinceCode: z.string(),
    year: z.number().int(),
    initial: MoneyOut,
    decisionRef: z.string().nullable(),
    adjustments: z.array(AdjustmentView),
    total: MoneyOut,
    updatedAt: Timestamp,
  })
  .openapi("Estimate");

type Tx = Prisma.TransactionClient;

async function estimateView(tx: Tx | AppDeps["db"]["prisma"], provinceCode: string, year: number) {
  const existing = await tx.estimate.findUnique({
    where: { provinceCode_year: { provinceCode, year } },
    include: { adjustments: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] } },
  });
  if (!existing) return null;
  return {
    provinceCode: existing.provinceCode,
    year: existing.year,
    initial: formatMoney(existing.initialAmount),
    decisionRef: existing.decisionRef,
    adjustments: existing.adjustments.map((a) => ({
      id: a.id,
      amount: formatMoney(a.amount),
      reason: a.reason,
      decisionRef: a.decisionRef,
      createdAt: a.createdAt.toISOString(),
    })),
    total: formatMoney(existing.totalAmount),
    updatedAt: existing.updatedAt.toISOString(),
  };
}

/** Locks the estimate row so concurrent changes to one estimate apply one after another. */
async function lockEstimate(tx: Tx, provinceCode: string, year: number) {
  await tx.$queryRaw`SELECT 1 FROM estimate WHERE province_code = ${provinceCode} AND year = ${year} FOR UPDATE`;
  return tx.estimate.findUnique({ where: { provinceCode_year: { provinceCode, year } } });
}

/**
 * A lowered estimate can cross a usage threshold without any new spending:
 * evaluate alerts in the transaction that changed it. The estimate row is
 * already locked; the spending row is locked after it (ingestion locks only
 * spending rows, so the order cannot deadlock). A raised estimate resolves
 * nothing: raiseAlerts only ever inserts.
 */
async function alertOnEstimateChange(tx: Tx, deps: AppDeps, provinceCode: string, year: number, at: Date) {
  const keys = [{ provinceCode, year }];
  const session = prismaSession(tx);
  await lockSpending(session, keys);
  await raiseAlerts(session, deps, keys, at);
}

async function requireProvince(tx: Tx, code: string) {
  if (!(await tx.province.findUnique({ where: { code } }))) throw notFound("province");
}

const negativeTotal = (total: Dec) =>
  unprocessable("the estimate total may not go below zero", [
    { path: "amount", code: "estimate_below_zero", message: `the total would become ${formatMoney(total)}` },
  ]);

function ensureReadable(caller: Caller, provinceCode: string) {
  requireRole(caller, "central", "province");
  if (!canSeeProvince(caller, provinceCode)) throw notFound("estimate");
}

/** Annual estimates per province: central sets and adjusts them; each change is audited. */
export function estimatesRoutes(deps: AppDeps) {
  const { prisma } = deps.db;
  const app = router();

  app.openapi(
    createRoute({
      method: "put",
      path: "/{code}/estimates/{year}",
      tags: ["Estimates"],
      summary: "Set the initial allocation (central)",
      request: { params: Params, body: jsonBody(PutEstimate) },
      responses: { 200: json(EstimateView, "Updated"), 201: json(EstimateView, "Created"), ...problems },
    }),
    async (ctx) => {
      const caller = callerOf(ctx);
      requireRole(caller, "central");
      const { code, year } = ctx.req.valid("param");
      const { amount, decisionRef } = ctx.req.valid("json");
      const at = deps.clock.now();
      const { view, created } = await prisma.$transaction(async (tx) => {
        await requireProvince(tx, code);
        const before = await lockEstimate(tx, code, year);
        const adjustments = before
          ? new Dec(before.totalAmount.toString()).minus(before.initialAmount.toString())
          : new Dec(0);
        const total = adjustments.plus(amount);
        if (total.isNegative()) throw negativeTotal(total);
        const data = {
          initialAmount: amount.toString(),
          totalAmount: total.toString(),
          decisionRef: decisionRef ?? null,
          updatedAt: at,
        };
        if (before) await tx.estimate.update({ where: { provinceCode_year: { provinceCode: code, year } }, data });
        else await tx.estimate.create({ data: { provinceCode: code, year, createdAt: at, ...data } });
        await alertOnEstimateChange(tx, deps, code, year, at);
        const view = (await estimateView(tx, code, year))!;
        await audit(
          tx,
          { caller, requestId: ctx.get("requestId"), at },
          {
            action: before ? "estimate.update" : "estimate.create",
            entity: "estimate",
            entityId: `${code}/${year}`,
            before: before && {
              initial: formatMoney(before.initialAmount),
              total: formatMoney(before.totalAmount),
              decisionRef: before.decisionRef,
            },
            after: { initial: view.initial, total: view.total, decisionRef: view.decisionRef },
          },
        );
        return { view, created: !before };
      });
      return ctx.json(view, created ? 201 : 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/{code}/estimates/{year}/adjustments",
      tags: ["Estimates"],
      summary: "Adjust an estimate (central); the total may not go below zero",
      request: { params: Params, body: jsonBody(PostAdjustment) },
      responses: { 201: json(EstimateView, "Adjusted; the estimate with its adjustments"), ...problems },
    }),
    async (ctx) => {
      const caller = callerOf(ctx);
      requireRole(caller, "central");
      const { code, year } = ctx.req.valid("param");
      const { amount, reason, decisionRef } = ctx.req.valid("json");
      const at = deps.clock.now();
      const view = await prisma.$transaction(async (tx) => {
        await requireProvince(tx, code);
        const before = await lockEstimate(tx, code, year);
        if (!before) throw notFound("estimate");
        const total = new Dec(before.totalAmount.toString()).plus(amount);
        if (total.isNegative()) throw negativeTotal(total);
        const id = randomUUID();
        await tx.estimateAdjustment.create({
          data: {
            id,
            provinceCode: code,
            year,
            amount: amount.toString(),
            reason,
            decisionRef: decisionRef ?? null,
            createdAt: at,
          },
        });
        await tx.estimate.update({
          where: { provinceCode_year: { provinceCode: code, year } },
          data: { totalAmount: total.toString(), updatedAt: at },
        });
        await alertOnEstimateChange(tx, deps, code, year, at);
        await audit(
          tx,
          { caller, requestId: ctx.get("requestId"), at },
          {
            action: "estimate.adjust",
            entity: "estimate",
            entityId: `${code}/${year}`,
            before: { total: formatMoney(before.totalAmount) },
            after: {
              adjustmentId: id,
              amount: formatMoney(amount),
              reason,
              decisionRef: decisionRef ?? null,
              total: formatMoney(total),
            },
          },
        );
        return (await estimateView(tx, code, year))!;
      });
      return ctx.json(view, 201);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{code}/estimates/{year}",
      tags: ["Estimates"],
      summary: "An estimate with its adjustments (central, or its province)",
      request: { params: Params },
      responses: { 200: json(EstimateView), ...problems },
    }),
    async (ctx) => {
      const { code, year } = ctx.req.valid("param");
      ensureReadable(callerOf(ctx), code);
      const view = await estimateView(prisma, code, year);
      if (!view) throw notFound("estimate");
      return ctx.json(view, 200);
    },
  );

  return app;
}
