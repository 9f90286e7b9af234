import { lockSpending, raiseAlerts } from "../../src/alerts/evaluate.ts";
import { prismaSession } from "../../src/db/client.ts";
import type { Prisma } from "../../src/generated/prisma/client.ts";
import type { TestContext } from "./harness.ts";

export interface SpendingEntry {
  provinceCode: string;
  year: number;
  /** Discharge month, 1-12; default 1. */
  month?: number;
  facilityCode: string;
  /** Added to spent (may be negative, as a denial would be). */
  spent: string;
  /** Added to the pending-documentation part; default 0. */
  pending?: string;
  claims?: number;
}

/**
 * What ingestion does to the aggregates, without claims: adds to spending and
 * spending_detail, locks the spending rows, raises alerts, all in one
 * transaction. `tx` lets a test run it inside a transaction of its own.
 */
export async function addSpendingIn(
  tx: Prisma.TransactionClient,
  t: Pick<TestContext, "rules" | "clock">,
  entries: SpendingEntry[],
  at = t.clock.now(),
) {
  for (const e of entries) {
    const pending = e.pending ?? "0";
    const claims = e.claims ?? 1;
    await tx.$executeRaw`
      INSERT INTO spending (province_code, year, spent, pending_amount, claim_count, updated_at)
      VALUES (${e.provinceCode}, ${e.year}, ${e.spent}::numeric, ${pending}::numeric, ${claims}, ${at}::timestamptz)
      ON CONFLICT (province_code, year) DO UPDATE SET
        spent = spending.spent + EXCLUDED.spent, pending_amount = spending.pending_amount + EXCLUDED.pending_amount,
        claim_count = spending.claim_count + EXCLUDED.claim_count, updated_at = EXCLUDED.updated_at`;
    await tx.$executeRaw`
      INSERT INTO spending_detail (province_code, year, month, facility_code, spent, pending_amount, claim_count)
      VALUES (${e.provinceCode}, ${e.year}, ${e.month ?? 1}, ${e.facilityCode}, ${e.spent}::numeric,
        ${pending}::numeric, ${claims})
      ON CONFLICT (province_code, year, month, facility_code) DO UPDATE SET
        spent = spending_detail.spent + EXCLUDED.spent, pending_amount = spending_detail.pending_amount +
          EXCLUDED.pending_amount,
        claim_count = spending_detail.claim_count + EXCLUDED.claim_count`;
  }
  const keys = entries.map((e) => ({ provinceCode: e.provinceCode, year: e.year }));
  await lockSpending(prismaSession(tx), keys);
  await raiseAlerts(prismaSession(tx), t, keys, at);
}

/** addSpendingIn in a transaction of its own, as one ingestion batch would. */
export function addSpending(t: TestContext, entries: SpendingEntry[], at = t.clock.now()) {
  return t.db.prisma.$transaction((tx) => addSpendingIn(tx, t, entries, at));
}

/** Sets an estimate (PUT, central key) and fails loudly if the API refuses. */
export async function setEstimate(t: TestContext, provinceCode: string, year: number, amount: string) {
  const res = await t.json("PUT", `/v1/provinces/${provinceCode}/estimates/${year}`, { body: { amount } });
  if (res.status !== 200 && res.status !== 201) throw new Error(`estimate refused: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Adjusts an estimate (POST adjustment, central key). */
export async function adjustEstimate(
  t: TestContext,
  provinceCode: string,
  year: number,
  amount: string,
  reason = "test adjustment",
) {
  const res = await t.json("POST", `/v1/provinces/${provinceCode}/estimates/${year}/adjustments`, {
    body: { amount, reason },
  });
  if (res.status !== 201) throw new Error(`adjustment refused: ${JSON.stringify(res.body)}`);
  return res.body;
}
