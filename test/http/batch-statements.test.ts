import { describe, expect, it } from "vitest";
import { claim } from "../support/claims.ts";
import { seedReference, useTestApp, type TestContext } from "../support/harness.ts";

const statements: string[] = [];
const t = useTestApp({ onQuery: (sql) => statements.push(sql) });

/** 20 cost lines adding up to the amounts: the path must not spend a statement per line. */
function lines(total: number, insurance: number) {
  return Array.from({ length: 20 }, (_, i) => ({
    kind: i % 3 ? "service" : "drug",
    itemCode: `ITEM-${i % 7}`,
    costGroup: i % 3 ? "13" : "4",
    quantity: 1,
    unitPrice: i === 19 ? total - 19 * 1000 : 1000,
    amount: i === 19 ? total - 19 * 1000 : 1000,
    insurance: i === 19 ? insurance - 19 * 800 : 800,
  }));
}

/**
 * n claims of every kind the batch path handles: new, pending with documents, late, half with 20 cost lines, and n
 * more correcting them.
 */
function mixed(n: number, from: number, correct = false) {
  return Array.from({ length: n }, (_, i) => {
    const id = from + i;
    const insurance = correct ? 300000 : 280000;
    return claim(
      {
        claimId: `S${id}`,
        visitType: i % 2 ? "inpatient" : "outpatient",
        patient: { cardNumber: `DN401${String(4000000000 + id)}` },
        amounts: { total: String(insurance + 70000), insurance: String(insurance), patient: "70000" },
        documents: i % 4 === 1 ? [{ type: "discharge_paper", reference: `G${id}` }] : [],
        ...(i % 2 === 0 ? { lines: lines(insurance + 70000, insurance) } : {}),
      },
      id,
    );
  });
}

async function countStatements(ctx: TestContext, key: string, batchId: string, body: unknown[]) {
  statements.length = 0;
  const res = await ctx.json("POST", "/v1/batches", { key, body: { batchId, claims: body } });
  expect(res.status).toBe(201);
  return { count: statements.length, res: res.body };
}

describe("the batch path is set-based", () => {
  it("runs the same number of SQL statements for 4 claims as for 400", async () => {
    await seedReference(t);
    await t.json("PUT", "/v1/provinces/01/estimates/2026", { body: { amount: "1000000000000" } });
    const key = await t.key("facility", "01001");
    // An approved price below the lines' for one drug: automated assessment cuts on every batch with lines.
    const catalogue = await t.json("PUT", "/v1/facilities/01001/catalogues/drugs", {
      body: "MA_THUOC,TEN_THUOC,DON_GIA_BH,TU_NGAY,DEN_NGAY\nITEM-0,Thuốc 0,900,20250101,\n",
      headers: { "content-type": "text/csv" },
    });
    expect(catalogue.status).toBe(201);

    const small = await countStatements(t, key, "small", [...mixed(4, 1), claim({ claimId: "bad", visitType: "x" })]);
    const large = await countStatements(t, key, "large", [
      ...mixed(400, 1000),
      claim({ claimId: "bad", visitType: "x" }),
    ]);
    expect(small.res.received).toBe(5);
    expect(large.res.received).toBe(401);
    expect(large.count).toBe(small.count);
    const cut = large.res.claims.find((result: { claimId: string }) => result.claimId === "S1000");
    // Its 7 drug lines: ITEM-0 billed 1000 against 900 approved cuts 800 × 100/1000 = 80; the other six drugs are not
    // in the list, each cut whole (800): 4880 of 280000.
    expect(cut.assessment).toEqual({ findings: 7, cut: "4880", proposedAmount: "275120" });

    // Corrections add history rows, still in a fixed number of statements.
    const smallFix = await countStatements(t, key, "small-fix", mixed(4, 1, true));
    const largeFix = await countStatements(t, key, "large-fix", mixed(400, 1000, true));
    expect(largeFix.res.corrected).toBe(400);
    expect(largeFix.count).toBe(smallFix.count);
    // 20 before lines existed; corrections of claims with lines add their removal and insertion, and every batch
    // adds spending by cost group; the reports' tallies and delays and the backlog's two tallies (issue #21) add
    // four; automated assessment (issue #23) reads the catalogues once and adds the proposed cuts once: one
    // statement each, whatever the number of claims and lines.
    expect(largeFix.count).toBeLessThanOrEqual(27);
  });
});
