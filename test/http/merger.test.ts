import { describe, expect, it } from "vitest";
import { useTestApp } from "../support/harness.ts";
import { stay, submitFor } from "../support/reports.ts";
import { setEstimate } from "../support/spending.ts";
import { aggregates } from "../support/aggregates.ts";
import { linesFor } from "../support/claims.ts";

const t = useTestApp();
const DAY = 86_400_000;

/**
 * Hà Giang (02) merged into Tuyên Quang (08) at 2025-07-01 00:00 Vietnam time.
 * Facility 02001 keeps its old code. Its claims discharged before the merger
 * count for 02, from the merger instant on for 08:
 *   PRE   discharged 2025-06-30 23:00 (VN)  300,000 -> 02
 *   AT    discharged 2025-07-01 00:00 (VN)  500,000 -> 08 (the merger instant itself)
 *   PEND  discharged 2025-07-02, inpatient without its discharge paper, 200,000 -> 08
 * Estimates 2025: 02 1,000,000 (30% used); 08 800,000: 700,000 is 87.5%, past 85%.
 *
 * The merger is recorded before the claims arrive, or (as happens: it is
 * recorded after it took effect) once they are stored, which moves them: the
 * figures are the same either way.
 */
const MERGER = { name: "Hà Giang", successorCode: "08", mergedAt: "2025-07-01T00:00:00+07:00" };
type Recorded = "before the claims" | "after the claims";

async function scenario(recorded: Recorded) {
  await t.json("PUT", "/v1/provinces/08", { body: { name: "Tuyên Quang" } });
  const first = recorded === "before the claims" ? MERGER : { name: MERGER.name };
  expect((await t.json("PUT", "/v1/provinces/02", { body: first })).status).toBe(201);
  await t.json("PUT", "/v1/facilities/02001", { body: { name: "Bệnh viện Đa khoa Hà Giang" } });
  await setEstimate(t, "02", 2025, "1000000");
  await setEstimate(t, "08", 2025, "800000");
  await submitFor(t, "02001", "MERGE-1", [
    stay("PRE", "2025-06-30T16:00:00Z", "300000"),
    stay("AT", "2025-06-30T17:00:00Z", "500000"),
    stay("PEND", "2025-07-02T03:00:00Z", "200000", { visitType: "inpatient" }),
  ]);
  if (recorded === "after the claims")
    expect((await t.json("PUT", "/v1/provinces/02", { body: MERGER })).status).toBe(200);
  return {
    p02: await t.key("province", "02"),
    p08: await t.key("province", "08"),
    f02001: await t.key("facility", "02001"),
  };
}

/**
 * What every reader of spending sees for 2025: usage of all, each province's usage and projection, the claims by
 * province.
 */
async function figures() {
  const provinces = ["02", "08"];
  return {
    usage: (await t.json("GET", "/v1/usage?year=2025")).body.provinces.map((p: any) => [
      p.provinceCode,
      p.spent,
      p.pendingDocumentationAmount,
      p.ratio,
    ]),
    // Alerts raised on the way stay open for their reviewers: not a figure.
    byProvince: await Promise.all(
      provinces.map(async (p) => ({
        ...(await t.json("GET", `/v1/provinces/${p}/usage?year=2025`)).body,
        openAlerts: undefined,
      })),
    ),
    projection: await Promise.all(
      provinces.map(async (p) => (await t.json("GET", `/v1/provinces/${p}/projection?year=2025`)).body),
    ),
    claims: await Promise.all(
      provinces.map(async (p) =>
        (await t.json("GET", `/v1/claims?province=${p}`)).body.data.map((c: any) => c.claimId).sort(),
      ),
    ),
  };
}

describe.each<Recorded>(["before the claims", "after the claims"])(
  "a merged province's claims count for its successor from the merger on (recorded %s)",
  (recorded) => {
    it("in the claims, usage and alerts; the old code keeps what came before", async () => {
      const { p02, p08 } = await scenario(recorded);
      const province = async (claimId: string) =>
        (await t.json("GET", `/v1/claims/02001/${claimId}`)).body.provinceCode;
      expect([await province("PRE"), await province("AT"), await province("PEND")]).toEqual(["02", "08", "08"]);
      expect((await t.json("GET", "/v1/claims?province=08")).body.data.map((c: any) => c.claimId).sort()).toEqual([
        "AT",
        "PEND",
      ]);

      const usage = (await t.json("GET", "/v1/usage?year=2025")).body.provinces;
      expect(usage.map((p: any) => [p.provinceCode, p.spent, p.pendingDocumentationAmount, p.ratio])).toEqual([
        ["08", "700000", "200000", "0.8750"],
        ["02", "300000", "0", "0.3000"],
      ]);
      // Recorded late, a moved claim's history says so.
      const moves = (await t.json("GET", "/v1/claims/02001/AT")).body.history
        .filter((h: any) => h.kind === "province")
        .map((h: any) => h.data);
      expect(moves).toEqual(recorded === "before the claims" ? [] : [{ from: "02", to: "08" }]);
      const alerts = (await t.json("GET", "/v1/alerts?kind=usage_threshold")).body.data;
      // Recorded late, the move raises 08's alert; 02's, raised while its figures held every claim, stay for its
      // reviewers.
      expect(
        alerts.filter((a: any) => a.provinceCode === "08").map((a: any) => [a.provinceCode, a.year, a.spentAtRaise]),
      ).toEqual([["08", 2025, "700000"]]);
      expect(alerts.filter((a: any) => a.provinceCode === "02").map((a: any) => a.spentAtRaise)).toEqual(
        recorded === "before the claims" ? [] : expect.arrayContaining(["1000000"]),
      );

      // Each province key reads its own figures: the old code's before the merger stay readable.
      expect((await t.json("GET", "/v1/provinces/02/usage?year=2025", { key: p02 })).body).toMatchObject({
        spent: "300000",
        byFacility: [{ facilityCode: "02001", spent: "300000" }],
      });
      expect((await t.json("GET", "/v1/provinces/08/usage?year=2025", { key: p08 })).body).toMatchObject({
        spent: "700000",
        byFacility: [{ facilityCode: "02001", spent: "700000" }],
      });
      expect((await t.json("GET", "/v1/provinces/08/usage?year=2025", { key: p02 })).status).toBe(404);
      expect((await t.json("GET", "/v1/provinces/02/projection?year=2025", { key: p02 })).body).toMatchObject({
        spent: "300000",
        receivedToDate: "300000",
      });
      expect((await t.json("GET", "/v1/provinces/08/projection?year=2025", { key: p08 })).body).toMatchObject({
        spent: "700000",
        receivedToDate: "700000",
        projectedRatio: "0.8750",
      });
    });

    it("in the backlog and in every report", async () => {
      const { p02, p08, f02001 } = await scenario(recorded);
      t.clock.advance(31 * DAY);
      expect((await t.json("POST", "/v1/jobs/mark-stuck")).body.marked).toBe(1);
      expect((await t.json("GET", "/v1/backlog?province=08", { key: p08 })).body).toMatchObject({
        count: 1,
        amount: "200000",
        byFacility: [{ facilityCode: "02001", count: 1 }],
      });
      expect((await t.json("GET", "/v1/backlog?province=02", { key: p02 })).body).toMatchObject({
        count: 0,
        amount: "0",
      });

      const late = async (key: string | undefined, query: string) =>
        (await t.json("GET", `/v1/reports/late-submissions?year=2025${query}`, key ? { key } : {})).body.facilities.map(
          (f: any) => [f.facilityCode, f.provinceCode, f.claims],
        );
      // All late (sent a year on): equal shares, the row with more late claims first.
      expect(await late(undefined, "")).toEqual([
        ["02001", "08", 2],
        ["02001", "02", 1],
      ]);
      expect(await late(p08, "")).toEqual([["02001", "08", 2]]);
      expect(await late(p02, "")).toEqual([["02001", "02", 1]]);
      expect(await late(f02001, "")).toEqual([
        ["02001", "08", 2],
        ["02001", "02", 1],
      ]);

      const outliers = await t.json("GET", "/v1/reports/outliers?year=2025&province=08", { key: p08 });
      expect(
        outliers.body.facilities.map((f: any) => [f.facilityCode, f.provinceCode, f.visitType, f.status, f.claims]),
      ).toEqual([
        ["02001", "08", "inpatient", "too_few_claims", 1],
        ["02001", "08", "outpatient", "too_few_claims", 1],
      ]);
      expect(
        (await t.json("GET", "/v1/reports/outliers?year=2025", { key: p02 })).body.facilities.map((f: any) => [
          f.provinceCode,
          f.claims,
        ]),
      ).toEqual([["02", 1]]);
    });
  },
);

describe("recording a merger or a facility's province moves the claims already stored", () => {
  it(
    "back, to the cent, when the merger is taken back; by the new instant when it is corrected; decided claims as " +
      "they count",
    async () => {
      await scenario("before the claims");
      const decide = (claimId: string, body: object) =>
        t.json("POST", `/v1/claims/02001/${claimId}/decision`, { body: { reason: "inspected", ...body } });
      expect((await decide("AT", { outcome: "approved", approvedAmount: "450000.50" })).status).toBe(200);
      expect((await decide("PEND", { outcome: "denied" })).status).toBe(200);
      const merged = await figures();
      expect(merged.usage).toEqual([
        ["08", "450000.50", "0", "0.5625"],
        ["02", "300000", "0", "0.3000"],
      ]);
      expect(
        (await t.json("PUT", "/v1/provinces/02", { body: { name: "Hà Giang", successorCode: null, mergedAt: null } }))
          .status,
      ).toBe(200);
      const unmerged = await figures();
      expect(unmerged.usage).toEqual([
        ["02", "750000.50", "0", "0.7500"],
        ["08", "0", "0", "0.0000"],
      ]);
      expect(unmerged.claims).toEqual([["AT", "PEND", "PRE"], []]);
      expect(unmerged.projection[0]).toMatchObject({ spent: "750000.50", receivedToDate: "750000.50" });

      // A day later than first recorded: AT (the old instant) goes back to 02, PEND stays with 08.
      await t.json("PUT", "/v1/provinces/02", { body: { ...MERGER, mergedAt: "2025-07-02T00:00:00+07:00" } });
      expect((await figures()).claims).toEqual([["AT", "PRE"], ["PEND"]]);

      await t.json("PUT", "/v1/provinces/02", { body: MERGER });
      expect(await figures()).toEqual(merged);
      const audit = await t.db.prisma.auditLog.findMany({
        where: { entity: "province", entityId: "02" },
        orderBy: { id: "asc" },
      });
      expect(audit.map((a) => (a.after as { claimsMoved?: number }).claimsMoved)).toEqual([undefined, 2, 1, 1]);
    },
  );

  it("with the facility, when its province changes, and nothing else", async () => {
    await scenario("before the claims");
    await t.json("PUT", "/v1/provinces/79", { body: { name: "Hồ Chí Minh" } });
    await t.json("PUT", "/v1/facilities/08001", { body: { name: "Bệnh viện Đa khoa Tuyên Quang" } });
    await submitFor(t, "08001", "OTHER-1", [stay("TQ", "2025-08-01T03:00:00Z", "50000")]);
    const before = await figures();

    // 02001 recorded under 79: all its claims count there (79 has no merger); 08001's stay where they are.
    expect(
      (
        await t.json("PUT", "/v1/facilities/02001", {
          body: { name: "Bệnh viện Đa khoa Hà Giang", provinceCode: "79" },
        })
      ).status,
    ).toBe(200);
    expect((await t.json("GET", "/v1/claims?province=79")).body.data.map((c: any) => c.claimId).sort()).toEqual([
      "AT",
      "PEND",
      "PRE",
    ]);
    expect((await figures()).claims).toEqual([[], ["TQ"]]);
    expect((await t.json("GET", "/v1/provinces/79/usage?year=2025")).body).toMatchObject({
      spent: "1000000",
      byFacility: [{ facilityCode: "02001", spent: "1000000" }],
    });

    await t.json("PUT", "/v1/facilities/02001", { body: { name: "Bệnh viện Đa khoa Hà Giang" } });
    // 79 has spent nothing now, and says so.
    expect(await figures()).toEqual({ ...before, usage: [...before.usage, ["79", "0", "0", null]] });
    expect((await t.json("GET", "/v1/provinces/79/usage?year=2025")).body).toMatchObject({ spent: "0" });
  });

  it("keeps spending, its detail, its cost groups and the arrival triangle equal to the claims through every move", async () => {
    for (const [code, name] of [
      ["02", "Hà Giang"],
      ["08", "Tuyên Quang"],
      ["14", "Sơn La"],
      ["79", "Hồ Chí Minh"],
    ])
      await t.json("PUT", `/v1/provinces/${code}`, { body: { name } });
    await t.json("PUT", "/v1/facilities/02001", { body: { name: "a" } });
    // recorded under another province than its code's
    await t.json("PUT", "/v1/facilities/02002", { body: { name: "b", provinceCode: "14" } });
    await t.json("PUT", "/v1/facilities/14001", { body: { name: "c" } });
    // Claims around both mergers' instants, one pending, sent in three months (three delays in the triangle).
    const send = (f: string, k: number) =>
      submitFor(t, f, `B-${f}-${k}`, [
        stay(`${f}-A${k}`, "2025-05-03T03:00:00Z", "100000.10"),
        stay(`${f}-B${k}`, "2025-06-30T16:59:59Z", "200000.20"),
        // C and D carry cost lines in three groups: C1's approval for 1.01 is split over them.
        stay(`${f}-C${k}`, "2025-07-01T05:00:00Z", "300000.30", {
          lines: linesFor("300000.30", "300000.30", ["4", "13", "15"]),
        }),
        stay(`${f}-D${k}`, "2025-07-02T03:00:00Z", "400000.40", {
          visitType: "inpatient",
          lines: linesFor("400000.40", "400000.40", ["1", "10"]),
        }),
        stay(`${f}-E${k}`, "2025-08-15T03:00:00Z", "500000.50"),
      ]);
    for (const [k, at] of ["2025-08-20T03:00:00Z", "2025-10-01T03:00:00Z", "2025-12-20T03:00:00Z"].entries()) {
      t.clock.set(at);
      for (const f of ["02001", "02002", "14001"]) await send(f, k + 1);
    }
    const decide = (f: string, id: string, body: object) =>
      t.json("POST", `/v1/claims/${f}/${id}/decision`, { body: { reason: "inspected", ...body } });
    expect((await decide("02001", "02001-C1", { outcome: "approved", approvedAmount: "1.01" })).status).toBe(200);
    expect((await decide("02001", "02001-E1", { outcome: "approved" })).status).toBe(200);
    expect((await decide("02001", "02001-D1", { outcome: "denied" })).status).toBe(200);
    expect((await decide("02002", "02002-C2", { outcome: "denied" })).status).toBe(200);
    const before = await aggregates(t.db);
    expect(before.stored).toEqual(before.recomputed);

    const steps: [string, object][] = [
      ["/v1/provinces/02", MERGER],
      ["/v1/provinces/14", { name: "Sơn La", successorCode: "79", mergedAt: "2025-08-01T00:00:00+07:00" }],
      ["/v1/provinces/02", { name: "Hà Giang", mergedAt: "2025-09-01T00:00:00+07:00" }],
      ["/v1/facilities/02002", { name: "b", provinceCode: "02" }],
      ["/v1/provinces/02", { name: "Hà Giang", successorCode: "79" }],
      ["/v1/facilities/02002", { name: "b", provinceCode: "14" }],
      ["/v1/provinces/02", { name: "Hà Giang", mergedAt: null }],
      ["/v1/provinces/02", MERGER],
    ];
    for (const [path, body] of steps) {
      expect((await t.json("PUT", path, { body })).status, `${path} ${JSON.stringify(body)}`).toBe(200);
      const { stored, recomputed } = await aggregates(t.db);
      expect(stored, `${path} ${JSON.stringify(body)}`).toEqual(recomputed);
    }
    // And each claim is where the same claim sent now is placed (02002 is under 14, merged into 79 from August).
    await send("02002", 9);
    const where = async (claimId: string) => (await t.json("GET", `/v1/claims/02002/${claimId}`)).body.provinceCode;
    expect([
      await where("02002-A1"),
      await where("02002-E1"),
      await where("02002-A9"),
      await where("02002-E9"),
    ]).toEqual(["14", "79", "14", "79"]);
  });

  it(
    "refuses a chain of mergers, naming successorCode: a successor itself merged, or merging a province others were " +
      "merged into",
    async () => {
      for (const [code, name] of [
        ["02", "Hà Giang"],
        ["08", "Tuyên Quang"],
        ["14", "Sơn La"],
      ])
        await t.json("PUT", `/v1/provinces/${code}`, { body: { name } });
      expect((await t.json("PUT", "/v1/provinces/02", { body: MERGER })).status).toBe(200);
      const chained = await t.json("PUT", "/v1/provinces/14", {
        body: { name: "Sơn La", successorCode: "02", mergedAt: MERGER.mergedAt },
      });
      expect(chained).toMatchObject({
        status: 422,
        body: { errors: [{ path: "successorCode", code: "successor_merged" }] },
      });
      const cycle = await t.json("PUT", "/v1/provinces/08", {
        body: { name: "Tuyên Quang", successorCode: "14", mergedAt: MERGER.mergedAt },
      });
      expect(cycle).toMatchObject({
        status: 422,
        body: { errors: [{ path: "successorCode", code: "has_predecessors" }] },
      });
      // Neither was written; a merger into the end of the chain is fine.
      expect((await t.json("GET", "/v1/provinces")).body.data.map((p: any) => [p.code, p.successorCode])).toEqual([
        ["02", "08"],
        ["08", null],
        ["14", null],
      ]);
      expect(
        (
          await t.json("PUT", "/v1/provinces/14", {
            body: { name: "Sơn La", successorCode: "08", mergedAt: MERGER.mergedAt },
          })
        ).status,
      ).toBe(200);
    },
  );
});
