import { describe, expect, it } from "vitest";
import { claim } from "../support/claims.ts";
import { seedReference, useTestApp, type TestContext } from "../support/harness.ts";

const t = useTestApp();

async function setup(ctx: TestContext) {
  await seedReference(ctx);
  return {
    facility: await ctx.key("facility", "01001"),
    sibling: await ctx.key("facility", "01002"),
    other: await ctx.key("facility", "79001"),
    province: await ctx.key("province", "01"),
  };
}

async function submit(ctx: TestContext, key: string, batchId: string, claims: Record<string, unknown>[]) {
  const res = await ctx.json("POST", "/v1/batches", { key, body: { batchId, claims } });
  if (res.status !== 201) throw new Error(`batch refused: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Spending of Hà Nội 2026 as the API shows it. */
async function usage01(ctx: TestContext) {
  const res = await ctx.json("GET", "/v1/provinces/01/usage?year=2026");
  return { spent: res.body.spent as string, pending: res.body.pendingDocumentationAmount as string };
}

const post = (ctx: TestContext, claimId: string, documents: unknown[], key?: string) =>
  ctx.json("POST", `/v1/claims/01001/${claimId}/documents`, { ...(key ? { key } : {}), body: { documents } });

// An inpatient referred claim needs discharge_paper and referral_paper (default rules).
const referredStay = (n: number, insurance = "250000.50") =>
  claim(
    { visitType: "inpatient", referral: true, amounts: { total: insurance, insurance, patient: "0", other: "0" } },
    n,
  );

describe("POST /v1/claims/{facilityCode}/{claimId}/documents", () => {
  it(
    "First the facility sends a stay without papers; then each paper; when the last arrives the claim is accepted " +
      "and leaves the pending amount",
    async () => {
      const { facility } = await setup(t);
      const sent = await submit(t, facility, "b1", [referredStay(1), claim({}, 2)]);
      expect(sent.claims[0]).toMatchObject({
        status: "pending_documentation",
        missingDocuments: ["discharge_paper", "referral_paper"],
      });
      expect(await usage01(t)).toEqual({ spent: "530000.50", pending: "250000.50" });

      // Second, the discharge paper: still pending, one paper missing, nothing moves.
      t.clock.advance(3_600_000);
      const half = await post(t, "LK000001", [{ type: "discharge_paper", reference: "GRV-1" }], facility);
      expect(half.status).toBe(200);
      expect(half.body).toMatchObject({
        status: "pending_documentation",
        missingDocuments: ["referral_paper"],
        pendingSince: "2026-06-15T03:00:00.000Z",
      });
      expect(await usage01(t)).toEqual({ spent: "530000.50", pending: "250000.50" });

      // Third, the referral paper with the time it was received: accepted, out of the pending amount, spent unchanged.
      t.clock.advance(3_600_000);
      const done = await post(
        t,
        "LK000001",
        [{ type: "referral_paper", reference: "CT-9", receivedAt: "2026-06-15T09:30:00+07:00" }],
        facility,
      );
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({
        status: "accepted",
        missingDocuments: [],
        pendingSince: null,
        stuck: false,
        stuckAt: null,
        updatedAt: "2026-06-15T05:00:00.000Z",
      });
      expect(done.body.documents).toEqual([
        { type: "discharge_paper", reference: "GRV-1", receivedAt: "2026-06-15T04:00:00.000Z" },
        { type: "referral_paper", reference: "CT-9", receivedAt: "2026-06-15T02:30:00.000Z" },
      ]);
      expect(await usage01(t)).toEqual({ spent: "530000.50", pending: "0" });
      expect((await t.json("GET", "/v1/claims/01001/LK000001", { key: facility })).body).toEqual(done.body);

      // The change is audited with who did it.
      const audits = await t.db.prisma.auditLog.findMany({
        where: { action: "claim.documents" },
        orderBy: { id: "asc" },
      });
      expect(audits.map((a) => [a.entityId, a.actorRole, (a.before as any).status, (a.after as any).status])).toEqual([
        ["01001/LK000001", "facility", "pending_documentation", "pending_documentation"],
        ["01001/LK000001", "facility", "pending_documentation", "accepted"],
      ]);
    },
  );

  it("a complete claim can then be approved, which a pending one could not", async () => {
    const { facility } = await setup(t);
    await submit(t, facility, "b1", [
      claim({ visitType: "inpatient", amounts: { total: "100000", insurance: "100000", patient: "0" } }, 1),
    ]);
    expect(
      (await t.json("POST", "/v1/claims/01001/LK000001/decision", { body: { outcome: "approved", reason: "ok" } }))
        .status,
    ).toBe(409);
    await post(t, "LK000001", [{ type: "discharge_paper", reference: "GRV-1" }], facility);
    const decided = await t.json("POST", "/v1/claims/01001/LK000001/decision", {
      body: { outcome: "approved", approvedAmount: "90000", reason: "ok" },
    });
    expect(decided.status).toBe(200);
    expect(await usage01(t)).toEqual({ spent: "90000", pending: "0" });
  });

  it("sending a document again records nothing new; the same document twice in one request is recorded once", async () => {
    const { facility } = await setup(t);
    await submit(t, facility, "b1", [referredStay(1)]);
    const first = await post(
      t,
      "LK000001",
      [
        { type: "discharge_paper", reference: "GRV-1" },
        { type: "discharge_paper", reference: "GRV-1", receivedAt: "2026-06-01T00:00:00Z" },
      ],
      facility,
    );
    expect(first.body.documents).toEqual([
      { type: "discharge_paper", reference: "GRV-1", receivedAt: "2026-06-15T03:00:00.000Z" },
    ]);
    t.clock.advance(60_000);
    const again = await post(t, "LK000001", [{ type: "discharge_paper", reference: "GRV-1" }], facility);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    // Another reference of the same type is another document, but it completes nothing new.
    const other = await post(t, "LK000001", [{ type: "discharge_paper", reference: "GRV-2" }], facility);
    expect(other.body.documents.map((d: any) => d.reference)).toEqual(["GRV-1", "GRV-2"]);
    expect(other.body.missingDocuments).toEqual(["referral_paper"]);
    expect(await t.db.prisma.auditLog.count({ where: { action: "claim.documents" } })).toBe(2);
  });

  it("refuses unknown document types with 422 naming each field and listing the allowed types; nothing is recorded", async () => {
    const { facility } = await setup(t);
    await submit(t, facility, "b1", [referredStay(1)]);
    const res = await post(
      t,
      "LK000001",
      [
        { type: "discharge_paper", reference: "GRV-1" },
        { type: "selfie", reference: "x" },
        { type: "x-ray", reference: "y" },
      ],
      facility,
    );
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body.errors).toEqual([
      {
        path: "documents[1].type",
        code: "unknown_document_type",
        message: expect.stringContaining("discharge_paper, referral_paper, surgery_certificate, death_certificate"),
      },
      { path: "documents[2].type", code: "unknown_document_type", message: expect.any(String) },
    ]);
    expect(await t.db.prisma.claimDocument.count()).toBe(0);
  });

  it("refuses a receivedAt in the future or without an offset, an empty list and unknown fields", async () => {
    const { facility } = await setup(t);
    await submit(t, facility, "b1", [referredStay(1)]);
    const cases: [unknown, string, string][] = [
      [
        { documents: [{ type: "discharge_paper", reference: "a", receivedAt: "2026-06-15T03:00:01Z" }] },
        "documents[0].receivedAt",
        "received_in_future",
      ],
      [
        { documents: [{ type: "discharge_paper", reference: "a", receivedAt: "2026-06-15T10:00:00" }] },
        "documents[0].receivedAt",
        "invalid_format",
      ],
      [{ documents: [] }, "documents", "too_small"],
      [{ documents: [{ type: "discharge_paper" }] }, "documents[0].reference", "required"],
      [{ documents: [{ type: "discharge_paper", reference: "a", page: 2 }] }, "documents[0].page", "unknown_field"],
    ];
    for (const [body, path, code] of cases) {
      const res = await t.json("POST", "/v1/claims/01001/LK000001/documents", { key: facility, body });
      expect(res.status, path).toBe(422);
      expect(res.body.errors, path).toContainEqual(expect.objectContaining({ path, code }));
    }
    // Exactly now is not the future.
    expect(
      (
        await post(
          t,
          "LK000001",
          [{ type: "discharge_paper", reference: "a", receivedAt: "2026-06-15T10:00:00+07:00" }],
          facility,
        )
      ).status,
    ).toBe(200);
  });

  it(
    "its facility or central may send documents; another facility gets 404, a province key 403, an unknown claim " +
      "404",
    async () => {
      const { facility, sibling, other, province } = await setup(t);
      await submit(t, facility, "b1", [referredStay(1), referredStay(2)]);
      const doc = [{ type: "discharge_paper", reference: "GRV-1" }];
      expect((await post(t, "LK000001", doc, sibling)).status).toBe(404);
      expect((await post(t, "LK000001", doc, other)).status).toBe(404);
      expect((await post(t, "LK000001", doc, province)).status).toBe(403);
      expect((await post(t, "LK999999", doc, facility)).status).toBe(404);
      expect(await t.db.prisma.claimDocument.count()).toBe(0);
      expect((await post(t, "LK000001", doc, facility)).status).toBe(200);
      const central = await post(t, "LK000002", doc);
      expect(central.status).toBe(200);
      expect(central.body.missingDocuments).toEqual(["referral_paper"]);
      const audit = await t.db.prisma.auditLog.findFirstOrThrow({
        where: { action: "claim.documents", entityId: "01001/LK000002" },
      });
      expect(audit.actorRole).toBe("central");
    },
  );

  it("a decided claim records the documents but keeps its status and spending", async () => {
    const { facility } = await setup(t);
    await submit(t, facility, "b1", [referredStay(1)]);
    expect(
      (await t.json("POST", "/v1/claims/01001/LK000001/decision", { body: { outcome: "denied", reason: "no papers" } }))
        .status,
    ).toBe(200);
    const before = await usage01(t);
    const res = await post(
      t,
      "LK000001",
      [
        { type: "discharge_paper", reference: "GRV-1" },
        { type: "referral_paper", reference: "CT-1" },
      ],
      facility,
    );
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("denied");
    expect(res.body.documents).toHaveLength(2);
    expect(await usage01(t)).toEqual(before);
  });

  it("an accepted claim stays accepted when more documents arrive", async () => {
    const { facility } = await setup(t);
    await submit(t, facility, "b1", [claim({}, 1)]);
    const res = await post(t, "LK000001", [{ type: "death_certificate", reference: "BT-1" }], facility);
    expect(res.body).toMatchObject({ status: "accepted", missingDocuments: [] });
    expect(await usage01(t)).toEqual({ spent: "280000", pending: "0" });
  });

  it("documents sent after the claim count when the claim is later corrected", async () => {
    const { facility } = await setup(t);
    await submit(t, facility, "b1", [claim({ visitType: "inpatient" }, 1)]);
    await post(t, "LK000001", [{ type: "discharge_paper", reference: "GRV-1" }], facility);
    const corrected = await submit(t, facility, "b2", [
      claim({ visitType: "inpatient", amounts: { total: "400000", insurance: "300000", patient: "100000" } }, 1),
    ]);
    expect(corrected.claims[0]).toMatchObject({ outcome: "corrected", status: "accepted" });
    expect(await usage01(t)).toEqual({ spent: "300000", pending: "0" });
  });
});

describe("the discharge paper", () => {
  it("is not asked of a patient who absconded (MA_LOAI_RV 3): none is issued; a referral's paper still is", async () => {
    const { facility } = await setup(t);
    const stay = (n: number, dischargeKind: string) =>
      claim({ claimId: `ABS${n}`, visitType: "inpatient", dischargeKind }, n);
    const sent = await submit(t, facility, "b1", [stay(1, "3"), stay(2, "1"), { ...stay(3, "3"), referral: true }]);
    expect(sent.claims.map((result: any) => [result.status, result.missingDocuments])).toEqual([
      ["accepted", undefined],
      ["pending_documentation", ["discharge_paper"]],
      ["pending_documentation", ["referral_paper"]],
    ]);
    // The referral's paper arrives: what is missing is worked out again, still without the discharge paper.
    const filed = await post(t, "ABS3", [{ type: "referral_paper", reference: "CT-3" }]);
    expect(filed.status).toBe(200);
    expect(filed.body.status).toBe("accepted");
    expect(filed.body.missingDocuments).toEqual([]);
  });
});
