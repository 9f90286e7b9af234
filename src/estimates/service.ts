import { randomUUID } from "node:crypto";
import { lockSpending, raiseAlerts } from "../alerts/evaluate.ts";
import { audit } from "../audit/audit.ts";
import { type Caller, canSeeProvince, requireRole } from "../auth/caller.ts";
import { prismaSession } from "../db/client.ts";
import type { AppDeps } from "../deps.ts";
import { Dec, formatMoney } from "../domain/money.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { notFound, unprocessable } from "../http/problem.ts";
import * as sql from "./sql.ts";

type Tx = Prisma.TransactionClient;

export async function estimateView(tx: Tx | AppDeps["db"]["prisma"], provinceCode: string, year: number) {
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
  await prismaSession(tx).query(sql.LOCK_ESTIMATE, [provinceCode, year]);
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
    {
      path: "amount",
      code: "estimate_below_zero",
      message: `the total would become ${formatMoney(total)}`,
      params: { total: formatMoney(total) },
    },
  ]);

export function ensureReadable(caller: Caller, provinceCode: string) {
  requireRole(caller, "central", "province");
  if (!canSeeProvince(caller, provinceCode)) throw notFound("estimate");
}

export interface EstimateKey {
  code: string;
  year: number;
  requestId: string;
}

/** Sets the initial allocation (central); adjustments made before keep adding to it. Created: true for a new one. */
export async function setEstimate(
  deps: AppDeps,
  caller: Caller,
  input: EstimateKey & { amount: Dec; decisionRef?: string | undefined },
) {
  requireRole(caller, "central");
  const { code, year, amount, decisionRef } = input;
  const at = deps.clock.now();
  return deps.db.prisma.$transaction(async (tx) => {
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
      { caller, requestId: input.requestId, at },
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
}

/** Adjusts an estimate (central); the total may not go below zero. */
export async function adjustEstimate(
  deps: AppDeps,
  caller: Caller,
  input: EstimateKey & { amount: Dec; reason: string; decisionRef?: string | undefined },
) {
  requireRole(caller, "central");
  const { code, year, amount, reason } = input;
  const decisionRef = input.decisionRef ?? null;
  const at = deps.clock.now();
  return deps.db.prisma.$transaction(async (tx) => {
    await requireProvince(tx, code);
    const before = await lockEstimate(tx, code, year);
    if (!before) throw notFound("estimate");
    const total = new Dec(before.totalAmount.toString()).plus(amount);
    if (total.isNegative()) throw negativeTotal(total);
    const id = randomUUID();
    const adjustment = { id, provinceCode: code, year, amount: amount.toString(), reason, decisionRef, createdAt: at };
    await tx.estimateAdjustment.create({ data: adjustment });
    await tx.estimate.update({
      where: { provinceCode_year: { provinceCode: code, year } },
      data: { totalAmount: total.toString(), updatedAt: at },
    });
    await alertOnEstimateChange(tx, deps, code, year, at);
    await audit(
      tx,
      { caller, requestId: input.requestId, at },
      {
        action: "estimate.adjust",
        entity: "estimate",
        entityId: `${code}/${year}`,
        before: { total: formatMoney(before.totalAmount) },
        after: { adjustmentId: id, amount: formatMoney(amount), reason, decisionRef, total: formatMoney(total) },
      },
    );
    return (await estimateView(tx, code, year))!;
  });
}

/** An estimate with its adjustments (central, or its province). */
export async function readEstimate(deps: Pick<AppDeps, "db">, caller: Caller, code: string, year: number) {
  ensureReadable(caller, code);
  const view = await estimateView(deps.db.prisma, code, year);
  if (!view) throw notFound("estimate");
  return view;
}
