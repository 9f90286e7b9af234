import { describe, expect, it } from "vitest";
import { claim } from "../support/claims.ts";
import { START, seedReference, useTestApp, type TestContext } from "../support/harness.ts";
import { markStuck } from "../../src/backlog/mark-stuck.ts";
import { setEstimate } from "../support/spending.ts";

const t = useTestApp();
const DAY = 86_400_000;
const HOUR = 3_600_000;

async function keys(ctx: TestContext) {
  await seedReference(ctx);
  return {
    f01001: await ctx.key("facility", "01001"),
    f01002: await ctx.key("facility", "01002"),
    f79001: await ctx.key("facility", "79001"),
    p01: await ctx.key("province", "01"),
    p79: await ctx.key("province", "79"),
  };
}

async function submit(ctx: TestContext, key: string, batchId: string, claims: Record<string, unknown>[]) {
  const res = await ctx.json("POST", "/v1/batches", { key, body: { batchId, claims } });
  if (res.status !== 201 || res.body.rejected) throw new Error(`batch refused: ${JSON.stringify(res.body)}`);
  return res.body;
}

async function mark(ctx: TestContext) {
  const res = await ctx.json("POST", "/v1/jobs/mark-stuck");
  expect(res.status).toBe(200);
  return res.body.marked as number;
}

const money = (insurance: string) => ({ total: insurance, insurance, patient: "0", other: "0" });
/**
 * A claim that misses the documents its facts call for (inpatient: discharge_paper; referral: referral_paper;
 * procedure: surgery_certificate).
 */
const pending = (claimId: string, insurance: string, facts: Record<string, unknown> = {}) =>
  claim({ claimId, visitType: "inpatient", amounts: money(insurance), ...facts });

const detail = async (ctx: TestContext, facility: string, claimId: string) =>
  (await ctx.json("GET", `/v1/claims/${facility}/${claimId}`)).body;

describe("marking claims stuck", () => {
  it(
    "a claim pending documentation is stuck once stuckAfterDays have passed, not a millisecond before, and is marked " +
      "once",
    async () => {
      const { f01001 } = await keys(t);
      await submit(t, f01001, "b1", [pending("P1", "100000"), claim({ claimId: "OK1" }, 9)]);
      expect(t.rules.timing.stuckAfterDays).toBe(30);

      t.clock.advance(30 * DAY - 1);
      expect(await mark(t)).toBe(0);
      expect(await detail(t, "01001", "P1")).toMatchObject({ stuck: false, stuckAt: null });

      t.clock.advance(1);
      expect(await mark(t)).toBe(1);
      expect(await detail(t, "01001", "P1")).toMatchObject({
        status: "pending_documentation",
        stuck: true,
        stuckAt: "2026-07-15T03:00:00.000Z",
        pendingSince: START.replace("Z", ".000Z"),
      });
      expect(await detail(t, "01001", "OK1")).toMatchObject({ stuck: false });

      t.clock.advance(DAY);
      expect(await mark(t)).toBe(0);
      expect((await detail(t, "01001", "P1")).stuckAt).toBe("2026-07-15T03:00:00.000Z");
    },
  );

  it("with stuckAfterDays 0 every pending claim is stuck at the next marking", async () => {
    const { f01001 } = await keys(t);
    t.rules.timing.stuckAfterDays = 0;
    await submit(t, f01001, "b1", [pending("P1", "1000"), pending("P2", "2000"), claim({ claimId: "OK1" }, 9)]);
    expect(await mark(t)).toBe(2);
    expect((await t.json("GET", "/v1/backlog")).body).toMatchObject({ stuckAfterDays: 0, count: 2, amount: "3000" });
  });

  it(
    "a correction keeps a stuck claim stuck while documents are still missing; documents that complete it un-stick " +
      "it",
    async () => {
      const { f01001 } = await keys(t);
      await submit(t, f01001, "b1", [pending("P1", "100000", { referral: true })]);
      t.clock.advance(31 * DAY);
      expect(await mark(t)).toBe(1);

      await submit(t, f01001, "b2", [pending("P1", "120000", { referral: true })]);
      expect(await detail(t, "01001", "P1")).toMatchObject({
        version: 2,
        stuck: true,
        stuckAt: "2026-07-16T03:00:00.000Z",
        pendingSince: "2026-06-15T03:00:00.000Z",
      });

      const half = await t.json("POST", "/v1/claims/01001/P1/documents", {
        key: f01001,
        body: { documents: [{ type: "referral_paper", reference: "CT-1" }] },
      });
      expect(half.body).toMatchObject({
        status: "pending_documentation",
        stuck: true,
        missingDocuments: ["discharge_paper"],
      });
      expect((await t.json("GET", "/v1/backlog")).body).toMatchObject({ count: 1, amount: "120000" });

      const done = await t.json("POST", "/v1/claims/01001/P1/documents", {
        key: f01001,
        body: { documents: [{ type: "discharge_paper", reference: "GRV-1" }] },
      });
      expect(done.body).toMatchObject({
        status: "accepted",
        stuck: false,
        stuckAt: null,
        pendingSince: null,
        missingDocuments: [],
      });
      expect((await t.json("GET", "/v1/backlog")).body).toMatchObject({
        count: 0,
        amount: "0",
        pending: { count: 0, amount: "0" },
        byFacility: [],
        byMissingDocument: [],
      });
      expect(await mark(t)).toBe(0);
    },
  );

  it("a large backlog is marked a chunk per transaction, every claim once, its alert raised once", async () => {
    const { f01001, f79001 } = await keys(t);
    await setEstimate(t, "01", 2026, "1000000");
    await submit(
      t,
      f01001,
      "big",
      Array.from({ length: 23 }, (_, i) =>
        pending(`B${i}`, "10000", { patient: { cardNumber: `DN40101${String(i).padStart(8, "0")}` } }),
      ),
    );
    await submit(t, f79001, "other", [pending("S1", "10000")]);
    t.clock.advance(30 * DAY);
    const deps = { db: t.db, clock: t.clock, rules: t.rules };
    expect(await markStuck(deps, { chunk: 10 })).toEqual({ marked: 24 });
    expect(await t.db.prisma.claim.count({ where: { stuck: true } })).toBe(24);
    // 5% of 1,000,000 is crossed by the first chunk's 100,000: one alert, raised as that chunk committed
    // (one transaction for all 23 would have raised it at 230,000, 0.23).
    const alerts = await t.db.prisma.alert.findMany({ where: { kind: "stuck_backlog" } });
    expect(alerts.map((a) => [a.provinceCode, a.ratioAtRaise?.toString()])).toEqual([["01", "0.1"]]);
    expect(await markStuck(deps, { chunk: 10 })).toEqual({ marked: 0 });
  });

  it("only central runs the marking", async () => {
    const { f01001, p01 } = await keys(t);
    expect((await t.call("POST", "/v1/jobs/mark-stuck", { key: p01 })).status).toBe(403);
    expect((await t.call("POST", "/v1/jobs/mark-stuck", { key: f01001 })).status).toBe(403);
    expect((await t.call("POST", "/v1/jobs/mark-stuck", { key: null })).status).toBe(401);
  });
});

/**
 * The story behind the backlog figures (default rules: stuck after 30 days,
 * age buckets 0, 30, 60, 90):
 * - day 0: 01001 sends A (inpatient, 100,000) and B (inpatient + referral,
 *   250,000.50); 01002 sends G (inpatient, discharged in 2025, 33,333.33);
 * - day 40: 01002 sends C (outpatient with a procedure, 40,000); 79001 sends D (inpatient, 70,000);
 * - day 75: 01001 sends F (inpatient, 12,345) and an accepted claim; the marking runs.
 * Stuck then: A, B, G (75 days pending) and C, D (35 days); F is pending, not stuck.
 */
async function story(ctx: TestContext) {
  const k = await keys(ctx);
  await submit(ctx, k.f01001, "d0", [pending("A", "100000"), pending("B", "250000.50", { referral: true })]);
  await submit(ctx, k.f01002, "d0", [
    pending("G", "33333.33", { admittedAt: "2025-12-20T08:00:00+07:00", dischargedAt: "2025-12-22T08:00:00+07:00" }),
  ]);
  ctx.clock.advance(40 * DAY);
  await submit(ctx, k.f01002, "d40", [claim({ claimId: "C", procedure: true, amounts: money("40000") })]);
  await submit(ctx, k.f79001, "d40", [pending("D", "70000")]);
  ctx.clock.advance(35 * DAY);
  await submit(ctx, k.f01001, "d75", [pending("F", "12345"), claim({ claimId: "OK" }, 7)]);
  expect(await mark(ctx)).toBe(5);
  return k;
}

const DAY0 = "2026-06-15T03:00:00.000Z";
const DAY40 = "2026-07-25T03:00:00.000Z";
const DAY75 = "2026-08-29T03:00:00.000Z";

describe("GET /v1/backlog", () => {
  it("central sees every stuck claim: totals, by facility, by missing document and by age, to the dong", async () => {
    await story(t);
    const res = await t.json("GET", "/v1/backlog");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      asOf: DAY75,
      provinceCode: null,
      year: null,
      stuckAfterDays: 30,
      // A + B + G + C + D = 100,000 + 250,000.50 + 33,333.33 + 40,000 + 70,000
      count: 5,
      amount: "493333.83",
      // ... and F, pending but not yet stuck.
      pending: { count: 6, amount: "505678.83" },
      byFacility: [
        { facilityCode: "01001", name: "Bệnh viện Bạch Mai", count: 2, amount: "350000.50", oldestPendingSince: DAY0 },
        { facilityCode: "01002", name: "Bệnh viện Việt Đức", count: 2, amount: "73333.33", oldestPendingSince: DAY0 },
        { facilityCode: "79001", name: "Bệnh viện Chợ Rẫy", count: 1, amount: "70000", oldestPendingSince: DAY40 },
      ],
      byMissingDocument: [
        // A, B, G, D; B also misses its referral paper; C its surgery certificate.
        { type: "discharge_paper", count: 4, amount: "453333.83" },
        { type: "referral_paper", count: 1, amount: "250000.50" },
        { type: "surgery_certificate", count: 1, amount: "40000" },
      ],
      byAge: [
        { fromDays: 0, toDays: 30, count: 0, amount: "0" },
        { fromDays: 30, toDays: 60, count: 2, amount: "110000" },
        { fromDays: 60, toDays: 90, count: 3, amount: "383333.83" },
        { fromDays: 90, toDays: null, count: 0, amount: "0" },
      ],
    });
  });

  it("ages move into the next bucket as days pass (calendar days in Vietnam), without a new marking", async () => {
    await story(t);
    // Day 0 was 10:00 in Vietnam: the last millisecond of day 89 there, A, B, G are 89 days pending; at midnight, 90.
    t.clock.advance(15 * DAY - 10 * HOUR - 1);
    expect((await t.json("GET", "/v1/backlog")).body.byAge.map((b: any) => b.count)).toEqual([0, 2, 3, 0]);
    t.clock.advance(1);
    expect((await t.json("GET", "/v1/backlog")).body.byAge).toEqual([
      { fromDays: 0, toDays: 30, count: 0, amount: "0" },
      { fromDays: 30, toDays: 60, count: 2, amount: "110000" },
      { fromDays: 60, toDays: 90, count: 0, amount: "0" },
      { fromDays: 90, toDays: null, count: 3, amount: "383333.83" },
    ]);
  });

  it("narrows by year and by province", async () => {
    await story(t);
    const y2025 = await t.json("GET", "/v1/backlog?year=2025");
    expect(y2025.body).toMatchObject({
      year: 2025,
      count: 1,
      amount: "33333.33",
      pending: { count: 1, amount: "33333.33" },
    });
    expect(y2025.body.byFacility).toEqual([
      { facilityCode: "01002", name: "Bệnh viện Việt Đức", count: 1, amount: "33333.33", oldestPendingSince: DAY0 },
    ]);
    const hcm = await t.json("GET", "/v1/backlog?province=79&year=2026");
    expect(hcm.body).toMatchObject({
      provinceCode: "79",
      year: 2026,
      count: 1,
      amount: "70000",
      byMissingDocument: [{ type: "discharge_paper", count: 1, amount: "70000" }],
    });
    expect((await t.json("GET", "/v1/backlog?year=2024")).body).toMatchObject({
      count: 0,
      amount: "0",
      byFacility: [],
    });
  });

  it(
    "a province sees only its own backlog; another province is 404; a facility gets 403 and lists its stuck claims " +
      "instead",
    async () => {
      const { p01, p79, f01001, f79001 } = await story(t);
      const own = await t.json("GET", "/v1/backlog", { key: p01 });
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({
        provinceCode: "01",
        count: 4,
        amount: "423333.83",
        pending: { count: 5, amount: "435678.83" },
      });
      expect(own.body.byFacility.map((f: any) => f.facilityCode)).toEqual(["01001", "01002"]);
      expect((await t.json("GET", "/v1/backlog?province=01", { key: p01 })).body).toEqual(own.body);
      expect((await t.json("GET", "/v1/backlog?province=79", { key: p01 })).status).toBe(404);
      expect((await t.json("GET", "/v1/backlog", { key: p79 })).body).toMatchObject({ provinceCode: "79", count: 1 });
      expect((await t.json("GET", "/v1/backlog?province=48")).status).toBe(404); // central, unknown province
      expect((await t.json("GET", "/v1/backlog", { key: f01001 })).status).toBe(403);

      const mine = await t.json("GET", "/v1/claims?stuck=true", { key: f01001 });
      expect(mine.body.data.map((c: any) => [c.claimId, c.missingDocuments, c.pendingSince]).sort()).toEqual([
        ["A", ["discharge_paper"], DAY0],
        ["B", ["discharge_paper", "referral_paper"], DAY0],
      ]);
      expect(
        (await t.json("GET", "/v1/claims?stuck=true", { key: f79001 })).body.data.map((c: any) => c.claimId),
      ).toEqual(["D"]);
    },
  );

  it("rejects a malformed province or year with 422", async () => {
    await keys(t);
    expect((await t.json("GET", "/v1/backlog?province=1")).body.errors[0].path).toBe("province");
    expect((await t.json("GET", "/v1/backlog?year=twenty")).status).toBe(422);
  });
});

describe("the stuck_backlog alert", () => {
  const alerts = async (ctx: TestContext) => (await ctx.json("GET", "/v1/alerts?kind=stuck_backlog")).body.data;

  it(
    "is raised when a province-year's stuck amount reaches the rules' share of its estimate, exactly, and once while " +
      "live",
    async () => {
      const { f01001, f79001 } = await keys(t);
      expect(t.rules.backlog.stuckShareOfEstimate).toBe("0.05");
      await setEstimate(t, "01", 2026, "1000000"); // 5% = 50,000
      await setEstimate(t, "79", 2026, "1000000");

      // One dong short of 5%: nothing.
      await submit(t, f01001, "b1", [pending("P1", "49999.99")]);
      await submit(t, f79001, "b1", [pending("Q1", "70000")]);
      t.rules.timing.stuckAfterDays = 0;
      t.clock.advance(DAY);
      // 79 crosses (7%), 01 does not.
      expect(await mark(t)).toBe(2);
      expect((await alerts(t)).map((a: any) => a.provinceCode)).toEqual(["79"]);

      // One more cent stuck in 01: exactly 5%.
      await submit(t, f01001, "b2", [pending("P2", "0.01")]);
      t.clock.advance(DAY);
      expect(await mark(t)).toBe(1);
      const raised = (await alerts(t)).find((a: any) => a.provinceCode === "01");
      expect(raised).toMatchObject({
        kind: "stuck_backlog",
        year: 2026,
        status: "open",
        severity: "warning",
        threshold: "0.0500",
        ratioAtRaise: "0.0500",
        estimateAtRaise: "1000000",
        spentAtRaise: "50000",
        raisedAt: "2026-06-17T03:00:00.000Z",
      });

      // More claims stuck while it is live: no second alert.
      await submit(t, f01001, "b3", [pending("P3", "100000")]);
      t.clock.advance(DAY);
      expect(await mark(t)).toBe(1);
      expect((await alerts(t)).filter((a: any) => a.provinceCode === "01")).toHaveLength(1);

      // Resolved, then a new claim stuck: a new alert, the old one kept as history.
      expect(
        (await t.json("POST", `/v1/alerts/${raised.id}/resolve`, { body: { note: "facility chased" } })).status,
      ).toBe(200);
      await submit(t, f01001, "b4", [pending("P4", "1")]);
      t.clock.advance(DAY);
      expect(await mark(t)).toBe(1);
      const ours = (await alerts(t)).filter((a: any) => a.provinceCode === "01");
      expect(ours.map((a: any) => [a.status, a.ratioAtRaise])).toEqual([
        ["open", "0.1500"],
        ["resolved", "0.0500"],
      ]);
    },
  );

  it("counts stuck claims only, of that year, and needs an estimate", async () => {
    const { f01001 } = await keys(t);
    await setEstimate(t, "01", 2026, "1000000");
    // 2025 has no estimate; 2026's pending-but-not-stuck amount is far above 5%.
    await submit(t, f01001, "b1", [
      pending("OLD", "900000", { admittedAt: "2025-12-20T08:00:00+07:00", dischargedAt: "2025-12-22T08:00:00+07:00" }),
    ]);
    t.clock.advance(30 * DAY);
    await submit(t, f01001, "b2", [pending("NEW", "900000")]);
    expect(await mark(t)).toBe(1);
    expect(await alerts(t)).toEqual([]);
  });
});
