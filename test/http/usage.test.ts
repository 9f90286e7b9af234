import { describe, expect, it } from "vitest";
import { seedReference, useTestApp } from "../support/harness.ts";
import { addSpending, setEstimate } from "../support/spending.ts";

const t = useTestApp();
const HALF_2026 = "2026-07-02T05:00:00Z"; // exactly half of 2026 (Vietnam time) has passed

/**
 * Hà Nội (01): estimate 1,000,000; 300,000 at 01001 in January (100,000 of it
 * pending documents) and 150,000.50 at 01002 in March.
 * Hồ Chí Minh (79): estimate 2,000,000; 500,000 at 79001 in February.
 * Đà Nẵng (48): 70,000 spent, no estimate. Huế (46): estimate, nothing spent.
 * Sơn La (14): neither.
 */
async function scenario() {
  await seedReference(t);
  for (const [code, name] of [
    ["48", "Đà Nẵng"],
    ["46", "Huế"],
    ["14", "Sơn La"],
  ])
    await t.json("PUT", `/v1/provinces/${code}`, { body: { name } });
  await t.json("PUT", "/v1/facilities/48001", { body: { name: "Bệnh viện Đà Nẵng" } });
  await setEstimate(t, "01", 2026, "1000000");
  await setEstimate(t, "79", 2026, "2000000");
  await setEstimate(t, "46", 2026, "3000000");
  await setEstimate(t, "01", 2025, "5");
  await addSpending(t, [
    { provinceCode: "01", year: 2026, month: 1, facilityCode: "01001", spent: "300000", pending: "100000" },
    { provinceCode: "01", year: 2026, month: 3, facilityCode: "01002", spent: "150000.50" },
    { provinceCode: "79", year: 2026, month: 2, facilityCode: "79001", spent: "500000" },
    { provinceCode: "48", year: 2026, month: 2, facilityCode: "48001", spent: "70000" },
    { provinceCode: "79", year: 2025, month: 12, facilityCode: "79001", spent: "999" },
    // Huế last year: April is within the months shown (to July), September is not.
    { provinceCode: "46", year: 2025, month: 4, facilityCode: "46001", spent: "120000" },
    { provinceCode: "46", year: 2025, month: 9, facilityCode: "46001", spent: "5000" },
  ]);
  t.clock.set(HALF_2026);
}

describe("usage of every province", () => {
  it("central sees every province with an estimate or spending, by ratio descending, figures exact", async () => {
    await scenario();
    const res = await t.json("GET", "/v1/usage?year=2026");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      year: 2026,
      asOf: "2026-07-02T05:00:00.000Z",
      provinces: [
        // 450,000.50 / 1,000,000 = 0.4500005; at half time: 0.900001
        {
          provinceCode: "01",
          name: "Hà Nội",
          estimate: "1000000",
          spent: "450000.50",
          pendingDocumentationAmount: "100000",
          ratio: "0.4500",
          // No catalogue, no findings: nothing proposed to cut, the same ratio if upheld.
          proposedCuts: "0",
          ratioIfUpheld: "0.4500",
          elapsedRatio: "0.5000",
          projectedRatio: "0.9000",
          openAlerts: 0,
          acknowledgedAlerts: 0,
          // The same months (January to July) of 2025.
          previousYear: { year: 2025, through: 7, spent: "0", ratio: "0.0000", change: null },
        },
        {
          provinceCode: "79",
          name: "Hồ Chí Minh",
          estimate: "2000000",
          spent: "500000",
          pendingDocumentationAmount: "0",
          ratio: "0.2500",
          proposedCuts: "0",
          ratioIfUpheld: "0.2500",
          elapsedRatio: "0.5000",
          projectedRatio: "0.5000",
          openAlerts: 0,
          acknowledgedAlerts: 0,
          // The same months (January to July) of 2025.
          previousYear: { year: 2025, through: 7, spent: "0", ratio: null, change: null },
        },
        {
          provinceCode: "46",
          name: "Huế",
          estimate: "3000000",
          spent: "0",
          pendingDocumentationAmount: "0",
          ratio: "0.0000",
          proposedCuts: "0",
          ratioIfUpheld: "0.0000",
          elapsedRatio: "0.5000",
          projectedRatio: "0.0000",
          openAlerts: 0,
          acknowledgedAlerts: 0,
          // The same months (January to July) of 2025.
          previousYear: { year: 2025, through: 7, spent: "120000", ratio: null, change: "-1.0000" },
        },
        {
          provinceCode: "48",
          name: "Đà Nẵng",
          estimate: null,
          spent: "70000",
          pendingDocumentationAmount: "0",
          ratio: null,
          proposedCuts: "0",
          ratioIfUpheld: null,
          elapsedRatio: "0.5000",
          projectedRatio: null,
          openAlerts: 0,
          acknowledgedAlerts: 0,
          // The same months (January to July) of 2025.
          previousYear: { year: 2025, through: 7, spent: "0", ratio: null, change: null },
        },
      ],
    });
  });

  it("defaults to the current year in Vietnam time", async () => {
    await scenario();
    t.clock.set("2025-12-31T16:59:59Z"); // still 2025 in Vietnam
    const in2025 = await t.json("GET", "/v1/usage");
    expect(in2025.body.year).toBe(2025);
    expect(in2025.body.provinces.map((p: any) => [p.provinceCode, p.spent, p.ratio, p.elapsedRatio])).toEqual([
      ["01", "0", "0.0000", "1.0000"],
      ["46", "125000", null, "1.0000"],
      ["79", "999", null, "1.0000"],
    ]);
    t.clock.set("2025-12-31T17:00:00Z"); // midnight in Hà Nội: 2026 begins
    const in2026 = await t.json("GET", "/v1/usage");
    expect(in2026.body.year).toBe(2026);
    expect(in2026.body.provinces[0]).toMatchObject({
      provinceCode: "01",
      elapsedRatio: "0.0000",
      projectedRatio: null,
    });
  });

  it("rounds ratios half up to 4 decimals", async () => {
    await seedReference(t);
    await setEstimate(t, "01", 2026, "1000000");
    await setEstimate(t, "79", 2026, "3");
    await addSpending(t, [
      { provinceCode: "01", year: 2026, facilityCode: "01001", spent: "123450" }, // 0.12345 -> 0.1235 (not 0.1234)
      { provinceCode: "79", year: 2026, facilityCode: "79001", spent: "1" }, // 0.3333..
    ]);
    t.clock.set("2026-01-10T17:00:00Z"); // 10 of 365 days: elapsed 0.0274 shown
    const { body } = await t.json("GET", "/v1/usage?year=2026");
    expect(body.provinces.map((p: any) => [p.provinceCode, p.ratio, p.elapsedRatio, p.projectedRatio])).toEqual([
      // 1/3 * 365/10 = 12.1666.. -> 12.1667 ; 0.12345 * 36.5 = 4.505925 -> 4.5059
      ["79", "0.3333", "0.0274", "12.1667"],
      ["01", "0.1235", "0.0274", "4.5059"],
    ]);
  });

  it("counts unresolved alerts of the year, acknowledged ones included", async () => {
    await scenario();
    // 0.85, projected 1.7
    await addSpending(t, [{ provinceCode: "79", year: 2026, month: 6, facilityCode: "79001", spent: "1200000" }]);
    const alerts = (await t.json("GET", "/v1/alerts?province=79")).body.data;
    expect(alerts.map((a: any) => a.kind).sort()).toEqual(["projected_overrun", "usage_threshold"]);
    const usage79 = async () =>
      (await t.json("GET", "/v1/usage?year=2026")).body.provinces.find((p: any) => p.provinceCode === "79");
    expect(await usage79()).toMatchObject({ ratio: "0.8500", projectedRatio: "1.7000", openAlerts: 2 });
    await t.json("POST", `/v1/alerts/${alerts[0].id}/acknowledge`, { body: { note: "seen" } });
    expect(await usage79()).toMatchObject({ openAlerts: 2, acknowledgedAlerts: 1 });
    await t.json("POST", `/v1/alerts/${alerts[0].id}/resolve`, { body: { note: "done" } });
    expect((await usage79()).openAlerts).toBe(1);
    expect((await t.json("GET", "/v1/usage?year=2026")).body.provinces[0].provinceCode).toBe("79");
  });

  it("a province key sees only its own province, even with nothing claimed; a facility key is refused", async () => {
    await scenario();
    const hcm = await t.key("province", "79");
    const res = await t.json("GET", "/v1/usage?year=2026", { key: hcm });
    expect(res.status).toBe(200);
    expect(res.body.provinces.map((p: any) => p.provinceCode)).toEqual(["79"]);
    const sonLa = await t.key("province", "14");
    expect((await t.json("GET", "/v1/usage?year=2026", { key: sonLa })).body.provinces).toEqual([
      {
        provinceCode: "14",
        name: "Sơn La",
        estimate: null,
        spent: "0",
        pendingDocumentationAmount: "0",
        ratio: null,
        proposedCuts: "0",
        ratioIfUpheld: null,
        elapsedRatio: "0.5000",
        projectedRatio: null,
        openAlerts: 0,
        acknowledgedAlerts: 0,
        previousYear: { year: 2025, through: 7, spent: "0", ratio: null, change: null },
      },
    ]);
    expect((await t.json("GET", "/v1/usage?year=2026", { key: await t.key("facility", "01001") })).status).toBe(403);
    expect((await t.json("GET", "/v1/usage?year=1999")).status).toBe(422);
  });
});

describe("usage of one province", () => {
  it("adds spending by facility (largest first, with its share) and by month (all twelve)", async () => {
    await scenario();
    const res = await t.json("GET", "/v1/provinces/01/usage?year=2026");
    expect(res.status).toBe(200);
    const months = Array.from({ length: 12 }, (_, i) => ({
      month: i + 1,
      spent: i === 0 ? "300000" : i === 2 ? "150000.50" : "0",
    }));
    expect(res.body).toEqual({
      year: 2026,
      asOf: "2026-07-02T05:00:00.000Z",
      provinceCode: "01",
      name: "Hà Nội",
      estimate: "1000000",
      spent: "450000.50",
      pendingDocumentationAmount: "100000",
      ratio: "0.4500",
      proposedCuts: "0",
      ratioIfUpheld: "0.4500",
      elapsedRatio: "0.5000",
      projectedRatio: "0.9000",
      openAlerts: 0,
      acknowledgedAlerts: 0,
      previousYear: { year: 2025, through: 7, spent: "0", ratio: "0.0000", change: null },
      byFacility: [
        // 300,000 / 450,000.50 = 0.666665926.. ; 150,000.50 / 450,000.50 = 0.333334073..
        {
          facilityCode: "01001",
          name: "Bệnh viện Bạch Mai",
          spent: "300000",
          share: "0.6667",
          previousSpent: "0",
          change: null,
        },
        {
          facilityCode: "01002",
          name: "Bệnh viện Việt Đức",
          spent: "150000.50",
          share: "0.3333",
          previousSpent: "0",
          change: null,
        },
      ],
      byMonth: months,
    });
  });

  it("sums a facility over its months and orders facilities by what they spent", async () => {
    await seedReference(t);
    await addSpending(t, [
      { provinceCode: "01", year: 2026, month: 1, facilityCode: "01001", spent: "100" },
      { provinceCode: "01", year: 2026, month: 2, facilityCode: "01001", spent: "100" },
      { provinceCode: "01", year: 2026, month: 2, facilityCode: "01002", spent: "150" },
      { provinceCode: "01", year: 2026, month: 2, facilityCode: "01002", spent: "0.25" },
    ]);
    const { body } = await t.json("GET", "/v1/provinces/01/usage?year=2026");
    expect(body.byFacility.map((f: any) => [f.facilityCode, f.spent, f.share])).toEqual([
      ["01001", "200", "0.5710"], // 200 / 350.25 = 0.571020..
      ["01002", "150.25", "0.4290"], // 150.25 / 350.25 = 0.428979..
    ]);
    expect(body.byMonth.slice(0, 3)).toEqual([
      { month: 1, spent: "100" },
      { month: 2, spent: "250.25" },
      { month: 3, spent: "0" },
    ]);
    expect(body).toMatchObject({ spent: "350.25", estimate: null, ratio: null, projectedRatio: null });
  });

  it("shows zeros for a province without spending", async () => {
    await scenario();
    const { status, body } = await t.json("GET", "/v1/provinces/46/usage?year=2026");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      estimate: "3000000",
      spent: "0",
      pendingDocumentationAmount: "0",
      ratio: "0.0000",
      projectedRatio: "0.0000",
      byFacility: [],
    });
    expect(body.byMonth).toHaveLength(12);
    expect(body.byMonth.every((m: any) => m.spent === "0")).toBe(true);
    const none = await t.json("GET", "/v1/provinces/14/usage?year=2026");
    expect(none.body).toMatchObject({ estimate: null, spent: "0", ratio: null, byFacility: [] });
  });

  it("is the province's own business: another province 404, a facility 403, an unknown province 404", async () => {
    await scenario();
    const hn = await t.key("province", "01");
    expect((await t.json("GET", "/v1/provinces/01/usage?year=2026", { key: hn })).body.spent).toBe("450000.50");
    expect((await t.json("GET", "/v1/provinces/79/usage?year=2026", { key: hn })).status).toBe(404);
    expect(
      (await t.json("GET", "/v1/provinces/01/usage?year=2026", { key: await t.key("facility", "01001") })).status,
    ).toBe(403);
    expect((await t.json("GET", "/v1/provinces/99/usage?year=2026")).status).toBe(404);
    expect((await t.json("GET", "/v1/provinces/1/usage")).status).toBe(422);
  });

  it("does not disturb the estimate routes under /v1/provinces", async () => {
    await scenario();
    expect((await t.json("GET", "/v1/provinces/01/estimates/2026")).body.total).toBe("1000000");
    const doc = (await t.json("GET", "/openapi.json", { key: null })).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/v1/usage", "/v1/provinces/{code}/usage", "/v1/alerts", "/v1/alerts/{id}/resolve"]),
    );
  });
});
