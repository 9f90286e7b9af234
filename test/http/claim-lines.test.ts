import { describe, expect, it } from "vitest";
import { defaultRules } from "../../src/rules/schema.ts";
import { fixtureEnvelope } from "../../src/demo/xml-envelope.ts";
import { Dec } from "../../src/domain/money.ts";
import { envelopeOf, fixture, withFields } from "../fixtures/xml/index.ts";
import { claim } from "../support/claims.ts";
import { START, seedReference, type TestContext, useTestApp } from "../support/harness.ts";

/**
 * The claim of test/support/claims.ts (total 350,000, insurance 280,000) with its lines: a drug, an examination and
 * a supply, adding up by hand: 2 × 45,000.5 = 90,001 (insurance 72,000.80), 1 × 200,000 (160,000), 4 × 14,999.75 =
 * 59,999 (47,999.20). Totals 350,000 and 280,000.
 */
const LINES = [
  {
    kind: "drug",
    itemCode: "40.17",
    name: "Paracetamol 500mg",
    costGroup: "04",
    quantity: 2,
    unitPrice: "45000.5",
    amount: "90001",
    insurance: "72000.80",
    orderedAt: "2026-06-14T08:30:00+07:00",
  },
  {
    kind: "service",
    itemCode: "01.0001.1778",
    costGroup: "13",
    quantity: "1",
    unitPrice: "200000",
    amount: 200000,
    insurance: "160000",
  },
  {
    kind: "supply",
    itemCode: "N03.02.070",
    costGroup: "10",
    quantity: "4",
    unitPrice: "14999.75",
    amount: "59999",
    insurance: "47999.20",
    // What automated assessment reads besides: the fund's price, the tender, who ordered it, when it was done, the
    // service it was used in.
    insuredPrice: "14000.5",
    bidInfo: "132.01001;G1;N2;2025",
    orderedBy: "000123/HNO-CCHN",
    performedBy: "000456/HNO-CCHN;000789/HNO-CCHN",
    executedAt: "2026-06-14T09:15:00+07:00",
    serviceCode: "02.1900.0216",
  },
];

/** A line sent without the fields assessment reads besides shows them as null. */
const NONE_BESIDES = {
  executedAt: null,
  insuredPrice: null,
  bidInfo: null,
  orderedBy: null,
  performedBy: null,
  serviceCode: null,
};

/** How many lines the claims' rows hold, all claims together. */
async function storedLines(ctx: TestContext): Promise<number> {
  const [row] = await ctx.db.prisma.$queryRawUnsafe<{ n: number }[]>(
    `SELECT coalesce(sum(json_array_length(lines)), 0)::int AS n FROM claim`,
  );
  return row!.n;
}

async function setup(ctx: TestContext) {
  await seedReference(ctx);
  return ctx.key("facility", "01001");
}

const send = (ctx: TestContext, key: string, batchId: string, claims: unknown[]) =>
  ctx.json("POST", "/v1/batches", { key, body: { batchId, claims } });

describe("a claim's cost lines (JSON)", () => {
  const t = useTestApp();

  it("are stored as sent, in order, with the cost group as the rules spell it, and shown on the claim", async () => {
    const key = await setup(t);
    const sent = await send(t, key, "b1", [
      claim({ lines: LINES, amounts: { ...claim().amounts, drugs: "90001", supplies: "59999" } }),
    ]);
    expect(sent.status).toBe(201);
    expect(sent.body.claims[0].flags).toBeUndefined();
    expect(sent.body.warnings).toEqual([]);
    const detail = await t.json("GET", "/v1/claims/01001/LK000001", { key });
    expect(detail.body.lines).toEqual([
      {
        kind: "drug",
        itemCode: "40.17",
        name: "Paracetamol 500mg",
        costGroup: "4",
        quantity: "2",
        unitPrice: "45000.5",
        amount: "90001",
        insurance: "72000.80",
        orderedAt: "2026-06-14T01:30:00.000Z",
        ...NONE_BESIDES,
      },
      {
        kind: "service",
        itemCode: "01.0001.1778",
        name: null,
        costGroup: "13",
        quantity: "1",
        unitPrice: "200000",
        amount: "200000",
        insurance: "160000",
        orderedAt: null,
        ...NONE_BESIDES,
      },
      {
        kind: "supply",
        itemCode: "N03.02.070",
        name: null,
        costGroup: "10",
        quantity: "4",
        unitPrice: "14999.75",
        amount: "59999",
        insurance: "47999.20",
        orderedAt: null,
        insuredPrice: "14000.5",
        bidInfo: "132.01001;G1;N2;2025",
        orderedBy: "000123/HNO-CCHN",
        performedBy: "000456/HNO-CCHN;000789/HNO-CCHN",
        executedAt: "2026-06-14T02:15:00.000Z",
        serviceCode: "02.1900.0216",
      },
    ]);
    expect(detail.body.warnings).toEqual([]);
  });

  it("that do not add up flag the claim lines_mismatch, naming each total, and it still counts", async () => {
    const key = await setup(t);
    const off = LINES.map((line, i) => (i === 1 ? { ...line, amount: "200100", insurance: "160050" } : line));
    const sent = await send(t, key, "b1", [claim({ lines: off, amounts: { ...claim().amounts, drugs: "90000" } })]);
    expect(sent.status).toBe(201);
    expect(sent.body.claims[0]).toMatchObject({ outcome: "created", status: "accepted", flags: ["lines_mismatch"] });
    expect(sent.body.warnings).toEqual([
      {
        index: 0,
        claimId: "LK000001",
        path: "claims[0].amounts.total",
        code: "lines_mismatch",
        message: "the lines' amounts add up to 350100, not 350000",
      },
      {
        index: 0,
        claimId: "LK000001",
        path: "claims[0].amounts.insurance",
        code: "lines_mismatch",
        message: "the lines' insurance amounts add up to 280050, not 280000",
      },
      {
        index: 0,
        claimId: "LK000001",
        path: "claims[0].amounts.drugs",
        code: "lines_mismatch",
        message: "the drug lines' amounts add up to 90001, not 90000",
      },
    ]);
    const detail = await t.json("GET", "/v1/claims/01001/LK000001", { key });
    expect(detail.body.warnings.map((w: { path: string }) => w.path)).toEqual([
      "amounts.total",
      "amounts.insurance",
      "amounts.drugs",
    ]);
    expect(detail.body.flags).toEqual(["lines_mismatch"]);
  });

  it("under an unknown cost group reject that claim alone, naming the line", async () => {
    const key = await setup(t);
    const bad = LINES.map((line, i) => (i === 2 ? { ...line, costGroup: "42" } : line));
    const sent = await send(t, key, "b1", [claim({ lines: bad }), claim({ claimId: "LK2", lines: LINES }, 2)]);
    expect(sent.status).toBe(201);
    expect(sent.body.claims.map((c: { outcome: string }) => c.outcome)).toEqual(["rejected", "created"]);
    expect(sent.body.errors).toEqual([
      expect.objectContaining({ index: 0, path: "claims[0].lines[2].costGroup", code: "unknown_cost_group" }),
    ]);
    expect(await storedLines(t)).toBe(3);
  });

  it("a correction replaces the lines whole; the same claim again is unchanged", async () => {
    const key = await setup(t);
    await send(t, key, "b1", [claim({ lines: LINES })]);
    const fewer = [LINES[0], { ...LINES[1], amount: "259999", insurance: "207999.20", unitPrice: "259999" }];
    const corrected = await send(t, key, "b2", [claim({ lines: fewer })]);
    expect(corrected.body.claims[0].outcome).toBe("corrected");
    const detail = await t.json("GET", "/v1/claims/01001/LK000001", { key });
    expect(detail.body.lines.map((l: { itemCode: string; amount: string }) => [l.itemCode, l.amount])).toEqual([
      ["40.17", "90001"],
      ["01.0001.1778", "259999"],
    ]);
    const again = await send(t, key, "b3", [claim({ lines: fewer })]);
    expect(again.body.claims[0].outcome).toBe("unchanged");
    expect(await storedLines(t)).toBe(2);
  });

  it("refuses a quantity with more than 3 decimals and a line without its amounts, naming the field", async () => {
    const key = await setup(t);
    const sent = await send(t, key, "b1", [
      claim({ lines: [{ ...LINES[0], quantity: "1.2345" }] }),
      claim({ claimId: "LK2", lines: [{ kind: "drug", itemCode: "x", costGroup: "4", quantity: 1, unitPrice: 1 }] }, 2),
    ]);
    expect(sent.body.errors.map((e: { path: string; code: string }) => [e.path, e.code])).toEqual([
      ["claims[0].lines[0].quantity", "invalid_number"],
      ["claims[1].lines[0].amount", "required"],
      ["claims[1].lines[0].insurance", "required"],
    ]);
  });
});

describe("a claim's cost lines, when the rules reject lines that do not add up", () => {
  const t = useTestApp({
    rules: () => {
      const rules = defaultRules();
      rules.costs.linesMismatch = "reject";
      return rules;
    },
  });

  it("rejects that claim alone with the sums as its errors", async () => {
    const key = await setup(t);
    const off = LINES.map((line, i) => (i === 0 ? { ...line, amount: "90000" } : line));
    const sent = await send(t, key, "b1", [claim({ lines: off }), claim({ claimId: "LK2", lines: LINES }, 2)]);
    expect(sent.body.claims.map((c: { outcome: string }) => c.outcome)).toEqual(["rejected", "created"]);
    expect(sent.body.errors).toEqual([
      {
        index: 0,
        claimId: "LK000001",
        path: "claims[0].amounts.total",
        code: "lines_mismatch",
        message: "the lines' amounts add up to 349999, not 350000",
      },
    ]);
  });
});

describe("a claim's cost lines from XML2 and XML3", () => {
  const t = useTestApp();
  const XML = { "content-type": "application/xml" };
  const post = (key: string, body: string) => t.json("POST", "/v1/batches/xml", { key, body, headers: XML });
  const tables = (summary = fixture("tong-hop-130.xml")): [string, string][] => [
    ["XML1", summary],
    ["XML2", fixture("chi-tiet-thuoc.xml")],
    ["XML3", fixture("chi-tiet-dvkt.xml")],
  ];

  it("are read into the claim's lines, worked out by hand (test/fixtures/xml/chi-tiet-*.xml)", async () => {
    const key = await setup(t);
    const res = await post(key, envelopeOf("01001", [tables()]));
    expect(res.status).toBe(201);
    expect(res.body.warnings).toEqual([]);
    const detail = await t.json("GET", "/v1/claims/01001/LK2026061401", { key });
    expect(
      detail.body.lines.map((l: Record<string, string>) => [
        l.kind,
        l.itemCode,
        l.costGroup,
        l.quantity,
        l.amount,
        l.insurance,
      ]),
    ).toEqual([
      ["drug", "40.244", "4", "20", "900000", "855000"],
      ["drug", "40.1035", "4", "20", "300000", "285000"],
      ["service", "K03.1901", "15", "5", "3000000", "2850000"],
      ["service", "18.0068", "2", "1", "1000000", "617500"],
      ["supply", "N03.02.070", "10", "10", "150000", "142500"],
    ]);
    expect(detail.body.flags).toEqual([]);
    // The same lines by item and cost group: the bed days lead, at 3,000,000 for 5 days (600,000 a day).
    const items = await t.json("GET", "/v1/items?year=2026&through=6");
    expect(
      items.body.items.map((item: Record<string, string>) => [item.itemCode, item.amount, item.averageUnitPrice]),
    ).toEqual([
      ["K03.1901", "3000000", "600000"],
      ["18.0068", "1000000", "1000000"],
      ["40.244", "900000", "45000"],
      ["40.1035", "300000", "15000"],
      ["N03.02.070", "150000", "15000"],
    ]);
    const costs = await t.json("GET", "/v1/facilities/01001/costs?year=2026&through=6");
    expect(costs.body.categories.map((c: Record<string, string>) => [c.category, c.spent])).toEqual([
      ["beds", "2850000"],
      ["drugs", "1140000"],
      ["tests", "617500"],
      ["supplies", "142500"],
    ]);
  });

  it("that do not add up to T_THUOC flag the claim, naming XML1.T_THUOC", async () => {
    const key = await setup(t);
    const res = await post(
      key,
      envelopeOf("01001", [tables(withFields(fixture("tong-hop-130.xml"), { T_THUOC: "1100000" }))]),
    );
    expect(res.status).toBe(201);
    expect(res.body.claims[0].flags).toContain("lines_mismatch");
    expect(res.body.warnings).toEqual([
      {
        index: 0,
        claimId: "LK2026061401",
        path: "HOSO[0].XML1.T_THUOC",
        code: "lines_mismatch",
        message: "the drug lines' amounts add up to 1200000, not 1100000",
      },
    ]);
  });

  it("with a cost group the rules do not know reject the episode alone, naming the row", async () => {
    const key = await setup(t);
    const bad = fixture("chi-tiet-dvkt.xml").replace("<MA_NHOM>2</MA_NHOM>", "<MA_NHOM>42</MA_NHOM>");
    const res = await post(
      key,
      envelopeOf("01001", [
        [
          ["XML1", fixture("tong-hop-130.xml")],
          ["XML2", fixture("chi-tiet-thuoc.xml")],
          ["XML3", bad],
        ],
      ]),
    );
    expect(res.body.claims[0].outcome).toBe("rejected");
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: "HOSO[0].XML3[1].MA_NHOM", code: "unknown_cost_group" }),
    ]);
  });

  it("from the project's file generator add up, drugs, services and supplies alike", async () => {
    const key = await setup(t);
    const body = fixtureEnvelope({ seed: 5, facility: "01001", episodes: 30, dischargedBefore: new Date(START) });
    const res = await post(key, body);
    expect(res.status).toBe(201);
    expect(res.body.warnings).toEqual([]);
    const kinds = await t.db.prisma.$queryRawUnsafe<{ kind: string }[]>(
      `SELECT DISTINCT l->>0 AS kind FROM claim c, json_array_elements(c.lines) l ORDER BY 1`,
    );
    expect(kinds.map((k) => k.kind)).toEqual(["drug", "service", "supply"]);
    // Every line's amount is in its claim's total, and the fund's part in its insurance amount.
    const [sums] = await t.db.prisma.$queryRawUnsafe<{ off: number }[]>(
      `SELECT count(*)::int AS off FROM claim c
       WHERE c.total_amount <> (SELECT sum((l->>6)::numeric) FROM json_array_elements(c.lines) l)
          OR c.insurance_amount <> (SELECT sum((l->>7)::numeric) FROM json_array_elements(c.lines) l)`,
    );
    expect(sums!.off).toBe(0);
    // By item, the lines add up to the claims: every episode here counts.
    const items = await t.json("GET", "/v1/items?year=2026&through=12&limit=500");
    const [claims] = await t.db.prisma.$queryRawUnsafe<{ total: string }[]>(
      `SELECT sum(total_amount)::text AS total FROM claim WHERE year = 2026`,
    );
    const byItem = items.body.items.reduce((sum: Dec, item: { amount: string }) => sum.plus(item.amount), new Dec(0));
    expect(byItem.equals(claims!.total), `${byItem} against ${claims!.total}`).toBe(true);
  });
});
