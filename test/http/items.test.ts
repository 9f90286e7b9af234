import { describe, expect, it } from "vitest";
import { seedReference, useTestApp } from "../support/harness.ts";
import { csvRows, stay, submitFor } from "../support/reports.ts";

const t = useTestApp();

type Line = [kind: string, itemCode: string, quantity: string, unitPrice: string, insurance: string];

/** A claim of `facility` discharged at `day` (Vietnam noon) with `lines`; its totals are theirs. */
function lined(claimId: string, day: string, lines: Line[]) {
  const sum = (pick: (line: Line) => number) => lines.reduce((total, line) => total + pick(line), 0).toFixed(2);
  const total = sum(([, , quantity, unitPrice]) => Number(quantity) * Number(unitPrice));
  const insurance = sum(([, , , , fund]) => Number(fund));
  const claim = stay(claimId, `${day}T05:00:00Z`, insurance, {
    lines: lines.map(([kind, itemCode, quantity, unitPrice, fund]) => ({
      kind,
      itemCode,
      name: itemCode === "40.17" ? "Paracetamol 500mg" : "Kim luồn tĩnh mạch",
      costGroup: kind === "drug" ? "4" : "10",
      quantity,
      unitPrice,
      amount: (Number(quantity) * Number(unitPrice)).toFixed(2),
      insurance: fund,
    })),
  });
  return {
    ...claim,
    amounts: { total, insurance, patient: (Number(total) - Number(insurance)).toFixed(2), other: "0" },
  };
}

/**
 * Worked out by hand, the clock at 2026-06-15 (so months 1 to 6):
 * 2026: 01001 A (March) paracetamol 10 x 1,500 (fund 12,000) and a cannula 1 x 50,000; B (April) paracetamol
 *   4 x 1,500 and again 2 x 1,500 on a second line; 01002 C (May) paracetamol 5 x 2,000 (fund 8,000); 79001 D (May)
 *   paracetamol 1 x 3,000. G (September) is past `through`.
 * Paracetamol: amount 15,000 + 6,000 + 3,000 + 10,000 + 3,000 = 37,000, fund 32,000, quantity 22, 4 claims (B once),
 *   3 facilities; average 37,000 / 22 = 1,681.818; the facilities' own: 1,500 (24,000 / 16), 2,000, 3,000.
 * 2025, January to June: E (March, 01001) paracetamol 8 x 1,500 = 12,000: change (37,000 - 12,000) / 12,000 = 2.0833.
 */
async function story() {
  await seedReference(t);
  await submitFor(t, "01001", "b2025", [lined("E", "2025-03-10", [["drug", "40.17", "8", "1500", "12000"]])]);
  await submitFor(t, "01001", "b1", [
    lined("A", "2026-03-10", [
      ["drug", "40.17", "10", "1500", "12000"],
      ["supply", "N03.05.070", "1", "50000", "50000"],
    ]),
    lined("B", "2026-04-10", [
      ["drug", "40.17", "4", "1500", "6000"],
      ["drug", "40.17", "2", "1500", "3000"],
    ]),
  ]);
  await submitFor(t, "01002", "b2", [lined("C", "2026-05-10", [["drug", "40.17", "5", "2000", "8000"]])]);
  await submitFor(t, "79001", "b3", [lined("D", "2026-05-10", [["drug", "40.17", "1", "3000", "3000"]])]);
  t.clock.set("2026-10-01T03:00:00Z");
  await submitFor(t, "01001", "b4", [lined("G", "2026-09-10", [["drug", "40.17", "50", "1500", "75000"]])]);
  t.clock.set("2026-06-15T03:00:00Z");
}

const PARACETAMOL = {
  kind: "drug",
  itemCode: "40.17",
  name: "Paracetamol 500mg",
  amount: "37000",
  insurance: "32000",
  quantity: "22",
  claims: 4,
  facilities: 3,
  averageUnitPrice: "1681.818",
  unitPrice: { lowest: "1500", median: "2000", highest: "3000" },
  previousYear: { amount: "12000", quantity: "8", claims: 1 },
  change: "2.0833",
};
const CANNULA = {
  kind: "supply",
  itemCode: "N03.05.070",
  name: "Kim luồn tĩnh mạch",
  amount: "50000",
  insurance: "50000",
  quantity: "1",
  claims: 1,
  facilities: 1,
  averageUnitPrice: "50000",
  unitPrice: { lowest: "50000", median: "50000", highest: "50000" },
  previousYear: { amount: "0", quantity: "0", claims: 0 },
  change: null,
};

describe("the top items, from the claims' lines", () => {
  it("add up each item nationally, with the facilities' unit prices and last year's same months", async () => {
    await story();
    const res = await t.json("GET", "/v1/items?year=2026&through=6");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      year: 2026,
      through: 6,
      kind: null,
      provinceCode: null,
      facilityCode: null,
      sort: "amount",
      items: [CANNULA, PARACETAMOL],
    });
    // By quantity and by growth the paracetamol leads; an item new this year has no growth and comes last.
    for (const sort of ["quantity", "growth"]) {
      const sorted = await t.json("GET", `/v1/items?year=2026&through=6&sort=${sort}`);
      expect(sorted.body.items.map((item: { itemCode: string }) => item.itemCode)).toEqual(["40.17", "N03.05.070"]);
    }
    const drugs = await t.json("GET", "/v1/items?year=2026&kind=drug&limit=1");
    expect(drugs.body).toMatchObject({ through: 6, kind: "drug", items: [PARACETAMOL] });
    // September counts once `through` reaches it.
    const wholeYear = await t.json("GET", "/v1/items?year=2026&through=12&kind=drug");
    expect(wholeYear.body.items[0]).toMatchObject({ amount: "112000", quantity: "72", claims: 5 });
  });

  it("keep a province key to its province and a facility key to itself; naming another is 404", async () => {
    await story();
    const hanoi = await t.key("province", "01");
    const own = await t.json("GET", "/v1/items?year=2026&kind=drug", { key: hanoi });
    // A, B and C: 15,000 + 9,000 + 10,000; the facilities' own 1,500 and 2,000, so the median is between them.
    expect(own.body).toMatchObject({
      provinceCode: "01",
      items: [
        {
          amount: "34000",
          quantity: "21",
          claims: 3,
          facilities: 2,
          averageUnitPrice: "1619.048",
          unitPrice: { lowest: "1500", median: "1750", highest: "2000" },
        },
      ],
    });
    expect((await t.json("GET", "/v1/items?province=79", { key: hanoi })).status).toBe(404);
    expect((await t.json("GET", "/v1/items?facility=79001", { key: hanoi })).status).toBe(404);
    const facility = await t.key("facility", "01002");
    const itself = await t.json("GET", "/v1/items?year=2026", { key: facility });
    expect(itself.body).toMatchObject({ facilityCode: "01002", items: [{ itemCode: "40.17", amount: "10000" }] });
    expect((await t.json("GET", "/v1/items?facility=01001", { key: facility })).status).toBe(404);
    expect((await t.json("GET", "/v1/items?province=79", { key: facility })).status).toBe(404);
    expect((await t.json("GET", "/v1/items?province=01", { key: facility })).body.items).toHaveLength(1);
    expect((await t.json("GET", "/v1/items?province=48")).status).toBe(404);
  });

  it("leave out a denied claim's lines, and keep them through an approval for less", async () => {
    await story();
    await t.json("POST", "/v1/claims/79001/D/decision", { body: { outcome: "denied", reason: "not covered" } });
    await t.json("POST", "/v1/claims/01002/C/decision", {
      body: { outcome: "approved", approvedAmount: "1000", reason: "partly" },
    });
    const res = await t.json("GET", "/v1/items?year=2026&kind=drug");
    expect(res.body.items[0]).toMatchObject({
      amount: "34000",
      claims: 3,
      facilities: 2,
      unitPrice: { lowest: "1500", median: "1750", highest: "2000" },
    });
  });

  it("answer CSV with Vietnamese headers, one line per item", async () => {
    await story();
    const res = await t.call("GET", "/v1/items?year=2026", { headers: { accept: "text/csv" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const rows = csvRows(await res.text());
    expect(rows[0]!.slice(0, 4)).toEqual(["Loại", "Mã", "Tên", "Thành tiền"]);
    expect(rows.slice(1).map((row) => row.slice(0, 9))).toEqual([
      ["Vật tư y tế", "N03.05.070", "Kim luồn tĩnh mạch", "50000", "50000", "1", "1", "1", "50000"],
      ["Thuốc", "40.17", "Paracetamol 500mg", "37000", "32000", "22", "4", "3", "1681.818"],
    ]);
  });

  it("refuse an unknown kind or sort, naming the parameter", async () => {
    const res = await t.json("GET", "/v1/items?kind=food&sort=price");
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toMatch(/kind/);
    expect(JSON.stringify(res.body)).toMatch(/sort/);
  });
});
