import { describe, expect, it } from "vitest";
import { claim } from "../support/claims.ts";
import { seedReference, useTestApp } from "../support/harness.ts";

const t = useTestApp();

/**
 * An outpatient claim of 01001 discharged at `day` (Vietnam noon) whose lines are `[costGroup, insurance]`, or, with
 * none, of `amount`.
 */
function stay(n: number, day: string, lines: [string, string][], amount = "0") {
  const sum = lines.length ? lines.reduce((total, [, part]) => total + Number(part), 0).toFixed(2) : amount;
  return claim(
    {
      claimId: `C${n}`,
      admittedAt: `${day}T08:00:00+07:00`,
      dischargedAt: `${day}T12:00:00+07:00`,
      amounts: { total: sum, insurance: sum, patient: "0", other: "0" },
      ...(lines.length
        ? {
            lines: lines.map(([costGroup, amount]) => ({
              kind: costGroup === "4" ? "drug" : costGroup === "10" ? "supply" : "service",
              itemCode: `ITEM-${costGroup}`,
              costGroup,
              quantity: 1,
              unitPrice: amount,
              amount,
              insurance: amount,
            })),
          }
        : {}),
    },
    n,
  );
}

/**
 * Hà Nội's facility 01001, the clock at 2026-06-15, worked out by hand:
 * 2025, January to June: C1 drugs 100,000 and examination 50,000; C2 without lines 40,000 (unspecified). C3 in
 *   September (999,999) is past `through`.
 * 2026, January to June: C4 drugs 200,000 and beds 300,000; C5 drugs 72,000.80, examination 160,000, supplies
 *   47,999.20; C6 drugs 100,000 and examination 100,000, approved for 50,000: 25,000 each; C7 denied: nothing.
 * So 2026: beds 300,000, drugs 297,000.80, examination 185,000, supplies 47,999.20, total 830,000 against 190,000.
 */
async function story() {
  await seedReference(t);
  const facility = await t.key("facility", "01001");
  const send = (batchId: string, claims: unknown[]) =>
    t.json("POST", "/v1/batches", { key: facility, body: { batchId, claims } });
  expect(
    (
      await send("2025", [
        stay(1, "2025-03-10", [
          ["4", "100000"],
          ["13", "50000"],
        ]),
        stay(2, "2025-05-01", [], "40000"),
        stay(3, "2025-09-01", [["4", "999999"]]),
      ])
    ).status,
  ).toBe(201);
  expect(
    (
      await send("2026", [
        stay(4, "2026-02-10", [
          ["4", "200000"],
          ["15", "300000"],
        ]),
        stay(5, "2026-06-14", [
          ["4", "72000.80"],
          ["13", "160000"],
          ["10", "47999.20"],
        ]),
        stay(6, "2026-04-01", [
          ["4", "100000"],
          ["13", "100000"],
        ]),
        stay(7, "2026-05-01", [["4", "500000"]]),
      ])
    ).status,
  ).toBe(201);
  const decide = (id: string, body: object) =>
    t.json("POST", `/v1/claims/01001/${id}/decision`, { body: { reason: "assessed", ...body } });
  expect((await decide("C6", { outcome: "approved", approvedAmount: "50000" })).status).toBe(200);
  expect((await decide("C7", { outcome: "denied" })).status).toBe(200);
  return facility;
}

describe("GET /v1/provinces/{code}/costs and /v1/facilities/{code}/costs", () => {
  it("split spending by cost group and category, against the same months of last year, worked out by hand", async () => {
    await story();
    const res = await t.json("GET", "/v1/provinces/01/costs?year=2026&through=6");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      provinceCode: "01",
      year: 2026,
      through: 6,
      spent: "830000",
      previousSpent: "190000",
      change: "3.3684",
    });
    expect(
      res.body.groups.map((g: Record<string, unknown>) => [g.costGroup, g.spent, g.share, g.previousSpent, g.change]),
    ).toEqual([
      ["15", "300000", "0.3614", "0", null],
      ["4", "297000.80", "0.3578", "100000", "1.9700"],
      ["13", "185000", "0.2229", "50000", "2.7000"],
      ["10", "47999.20", "0.0578", "0", null],
      ["unspecified", "0", "0.0000", "40000", "-1.0000"],
    ]);
    expect(res.body.groups[1]).toMatchObject({ name: "Thuốc", nameEn: "Drugs", category: "drugs" });
    expect(res.body.categories.map((c: Record<string, unknown>) => [c.category, c.spent])).toEqual([
      ["beds", "300000"],
      ["drugs", "297000.80"],
      ["examination", "185000"],
      ["supplies", "47999.20"],
      ["unspecified", "0"],
    ]);
    // The groups add up to the spending usage shows.
    const usage = await t.json("GET", "/v1/provinces/01/usage?year=2026");
    expect(usage.body.spent).toBe(res.body.spent);
  });

  it("are the facility's too, for its own key and its province; others get 404", async () => {
    const facility = await story();
    const own = await t.json("GET", "/v1/facilities/01001/costs?year=2026&through=6", { key: facility });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ facilityCode: "01001", spent: "830000" });
    const other = await t.key("facility", "79001");
    expect((await t.json("GET", "/v1/facilities/01001/costs?year=2026", { key: other })).status).toBe(404);
    expect(
      (await t.json("GET", "/v1/facilities/01001/costs?year=2026", { key: await t.key("province", "79") })).status,
    ).toBe(404);
    expect(
      (await t.json("GET", "/v1/facilities/01001/costs?year=2026", { key: await t.key("province", "01") })).status,
    ).toBe(200);
  });

  it("default to this year up to this month, and count September only when asked", async () => {
    await story();
    const now = await t.json("GET", "/v1/provinces/01/costs");
    expect(now.body).toMatchObject({ year: 2026, through: 6 });
    const past = await t.json("GET", "/v1/provinces/01/costs?year=2025");
    expect(past.body).toMatchObject({ year: 2025, through: 12, spent: "1189999" });
    expect((await t.json("GET", "/v1/provinces/01/costs?through=13")).status).toBe(422);
  });
});
