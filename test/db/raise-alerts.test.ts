import { describe, expect, it } from "vitest";
import { lockSpending, raiseAlerts } from "../../src/alerts/evaluate.ts";
import { prismaSession, type SqlSession } from "../../src/db/client.ts";
import type { Prisma } from "../../src/generated/prisma/client.ts";
import { useTestApp, threeThresholdRules } from "../support/harness.ts";

const t = useTestApp({ rules: threeThresholdRules });

/** A session that counts every statement sent through it. */
function counting(inner: SqlSession) {
  const counter = { statements: 0 };
  const session: SqlSession = {
    query: <T>(sql: string, params?: unknown[]) => (counter.statements++, inner.query<T>(sql, params)),
    exec: (script) => (counter.statements++, inner.exec(script)),
  };
  return { tx: session, counter };
}

/**
 * The two ways callers run this SQL: the batch path on a plain driver session,
 * the other writers on a Prisma transaction. Rows come back typed differently
 * (int8 and numeric especially), so both are exercised.
 */
const SESSIONS: { name: string; within: <T>(fn: (session: SqlSession) => Promise<T>) => Promise<T> }[] = [
  { name: "driver session", within: (fn) => t.db.withSession(fn) },
  {
    name: "Prisma transaction",
    within: (fn) => t.db.prisma.$transaction((tx: Prisma.TransactionClient) => fn(prismaSession(tx))),
  },
];

async function seedProvinces(n: number, year: number, spentShare: string) {
  const codes = Array.from({ length: n }, (_, i) => String(10 + i));
  await t.db.prisma.province.createMany({ data: codes.map((code) => ({ code, name: `P${code}` })) });
  await t.db.prisma.estimate.createMany({
    data: codes.map((provinceCode) => ({ provinceCode, year, initialAmount: "1000000", totalAmount: "1000000" })),
  });
  await t.db.prisma.spending.createMany({
    data: codes.map((provinceCode) => ({ provinceCode, year, spent: spentShare })),
  });
  return codes.map((provinceCode) => ({ provinceCode, year }));
}

describe.each(SESSIONS)("raising alerts is set-based, on a $name", ({ within }) => {
  it("sends the same two statements for one province-year as for fifty, and raises every crossing", async () => {
    // Past the year, so no projection alert joins in: only the thresholds count.
    const at = new Date("2025-06-01T00:00:00Z");
    const keys = await seedProvinces(50, 2024, "900000");
    const one = await within(async (raw) => {
      const { tx, counter } = counting(raw);
      await raiseAlerts(tx, t, keys.slice(0, 1), at);
      return counter.statements;
    });
    const fifty = await within(async (raw) => {
      const { tx, counter } = counting(raw);
      await raiseAlerts(tx, t, keys, at);
      return counter.statements;
    });
    expect(one).toBe(2);
    expect(fifty).toBe(2);
    // 0.9 reaches 0.5 and 0.85, not 1: two alerts a province, the first province's not doubled.
    expect(await t.db.prisma.alert.count()).toBe(100);
    expect(await t.db.prisma.alert.count({ where: { provinceCode: "10" } })).toBe(2);
  });

  it("sends one read and nothing else when no threshold is reached; none at all for no pairs", async () => {
    const keys = await seedProvinces(3, 2024, "100");
    const counts = await within(async (raw) => {
      const { tx, counter } = counting(raw);
      await raiseAlerts(tx, t, keys, new Date("2025-06-01T00:00:00Z"));
      const afterRead = counter.statements;
      await raiseAlerts(tx, t, [], new Date("2025-06-01T00:00:00Z"));
      await lockSpending(tx, []);
      return [afterRead, counter.statements];
    });
    expect(counts).toEqual([1, 1]);
    expect(await t.db.prisma.alert.count()).toBe(0);
  });

  it("locks every spending row of the pairs in one statement", async () => {
    const keys = await seedProvinces(20, 2024, "0");
    const n = await within(async (raw) => {
      const { tx, counter } = counting(raw);
      await lockSpending(tx, [...keys, ...keys]);
      return counter.statements;
    });
    expect(n).toBe(1);
  });
});
