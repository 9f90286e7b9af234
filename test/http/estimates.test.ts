import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { withFailingAudit } from "../support/faults.ts";
import { CENTRAL_KEY, seedReference, useTestApp } from "../support/harness.ts";

const t = useTestApp();

const ESTIMATE = "/v1/provinces/01/estimates/2026";
const auditOf = (entityId: string) =>
  t.db.prisma.auditLog.findMany({ where: { entity: "estimate", entityId }, orderBy: { id: "asc" } });
const stored = () =>
  t.db.prisma.estimate.findUnique({
    where: { provinceCode_year: { provinceCode: "01", year: 2026 } },
    include: { adjustments: true },
  });

describe("estimates", () => {
  it("First, central sets the allocation (201); setting it again replaces it (200) and both are audited", async () => {
    await seedReference(t);
    const created = await t.json("PUT", ESTIMATE, { body: { amount: "1000000000", decisionRef: "QĐ-123/BHXH" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      provinceCode: "01",
      year: 2026,
      initial: "1000000000",
      total: "1000000000",
      decisionRef: "QĐ-123/BHXH",
      adjustments: [],
    });

    const replaced = await t.json("PUT", ESTIMATE, { body: { amount: 1234567.5 } });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ initial: "1234567.50", total: "1234567.50", decisionRef: null });

    const audit = await auditOf("01/2026");
    expect(audit.map((a) => a.action)).toEqual(["estimate.create", "estimate.update"]);
    expect(audit[0]).toMatchObject({
      actorRole: "central",
      before: null,
      after: { initial: "1000000000", total: "1000000000", decisionRef: "QĐ-123/BHXH" },
    });
    expect(audit[1]).toMatchObject({
      before: { initial: "1000000000", total: "1000000000" },
      after: { initial: "1234567.50", total: "1234567.50" },
    });
  });

  it("Second, adjustments raise and lower the total, are listed in order, and a new initial amount keeps them", async () => {
    await seedReference(t);
    await t.json("PUT", ESTIMATE, { body: { amount: "1000000000" } });
    const up = await t.json("POST", `${ESTIMATE}/adjustments`, {
      body: { amount: "250000000.50", reason: "bổ sung quý 2", decisionRef: "QĐ-200" },
    });
    expect(up.status).toBe(201);
    expect(up.body.total).toBe("1250000000.50");
    t.clock.advance(1_000);
    const down = await t.json("POST", `${ESTIMATE}/adjustments`, {
      body: { amount: -50000000, reason: "điều chuyển" },
    });
    expect(down.status).toBe(201);
    expect(down.body.total).toBe("1200000000.50");

    const read = await t.json("GET", ESTIMATE);
    expect(read.status).toBe(200);
    expect(read.body.adjustments).toEqual([
      expect.objectContaining({
        amount: "250000000.50",
        reason: "bổ sung quý 2",
        decisionRef: "QĐ-200",
        createdAt: "2026-06-15T03:00:00.000Z",
      }),
      expect.objectContaining({
        amount: "-50000000",
        reason: "điều chuyển",
        decisionRef: null,
        createdAt: "2026-06-15T03:00:01.000Z",
      }),
    ]);

    const reset = await t.json("PUT", ESTIMATE, { body: { amount: "900000000" } });
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ initial: "900000000", total: "1100000000.50" });
    expect(reset.body.adjustments).toHaveLength(2);

    const adjustAudit = (await auditOf("01/2026")).filter((a) => a.action === "estimate.adjust");
    expect(
      adjustAudit.map((a) => [(a.before as { total: string }).total, (a.after as { total: string }).total]),
    ).toEqual([
      ["1000000000", "1250000000.50"],
      ["1250000000.50", "1200000000.50"],
    ]);
  });

  it("the total may not go below zero: 422 naming amount, and nothing is written", async () => {
    await seedReference(t);
    await t.json("PUT", ESTIMATE, { body: { amount: "100" } });
    await t.json("POST", `${ESTIMATE}/adjustments`, { body: { amount: "-60", reason: "cut" } });
    const auditBefore = (await auditOf("01/2026")).length;

    const tooMuch = await t.json("POST", `${ESTIMATE}/adjustments`, {
      body: { amount: "-40.01", reason: "cut again" },
    });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.errors).toEqual([expect.objectContaining({ path: "amount", code: "estimate_below_zero" })]);

    // A smaller initial amount is refused too when the adjustments would take the total below zero.
    const lowered = await t.json("PUT", ESTIMATE, { body: { amount: "59.99" } });
    expect(lowered.status).toBe(422);
    expect(lowered.body.errors[0].code).toBe("estimate_below_zero");

    const row = await stored();
    expect(row!.totalAmount.toString()).toBe("40");
    expect(row!.initialAmount.toString()).toBe("100");
    expect(row!.adjustments).toHaveLength(1);
    expect(await auditOf("01/2026")).toHaveLength(auditBefore);

    // Exactly zero is allowed.
    const zero = await t.json("POST", `${ESTIMATE}/adjustments`, { body: { amount: "-40", reason: "all of it" } });
    expect(zero.status).toBe(201);
    expect(zero.body.total).toBe("0");
  });

  it(
    "refuses amounts that are not money: negative allocations, more than 2 decimals, exponents, floating-point " +
      "noise",
    async () => {
      await seedReference(t);
      for (const amount of ["-1", -1, "1.234", "1e9", 0.1 + 0.2, "", null, "1,000"]) {
        const res = await t.json("PUT", ESTIMATE, { body: { amount } });
        expect(res.status, JSON.stringify(amount)).toBe(422);
        expect(res.body.errors[0]).toMatchObject({
          path: "amount",
          code: expect.stringMatching(/invalid_money|required/),
        });
      }
      await t.json("PUT", ESTIMATE, { body: { amount: "10" } });
      for (const body of [{ amount: "1.001", reason: "x" }, { amount: "5" }, { amount: "5", reason: "" }]) {
        const res = await t.json("POST", `${ESTIMATE}/adjustments`, { body });
        expect(res.status, JSON.stringify(body)).toBe(422);
      }
      expect(await stored()).toMatchObject({ adjustments: [] });
      for (const year of ["1999", "2101", "twenty"])
        expect((await t.call("GET", `/v1/provinces/01/estimates/${year}`)).status, year).toBe(422);
    },
  );

  it("an adjustment to an estimate never set, or in an unknown province, is 404", async () => {
    await seedReference(t);
    expect((await t.call("POST", `${ESTIMATE}/adjustments`, { body: { amount: "5", reason: "x" } })).status).toBe(404);
    expect((await t.call("PUT", "/v1/provinces/48/estimates/2026", { body: { amount: "5" } })).status).toBe(404);
    expect(await t.db.prisma.estimate.count()).toBe(0);
  });
});

describe("who may see and change estimates", () => {
  it("central and the province's own key read it; another province gets 404, a facility key 403", async () => {
    await seedReference(t);
    await t.json("PUT", ESTIMATE, { body: { amount: "987654321" } });
    const hanoi = await t.key("province", "01");
    const hcmc = await t.key("province", "79");
    const facility = await t.key("facility", "01001");

    expect((await t.json("GET", ESTIMATE)).body.total).toBe("987654321");
    expect((await t.json("GET", ESTIMATE, { key: hanoi })).body.total).toBe("987654321");
    const other = await t.json("GET", ESTIMATE, { key: hcmc });
    expect(other.status).toBe(404);
    expect(other.body.code).toBe("not_found");
    expect(JSON.stringify(other.body)).not.toContain("987654321");
    expect((await t.call("GET", ESTIMATE, { key: facility })).status).toBe(403);
    expect((await t.call("GET", ESTIMATE, { key: null })).status).toBe(401);
    // Another province's unknown estimate looks the same as its existing one.
    expect((await t.call("GET", "/v1/provinces/01/estimates/2030", { key: hcmc })).status).toBe(404);
  });

  it("an estimate that was never set is 404 for central and for its province", async () => {
    await seedReference(t);
    const hanoi = await t.key("province", "01");
    expect((await t.json("GET", "/v1/provinces/01/estimates/2027")).body.code).toBe("not_found");
    expect((await t.call("GET", "/v1/provinces/01/estimates/2027", { key: hanoi })).status).toBe(404);
    expect((await t.call("GET", "/v1/provinces/48/estimates/2026")).status).toBe(404);
  });

  it("only central sets and adjusts: province and facility keys get 403 and nothing changes", async () => {
    await seedReference(t);
    await t.json("PUT", ESTIMATE, { body: { amount: "500" } });
    for (const key of [await t.key("province", "01"), await t.key("facility", "01001")]) {
      expect((await t.call("PUT", ESTIMATE, { key, body: { amount: "900" } })).status).toBe(403);
      expect(
        (await t.call("POST", `${ESTIMATE}/adjustments`, { key, body: { amount: "900", reason: "more" } })).status,
      ).toBe(403);
    }
    expect((await stored())!.totalAmount.toString()).toBe("500");
  });

  it("an estimate change and its audit row commit together", async () => {
    await seedReference(t);
    await t.json("PUT", ESTIMATE, { body: { amount: "500" } });
    const app = createApp({ db: withFailingAudit(t.db), clock: t.clock, rules: t.rules, logger: t.logger });
    const send = (method: string, path: string, body: unknown) =>
      app.request(path, {
        method,
        headers: { authorization: `Bearer ${CENTRAL_KEY}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await send("PUT", ESTIMATE, { amount: "900" })).status).toBe(500);
    expect((await send("POST", `${ESTIMATE}/adjustments`, { amount: "100", reason: "more" })).status).toBe(500);
    expect((await send("PUT", "/v1/provinces/79/estimates/2026", { amount: "100" })).status).toBe(500);
    const row = await stored();
    expect(row!.initialAmount.toString()).toBe("500");
    expect(row!.totalAmount.toString()).toBe("500");
    expect(row!.adjustments).toEqual([]);
    expect(await t.db.prisma.estimate.count()).toBe(1);
  });
});
