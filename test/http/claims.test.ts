import { describe, expect, it } from "vitest";
import { claim } from "../support/claims.ts";
import { seedReference, useTestApp, type TestContext } from "../support/harness.ts";

const t = useTestApp();

async function story(ctx: TestContext) {
  await seedReference(ctx);
  const keys = {
    bachMai: await ctx.key("facility", "01001"),
    vietDuc: await ctx.key("facility", "01002"),
    choRay: await ctx.key("facility", "79001"),
    hanoi: await ctx.key("province", "01"),
    hcmc: await ctx.key("province", "79"),
  };
  await ctx.json("POST", "/v1/batches", {
    key: keys.bachMai,
    body: {
      batchId: "bm",
      claims: [
        claim({ claimId: "BM1" }, 1),
        claim({ claimId: "BM2", visitType: "inpatient" }, 2),
        claim(
          { claimId: "BM3", dischargedAt: "2026-06-13T09:00:00+07:00", admittedAt: "2026-06-13T08:00:00+07:00" },
          3,
        ),
      ],
    },
  });
  await ctx.json("POST", "/v1/batches", {
    key: keys.vietDuc,
    body: { batchId: "vd", claims: [claim({ claimId: "VD1" }, 4)] },
  });
  await ctx.json("POST", "/v1/batches", {
    key: keys.choRay,
    body: { batchId: "cr", claims: [claim({ claimId: "CR1" }, 5)] },
  });
  return keys;
}

const ids = (body: { data: { claimId: string }[] }) => body.data.map((c) => c.claimId).sort();

describe("reading claims", () => {
  it("a facility sees only its own claims, a province only its own, central all", async () => {
    const k = await story(t);
    expect(ids((await t.json("GET", "/v1/claims", { key: k.bachMai })).body)).toEqual(["BM1", "BM2", "BM3"]);
    expect(ids((await t.json("GET", "/v1/claims", { key: k.hanoi })).body)).toEqual(["BM1", "BM2", "BM3", "VD1"]);
    expect(ids((await t.json("GET", "/v1/claims", { key: k.hcmc })).body)).toEqual(["CR1"]);
    expect(ids((await t.json("GET", "/v1/claims")).body)).toEqual(["BM1", "BM2", "BM3", "CR1", "VD1"]);
    // Asking for another tenant's data through a filter yields nothing, not their data.
    expect(ids((await t.json("GET", "/v1/claims?facility=79001", { key: k.bachMai })).body)).toEqual([]);
    expect(ids((await t.json("GET", "/v1/claims?province=79", { key: k.hanoi })).body)).toEqual([]);
  });

  it("filters by status, flag, year, facility and province", async () => {
    const k = await story(t);
    expect(ids((await t.json("GET", "/v1/claims?status=pending_documentation")).body)).toEqual(["BM2"]);
    expect(ids((await t.json("GET", "/v1/claims?flag=late_submission")).body)).toEqual(["BM3"]);
    expect(ids((await t.json("GET", "/v1/claims?year=2025")).body)).toEqual([]);
    expect(ids((await t.json("GET", "/v1/claims?facility=01002")).body)).toEqual(["VD1"]);
    expect(ids((await t.json("GET", "/v1/claims?province=79&year=2026")).body)).toEqual(["CR1"]);
    expect(ids((await t.json("GET", "/v1/claims?stuck=false", { key: k.bachMai })).body)).toEqual([
      "BM1",
      "BM2",
      "BM3",
    ]);
    const bad = await t.json("GET", "/v1/claims?status=lost&limit=0");
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["limit", "status"]);
  });

  it("pages with limit and an opaque cursor, newest first, without repeats", async () => {
    await story(t);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: { claimId: string }[]; nextCursor: string | null } } = await t.json(
        "GET",
        `/v1/claims?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((c) => c.claimId));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["CR1", "VD1", "BM3", "BM2", "BM1"]);
    expect((await t.json("GET", "/v1/claims?cursor=garbage")).status).toBe(422);
  });

  it("one claim shows status, documents, flags, amounts, year and patient to those in scope; 404 to others", async () => {
    const k = await story(t);
    const res = await t.json("GET", "/v1/claims/01001/BM2", { key: k.hanoi });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      claimId: "BM2",
      status: "pending_documentation",
      missingDocuments: ["discharge_paper"],
      year: 2026,
      month: 6,
      stuck: false,
      documents: [],
      history: [],
      amounts: { insurance: "280000", approved: null },
    });
    expect(res.body.patient.cardNumber).toMatch(/^DN401/);
    for (const key of [k.vietDuc, k.choRay, k.hcmc])
      expect((await t.call("GET", "/v1/claims/01001/BM2", { key })).status).toBe(404);
    expect((await t.call("GET", "/v1/claims/01001/NOPE")).status).toBe(404);
  });
});

describe("deciding a claim", () => {
  it(
    "approving with a lower amount lowers spending; deciding twice is 409; the decision is audited and in the " +
      "history",
    async () => {
      const k = await story(t);
      const approve = await t.json("POST", "/v1/claims/01001/BM1/decision", {
        key: k.hanoi,
        body: { outcome: "approved", approvedAmount: "200000", reason: "xuất toán 80.000" },
      });
      expect(approve.status).toBe(200);
      expect(approve.body).toMatchObject({ status: "approved", amounts: { approved: "200000" } });
      expect(approve.body.history).toEqual([
        expect.objectContaining({
          kind: "decision",
          data: expect.objectContaining({ outcome: "approved", approvedAmount: "200000" }),
        }),
      ]);
      const again = await t.json("POST", "/v1/claims/01001/BM1/decision", {
        body: { outcome: "denied", reason: "again" },
      });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe("claim_already_decided");

      const deny = await t.json("POST", "/v1/claims/01001/BM3/decision", {
        body: { outcome: "denied", reason: "không hợp lệ" },
      });
      expect(deny.status).toBe(200);
      const [row] = await t.db.prisma.$queryRawUnsafe<{ spent: string; n: number }[]>(
        "SELECT spent::text AS spent, claim_count AS n FROM spending WHERE province_code = '01' AND year = 2026",
      );
      // BM1 200000 (approved) + BM2 280000 (pending) + BM3 0 (denied) + VD1 280000
      expect(row).toEqual({ spent: "760000.00", n: 3 });
      const audits = await t.db.prisma.auditLog.findMany({ where: { entity: "claim" }, orderBy: { id: "asc" } });
      expect(audits.map((a) => [a.action, a.entityId])).toEqual([
        ["claim.approve", "01001/BM1"],
        ["claim.deny", "01001/BM3"],
      ]);
    },
  );

  it("refuses an approved amount above the claim, approval while documents are missing, and callers out of scope", async () => {
    const k = await story(t);
    const over = await t.json("POST", "/v1/claims/01001/BM1/decision", {
      body: { outcome: "approved", approvedAmount: "280000.01", reason: "x" },
    });
    expect(over.status).toBe(422);
    expect(over.body.errors[0]).toMatchObject({ path: "approvedAmount", code: "exceeds_claimed" });
    const pending = await t.json("POST", "/v1/claims/01001/BM2/decision", {
      body: { outcome: "approved", reason: "x" },
    });
    expect(pending.status).toBe(409);
    expect(
      (await t.call("POST", "/v1/claims/01001/BM1/decision", { key: k.hcmc, body: { outcome: "denied", reason: "x" } }))
        .status,
    ).toBe(404);
    expect(
      (
        await t.call("POST", "/v1/claims/01001/BM1/decision", {
          key: k.bachMai,
          body: { outcome: "denied", reason: "x" },
        })
      ).status,
    ).toBe(403);
    expect(
      (await t.call("POST", "/v1/claims/01001/BM1/decision", { body: { outcome: "maybe", reason: "x" } })).status,
    ).toBe(422);
    expect(await t.db.prisma.claim.count({ where: { status: { in: ["approved", "denied"] } } })).toBe(0);
  });

  it("a decided claim can no longer be corrected by a resend", async () => {
    const k = await story(t);
    await t.json("POST", "/v1/claims/01001/BM1/decision", { body: { outcome: "denied", reason: "x" } });
    const res = await t.json("POST", "/v1/batches", {
      key: k.bachMai,
      body: {
        batchId: "late-fix",
        claims: [claim({ claimId: "BM1", amounts: { total: "1", insurance: "1", patient: "0" } }, 1)],
      },
    });
    expect(res.body.claims[0]).toMatchObject({ outcome: "rejected" });
    expect(res.body.errors[0]).toMatchObject({ path: "claims[0].claimId", code: "claim_already_decided" });
  });
});
