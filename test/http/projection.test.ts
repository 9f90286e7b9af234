import { describe, expect, it } from "vitest";
import { defaultRules } from "../../src/rules/schema.ts";
import { aggregates } from "../support/aggregates.ts";
import { seedReference, useTestApp, type TestContext } from "../support/harness.ts";
import { csvRows, stay, submitFor } from "../support/reports.ts";
import { setEstimate } from "../support/spending.ts";

const t = useTestApp({
  rules: () => ({ ...defaultRules(), projection: { historyMonths: 6, minHistoryMonths: 3, maxDelayMonths: 2 } }),
});

/**
 * The triangle of test/unit/chain-ladder.test.ts, built from real claims of
 * 01001 (Hà Nội): each cell is one claim of that amount, sent in the month of
 * its column. The last batch arrives at 2026-04-01T23:00Z (April 2, 06:00 in
 * Vietnam), exactly a quarter of 2026.
 *
 *             d0    d1    d2    d3
 *   2025-12  100    50    20    10
 *   2026-01  200    20     7
 *   2026-02  300    50    10
 *   2026-03  400    40
 *   2026-04   90
 *
 * By hand (see the unit test): f0 = 720 / 600 = 1.2, f1 = 407 / 370 = 1.1;
 * January 227 (complete), February 350 x 1.1 = 385, March 400 x 1.32 = 528,
 * April 90 x 1.32 = 118.8: developed 1258.8 of 1117 received (141.8 not yet
 * received); year end 1258.8 / 0.25 = 5035.2 (3776.4 not yet discharged);
 * against an estimate of 5000: 1.0070. The pace method says 0.8936.
 */
const NOW = "2026-04-01T23:00:00.000Z";
const SENT: [string, [string, string, string][]][] = [
  // receipt time, then [claimId, discharged at, amount]
  ["2025-12-20T03:00:00Z", [["D0", "2025-12-10T03:00:00Z", "100"]]],
  [
    "2026-01-20T03:00:00Z",
    [
      ["D1", "2025-12-11T03:00:00Z", "50"],
      ["J0", "2026-01-10T03:00:00Z", "200"],
    ],
  ],
  [
    "2026-02-20T03:00:00Z",
    [
      ["D2", "2025-12-12T03:00:00Z", "20"],
      ["J1", "2026-01-11T03:00:00Z", "20"],
      ["F0", "2026-02-10T03:00:00Z", "300"],
    ],
  ],
  [
    "2026-03-20T03:00:00Z",
    [
      ["D3", "2025-12-13T03:00:00Z", "10"],
      ["J2", "2026-01-12T03:00:00Z", "7"],
      ["F1", "2026-02-11T03:00:00Z", "50"],
      ["M0", "2026-03-10T03:00:00Z", "400"],
    ],
  ],
  [
    NOW,
    [
      ["F2", "2026-02-12T03:00:00Z", "10"],
      ["M1", "2026-03-11T03:00:00Z", "40"],
      ["A0", "2026-04-01T18:00:00Z", "90"],
    ],
  ],
];

async function scenario() {
  await seedReference(t);
  await setEstimate(t, "01", 2026, "5000");
  for (const [receivedAt, cells] of SENT) {
    t.clock.set(receivedAt);
    await submitFor(
      t,
      "01001",
      `T-${receivedAt}`,
      cells.map(([id, discharged, amount]) => stay(id, discharged, amount)),
    );
  }
}

/** The stored triangle and the one computed from the claims, zero cells left out. */
async function triangles(ctx: TestContext) {
  const { stored, recomputed } = await aggregates(ctx.db);
  return { stored: stored.triangle, computed: recomputed.triangle };
}

describe("year-end projection counting claims not yet received", () => {
  it("develops the arrival triangle by the chain-ladder and shows the factors, the estimates and the method", async () => {
    await scenario();
    const res = await t.json("GET", "/v1/provinces/01/projection?year=2026");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      provinceCode: "01",
      name: "Hà Nội",
      year: 2026,
      asOf: NOW,
      method: "chain_ladder",
      fallbackReason: null,
      estimate: "5000",
      spent: "1117",
      elapsedRatio: "0.2500",
      receivedToDate: "1117",
      notYetReceived: "141.80",
      notYetDischarged: "3776.40",
      projectedYearEnd: "5035.20",
      projectedRatio: "1.0070",
      history: { originMonths: 3, minHistoryMonths: 3, historyMonths: 6, maxDelayMonths: 2 },
      developmentFactors: [
        { fromDelay: 0, toDelay: 1, factor: "1.200000", origins: 3 },
        { fromDelay: 1, toDelay: 2, factor: "1.100000", origins: 2 },
      ],
      months: [
        { month: 1, received: "227", completeDelay: 2, basis: "227", toUltimate: "1.000000", developed: "227" },
        { month: 2, received: "360", completeDelay: 1, basis: "350", toUltimate: "1.100000", developed: "385" },
        { month: 3, received: "440", completeDelay: 0, basis: "400", toUltimate: "1.320000", developed: "528" },
        { month: 4, received: "90", completeDelay: null, basis: "90", toUltimate: "1.320000", developed: "118.80" },
      ],
    });
  });

  it(
    "is what usage shows as projectedRatio, and what raised the projected_overrun alert the pace method would not " +
      "have",
    async () => {
      await scenario();
      const usage = await t.json("GET", "/v1/usage?year=2026");
      expect(usage.body.provinces).toEqual([
        expect.objectContaining({
          provinceCode: "01",
          spent: "1117",
          ratio: "0.2234",
          elapsedRatio: "0.2500",
          projectedRatio: "1.0070",
        }),
      ]);
      expect((await t.json("GET", "/v1/provinces/01/usage?year=2026")).body.projectedRatio).toBe("1.0070");
      // The last batch came at a quarter of the year (the rule's minimum): 1117 / 0.25 / 5000 = 0.8936 by pace, 1.0070
      // developed.
      const alerts = await t.json("GET", "/v1/alerts?province=01&kind=projected_overrun");
      expect(alerts.body.data).toEqual([
        expect.objectContaining({
          kind: "projected_overrun",
          threshold: "1.0000",
          ratioAtRaise: "1.0070",
          spentAtRaise: "1117",
          estimateAtRaise: "5000",
          raisedAt: NOW,
        }),
      ]);
    },
  );

  it("falls back to the pace method, and says so, when the rules ask for more history", async () => {
    await scenario();
    t.rules.projection = { ...t.rules.projection, minHistoryMonths: 4 };
    const res = await t.json("GET", "/v1/provinces/01/projection?year=2026");
    expect(res.body).toMatchObject({
      method: "pace",
      receivedToDate: "1117",
      notYetReceived: "0",
      notYetDischarged: "3351",
      projectedYearEnd: "4468",
      projectedRatio: "0.8936",
      history: { originMonths: 3, minHistoryMonths: 4 },
      developmentFactors: [],
      months: [],
    });
    expect(res.body.fallbackReason).toContain("fewer than the 4");
    expect((await t.json("GET", "/v1/usage?year=2026")).body.provinces[0].projectedRatio).toBe("0.8936");
  });

  it("keeps the stored triangle equal to the one computed from the claims through corrections and decisions", async () => {
    await scenario();
    // A correction that moves a February claim (first received February 20, which it keeps) to March
    // and raises it to 310, a denial, and an approval for less than claimed.
    t.clock.set("2026-04-05T03:00:00Z");
    await submitFor(t, "01001", "FIX", [stay("F0", "2026-03-01T03:00:00Z", "310")]);
    expect(
      (await t.json("POST", "/v1/claims/01001/M0/decision", { body: { outcome: "denied", reason: "test" } })).status,
    ).toBe(200);
    expect(
      (
        await t.json("POST", "/v1/claims/01001/J0/decision", {
          body: { outcome: "approved", approvedAmount: "150", reason: "test" },
        })
      ).status,
    ).toBe(200);
    const { stored, computed } = await triangles(t);
    expect(stored).toEqual(computed);
    // F0 now counts in March (received in February: delay clamped to 0) for 310; M0 counts nothing; J0 150.
    expect(stored).toContain("01|2026|3|0|310.00|1");
    expect(stored).toContain("01|2026|1|0|150.00|1");
    expect(stored.filter((r) => r.startsWith("01|2026|2|0|"))).toEqual([]);
    // Spending and the triangle agree in total.
    const spent = (await t.json("GET", "/v1/provinces/01/usage?year=2026")).body.spent;
    expect(spent).toBe("677"); // 1117 + 10 (F0 300 -> 310) - 400 (M0 denied) - 50 (J0 approved 150 of 200)
    expect((await t.json("GET", "/v1/provinces/01/projection?year=2026")).body.receivedToDate).toBe(spent);
  });

  it("comes as CSV: one line per discharge month, then the year", async () => {
    await scenario();
    const res = await t.call("GET", "/v1/provinces/01/projection?year=2026", { headers: { accept: "text/csv" } });
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text.startsWith("\uFEFFKỳ (tháng ra viện / năm),Đã nhận,")).toBe(true);
    const rows = csvRows(text);
    expect(rows.slice(1)).toEqual([
      ["2026-01", "227", "2", "1.000000", "227", "", "", "", "", ""],
      ["2026-02", "360", "1", "1.100000", "385", "", "", "", "", ""],
      ["2026-03", "440", "0", "1.320000", "528", "", "", "", "", ""],
      ["2026-04", "90", "", "1.320000", "118.80", "", "", "", "", ""],
      ["2026", "1117", "", "", "", "141.80", "3776.40", "5035.20", "1.0070", "Chain-ladder"],
    ]);
  });

  it("is the province's own business: another province 404, a facility 403, an unknown province 404", async () => {
    await scenario();
    expect(
      (await t.json("GET", "/v1/provinces/01/projection?year=2026", { key: await t.key("province", "01") })).status,
    ).toBe(200);
    expect(
      (await t.json("GET", "/v1/provinces/01/projection?year=2026", { key: await t.key("province", "79") })).status,
    ).toBe(404);
    expect(
      (await t.json("GET", "/v1/provinces/01/projection?year=2026", { key: await t.key("facility", "01001") })).status,
    ).toBe(403);
    expect((await t.json("GET", "/v1/provinces/48/projection?year=2026")).status).toBe(404);
    const empty = await t.json("GET", "/v1/provinces/79/projection?year=2026");
    expect(empty.body).toMatchObject({
      method: "pace",
      estimate: null,
      spent: "0",
      projectedYearEnd: "0",
      projectedRatio: null,
    });
  });
});
