import { describe, expect, it } from "vitest";
import { seedReference, useTestApp, type TestContext, threeThresholdRules } from "../support/harness.ts";
import { addSpending, setEstimate } from "../support/spending.ts";

const Y = 2025; // a finished year: the projection equals the ratio
const spend = (t: TestContext, provinceCode: string, amount: string) =>
  addSpending(t, [{ provinceCode, year: Y, facilityCode: `${provinceCode}001`, spent: amount }]);
const alerts = async (t: TestContext, query = "") => {
  const res = await t.json("GET", `/v1/alerts${query}`);
  expect(res.status).toBe(200);
  return res.body.data as any[];
};

describe("several thresholds with their own severities", () => {
  const t = useTestApp({ rules: threeThresholdRules });

  it("one jump past two thresholds raises both; each later crossing raises its own", async () => {
    await seedReference(t);
    await setEstimate(t, "01", Y, "1000000");
    await spend(t, "01", "900000");
    expect((await alerts(t)).map((a) => [a.threshold, a.severity]).sort()).toEqual([
      ["0.5000", "info"],
      ["0.8500", "high"],
    ]);

    await spend(t, "01", "100000");
    const list = await alerts(t, "?kind=usage_threshold");
    expect(list.map((a) => [a.threshold, a.severity, a.spentAtRaise]).sort()).toEqual([
      ["0.5000", "info", "900000"],
      ["0.8500", "high", "900000"],
      ["1.0000", "critical", "1000000"],
    ]);
    // At 100% of a finished year the projection is an overrun too.
    expect(await alerts(t, "?kind=projected_overrun")).toHaveLength(1);

    // Resolving one threshold's alert while usage is above it raises nothing new for more spending:
    // only a fall below 50% and a new crossing would.
    const half = list.find((a) => a.threshold === "0.5000");
    await t.json("POST", `/v1/alerts/${half.id}/resolve`, { body: { note: "known" } });
    await spend(t, "01", "1");
    const now = await alerts(t, "?kind=usage_threshold&status=open");
    expect(now.map((a) => a.threshold).sort()).toEqual(["0.8500", "1.0000"]);
    expect(await alerts(t, "?kind=usage_threshold")).toHaveLength(3);
  });
});
