import { COUNTED_AMOUNT } from "../../src/spending/sql.ts";
import { describe, expect, it } from "vitest";
import { claim, claims } from "../support/claims.ts";
import { seedReference, useTestApp, type TestContext } from "../support/harness.ts";

const t = useTestApp();

async function setup(ctx: TestContext) {
  await seedReference(ctx);
  return {
    facility: await ctx.key("facility", "01001"),
    other: await ctx.key("facility", "79001"),
    province: await ctx.key("province", "01"),
  };
}

async function spending(ctx: TestContext, province: string, year: number) {
  const rows = await ctx.db.prisma.$queryRawUnsafe<{ spent: string; pending: string; n: number }[]>(
    "SELECT spent::text AS spent, pending_amount::text AS pending, claim_count AS n FROM spending WHERE " +
      "province_code = $1 AND year = $2",
    province,
    year,
  );
  return rows[0] ?? { spent: "0", pending: "0", n: 0 };
}

/** The invariant: the running total equals the sum over the claims. */
async function sumOverClaims(ctx: TestContext, province: string, year: number) {
  const rows = await ctx.db.prisma.$queryRawUnsafe<{ spent: string | null }[]>(
    `SELECT sum(${COUNTED_AMOUNT})::text AS spent FROM claim c WHERE c.province_code = $1 AND c.year = $2`,
    province,
    year,
  );
  return rows[0]?.spent ?? null;
}

describe("POST /v1/batches", () => {
  it("stores valid claims, rejects bad ones with index, claimId, path and code, and moves spending", async () => {
    const { facility } = await setup(t);
    const bad = claim({ claimId: "BAD1", patient: { cardNumber: "XX" } }, 2);
    const res = await t.json("POST", "/v1/batches", {
      key: facility,
      body: {
        batchId: "B1",
        claims: [
          claim({}, 1),
          bad,
          claim({ claimId: "BAD2", amounts: { total: "100", insurance: "50", patient: "40", other: "0" } }, 3),
        ],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      batchId: "B1",
      facilityCode: "01001",
      received: 3,
      accepted: 1,
      pendingDocumentation: 0,
      rejected: 2,
      corrected: 0,
      unchanged: 0,
    });
    expect(res.body.claims).toEqual([
      { index: 0, claimId: "LK000001", status: "accepted", outcome: "created" },
      { index: 1, claimId: "BAD1", status: null, outcome: "rejected" },
      { index: 2, claimId: "BAD2", status: null, outcome: "rejected" },
    ]);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        index: 1,
        claimId: "BAD1",
        path: "claims[1].patient.cardNumber",
        code: "invalid_format",
      }),
      expect.objectContaining({
        index: 2,
        claimId: "BAD2",
        path: "claims[2].amounts.total",
        code: "amounts_do_not_add_up",
      }),
    ]);
    expect(await spending(t, "01", 2026)).toEqual({ spent: "280000.00", pending: "0.00", n: 1 });
  });

  it("applies every domain check, naming the field", async () => {
    const { facility } = await setup(t);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ patient: { name: "No Id" } }, "patient.cardNumber", "patient_identifier_required"],
      [{ dischargedAt: "2026-06-14T07:00:00+07:00" }, "dischargedAt", "dates_out_of_order"],
      [{ dischargedAt: "2026-06-16T11:00:00+07:00" }, "dischargedAt", "discharge_in_future"],
      [{ dischargedAt: "2026-06-14T11:00:00" }, "dischargedAt", "invalid_format"],
      [{ diagnosis: { primary: "J189" } }, "diagnosis.primary", "invalid_format"],
      [{ visitType: "spa" }, "visitType", "invalid_value"],
      [{ amounts: { total: "1.005", insurance: "1.005", patient: "0" } }, "amounts.total", "invalid_money"],
      [{ amounts: { total: 0.30000000000000004, insurance: 0.3, patient: "0" } }, "amounts.total", "invalid_money"],
      [{ amounts: { total: "-1", insurance: "0", patient: "0" } }, "amounts.total", "invalid_money"],
      [{ documents: [{ type: "selfie", reference: "x" }] }, "documents[0].type", "unknown_document_type"],
      [{ patient: { citizenId: "123" } }, "patient.citizenId", "invalid_format"],
      [{ claimId: undefined }, "claimId", "required"],
      [{ extra: 1 }, "extra", "unknown_field"],
    ];
    const body = { batchId: "checks", claims: cases.map(([o], i) => claim(o, i + 1)) };
    const res = await t.json("POST", "/v1/batches", { key: facility, body });
    expect(res.status).toBe(201);
    expect(res.body.rejected).toBe(cases.length);
    cases.forEach(([, path, code], i) => {
      expect(
        res.body.errors.filter((e: any) => e.index === i),
        `case ${i}`,
      ).toContainEqual(expect.objectContaining({ path: `claims[${i}].${path}`, code }));
    });
    expect(await t.db.prisma.claim.count()).toBe(0);
  });

  it("accepts amounts as numbers with at most two decimals, and decimals exactly", async () => {
    const { facility } = await setup(t);
    const res = await t.json("POST", "/v1/batches", {
      key: facility,
      body: {
        batchId: "num",
        claims: [
          claim({ amounts: { total: 0.3, insurance: 0.1, patient: 0.2, other: 0 } }, 1),
          claim({ amounts: { total: "1234.50", insurance: "1000.25", patient: "234.25" } }, 2),
        ],
      },
    });
    expect(res.body.accepted).toBe(2);
    expect((await spending(t, "01", 2026)).spent).toBe("1000.35");
  });

  it("marks claims that miss required documents as pending, with the list from the rules", async () => {
    const { facility } = await setup(t);
    const res = await t.json("POST", "/v1/batches", {
      key: facility,
      body: {
        batchId: "docs",
        claims: [
          claim({ visitType: "inpatient", referral: true, procedure: true }, 1),
          claim({ visitType: "inpatient", documents: [{ type: "discharge_paper", reference: "GRV-1" }] }, 2),
          claim(
            { visitType: "day_treatment", died: true, documents: [{ type: "discharge_paper", reference: "GRV-2" }] },
            3,
          ),
        ],
      },
    });
    expect(res.body).toMatchObject({ accepted: 1, pendingDocumentation: 2 });
    expect(res.body.claims[0]).toMatchObject({
      status: "pending_documentation",
      missingDocuments: ["discharge_paper", "referral_paper", "surgery_certificate"],
    });
    expect(res.body.claims[1]).toMatchObject({ status: "accepted" });
    expect(res.body.claims[1].missingDocuments).toBeUndefined();
    expect(res.body.claims[2]).toMatchObject({
      status: "pending_documentation",
      missingDocuments: ["death_certificate"],
    });
    expect(await spending(t, "01", 2026)).toEqual({ spent: "840000.00", pending: "560000.00", n: 3 });
  });

  it("flags late submission, out-of-province cards and overlapping stays, without blocking", async () => {
    const { facility } = await setup(t);
    const first = await t.json("POST", "/v1/batches", {
      key: facility,
      body: {
        batchId: "f1",
        claims: [
          claim({ dischargedAt: "2026-06-13T09:00:00+07:00", admittedAt: "2026-06-13T08:00:00+07:00" }, 1),
          claim({ patient: { cardNumber: "HT3791234567890" } }, 2),
          claim(
            {
              claimId: "STAY-A",
              visitType: "inpatient",
              patient: { cardNumber: "DN4019999999999" },
              admittedAt: "2026-06-10T08:00:00+07:00",
              dischargedAt: "2026-06-14T12:00:00+07:00",
              documents: [{ type: "discharge_paper", reference: "a" }],
            },
            3,
          ),
        ],
      },
    });
    expect(first.body.claims.map((c: any) => c.flags)).toEqual([["late_submission"], ["out_of_province"], undefined]);
    const second = await t.json("POST", "/v1/batches", {
      key: facility,
      body: {
        batchId: "f2",
        claims: [
          claim(
            {
              claimId: "STAY-B",
              patient: { cardNumber: "DN4019999999999" },
              admittedAt: "2026-06-12T08:00:00+07:00",
              dischargedAt: "2026-06-12T10:00:00+07:00",
            },
            4,
          ),
          claim(
            {
              claimId: "STAY-C",
              patient: { cardNumber: "DN4019999999999" },
              admittedAt: "2026-06-14T12:00:00+07:00",
              dischargedAt: "2026-06-14T13:00:00+07:00",
            },
            5,
          ),
        ],
      },
    });
    expect(second.body.claims[0].flags).toEqual(["late_submission", "possible_duplicate"]);
    expect(second.body.claims[1].flags).toBeUndefined(); // starts exactly when STAY-A ended
    expect(second.body.accepted).toBe(2);
  });

  it("counts a claim in the Vietnam-time year of its discharge", async () => {
    const { facility } = await setup(t);
    t.clock.set("2027-01-05T00:00:00Z");
    await t.json("POST", "/v1/batches", {
      key: facility,
      body: {
        batchId: "ny",
        claims: [
          claim({ admittedAt: "2026-12-31T10:00:00Z", dischargedAt: "2026-12-31T18:00:00Z" }, 1),
          claim({ admittedAt: "2026-12-31T10:00:00Z", dischargedAt: "2026-12-31T16:59:59Z" }, 2),
        ],
      },
    });
    expect((await spending(t, "01", 2027)).spent).toBe("280000.00");
    expect((await spending(t, "01", 2026)).spent).toBe("280000.00");
  });

  it(
    "corrects a resent claim with other content: spending moves by the difference and history keeps the previous " +
      "version",
    async () => {
      const { facility, central } = { ...(await setup(t)), central: undefined };
      void central;
      await t.json("POST", "/v1/batches", {
        key: facility,
        body: { batchId: "c1", claims: [claim({}, 1), claim({}, 2)] },
      });
      const res = await t.json("POST", "/v1/batches", {
        key: facility,
        body: {
          batchId: "c2",
          claims: [
            claim({ amounts: { total: "500000", insurance: "400000", patient: "100000", other: "0" } }, 1),
            claim({}, 2),
          ],
        },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ corrected: 1, unchanged: 1, accepted: 2 });
      expect(res.body.claims.map((c: any) => c.outcome)).toEqual(["corrected", "unchanged"]);
      expect(await spending(t, "01", 2026)).toEqual({ spent: "680000.00", pending: "0.00", n: 2 });
      const detail = await t.json("GET", "/v1/claims/01001/LK000001", { key: facility });
      expect(detail.body.version).toBe(2);
      expect(detail.body.amounts.insurance).toBe("400000");
      expect(detail.body.history).toEqual([
        expect.objectContaining({
          kind: "version",
          version: 1,
          data: expect.objectContaining({
            version: 1,
            supersededByBatch: "c2",
            amounts: { total: "350000", insurance: "280000", patient: "70000", other: "0" },
          }),
        }),
      ]);
    },
  );

  it("a correction that moves discharge into another year moves the spending with it", async () => {
    const { facility } = await setup(t);
    t.clock.set("2027-01-10T00:00:00Z");
    await t.json("POST", "/v1/batches", {
      key: facility,
      body: {
        batchId: "y1",
        claims: [claim({ admittedAt: "2026-12-30T08:00:00+07:00", dischargedAt: "2026-12-31T08:00:00+07:00" }, 1)],
      },
    });
    await t.json("POST", "/v1/batches", {
      key: facility,
      body: {
        batchId: "y2",
        claims: [claim({ admittedAt: "2026-12-30T08:00:00+07:00", dischargedAt: "2027-01-01T08:00:00+07:00" }, 1)],
      },
    });
    expect(await spending(t, "01", 2026)).toEqual({ spent: "0.00", pending: "0.00", n: 0 });
    expect(await spending(t, "01", 2027)).toEqual({ spent: "280000.00", pending: "0.00", n: 1 });
  });

  it("is idempotent: the same batch again returns the first response with 200, byte for byte, and changes nothing", async () => {
    const { facility } = await setup(t);
    const body = { batchId: "idem", claims: [...claims(2), claim({ patient: { name: "" } }, 3)] };
    const first = await t.call("POST", "/v1/batches", { key: facility, body });
    expect(first.status).toBe(201);
    const firstText = await first.text();
    expect(JSON.parse(firstText).errors).not.toEqual([]);
    // The same content with other key order and spacing is the same batch.
    const again = await t.call("POST", "/v1/batches", {
      key: facility,
      body: JSON.stringify({ claims: body.claims, batchId: "idem" }, null, 2),
    });
    expect(again.status).toBe(200);
    expect(await again.text()).toBe(firstText);
    expect(await t.db.prisma.claim.count()).toBe(2);
    expect((await spending(t, "01", 2026)).spent).toBe("560000.00");
    const stored = await t.call("GET", "/v1/batches/idem", { key: facility });
    expect(await stored.text()).toBe(firstText);
  });

  it("the same batchId with another body is 409 batch_conflict and stores nothing", async () => {
    const { facility } = await setup(t);
    await t.json("POST", "/v1/batches", { key: facility, body: { batchId: "dup", claims: claims(1) } });
    const res = await t.json("POST", "/v1/batches", { key: facility, body: { batchId: "dup", claims: claims(2) } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("batch_conflict");
    expect(await t.db.prisma.claim.count()).toBe(1);
  });

  it("two identical requests at the same moment store the batch once", async () => {
    const { facility } = await setup(t);
    const body = { batchId: "race", claims: claims(20) };
    const [a, b] = await Promise.all([
      t.json("POST", "/v1/batches", { key: facility, body }),
      t.json("POST", "/v1/batches", { key: facility, body }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body).toEqual(b.body);
    expect(await t.db.prisma.claim.count()).toBe(20);
    expect((await spending(t, "01", 2026)).spent).toBe("5600000.00");
  });

  it("keeps the raw batch for replaying a dispute", async () => {
    const { facility } = await setup(t);
    const raw = JSON.stringify({ batchId: "raw", claims: claims(1) });
    await t.call("POST", "/v1/batches", { key: facility, body: raw });
    const batch = await t.db.prisma.batch.findFirstOrThrow({ where: { batchId: "raw" } });
    expect(batch.rawBody).toBe(raw);
  });

  it("answers 400 for malformed JSON, 422 for a bad envelope, 413 over 5,000 claims, 415 for other content types", async () => {
    const { facility } = await setup(t);
    expect((await t.call("POST", "/v1/batches", { key: facility, body: "{not json" })).status).toBe(400);
    const env = await t.json("POST", "/v1/batches", { key: facility, body: { claims: [] } });
    expect(env.status).toBe(422);
    expect(env.body.errors.map((e: any) => e.path)).toEqual(expect.arrayContaining(["batchId", "claims"]));
    const big = await t.json("POST", "/v1/batches", {
      key: facility,
      body: { batchId: "big", claims: Array.from({ length: 5001 }, () => ({})) },
    });
    expect(big.status).toBe(413);
    const xml = await t.call("POST", "/v1/batches", {
      key: facility,
      body: "<x/>",
      headers: { "content-type": "text/xml" },
    });
    expect(xml.status).toBe(415);
    expect(await t.db.prisma.batch.count()).toBe(0);
  });

  it("does what /openapi.json says: these answers refuse the batch whole, while a bad claim is rejected alone", async () => {
    const { facility } = await setup(t);
    const doc = (await t.json("GET", "/openapi.json", { key: null })).body;
    const answers = doc.paths["/v1/batches"].post.responses;
    for (const status of ["400", "409", "413", "415", "422"])
      expect(answers[status].description).toMatch(/^The batch is refused whole, nothing of it stored/);
    expect(answers["201"].description).toMatch(/Each claim is taken or rejected alone/);

    const mixed = await t.json("POST", "/v1/batches", {
      key: facility,
      body: { batchId: "mixed", claims: [claim({ claimId: "GOOD" }), claim({ claimId: "BAD", diagnosisCode: "??" })] },
    });
    expect(mixed.status).toBe(201);
    expect(mixed.body.claims.map((c: any) => [c.claimId, c.outcome])).toEqual([
      ["GOOD", "created"],
      ["BAD", "rejected"],
    ]);
    const conflict = await t.json("POST", "/v1/batches", {
      key: facility,
      body: { batchId: "mixed", claims: [claim()] },
    });
    expect(conflict.status).toBe(409);
    expect(await t.db.prisma.claim.findMany({ select: { claimId: true } })).toEqual([{ claimId: "GOOD" }]);
  });

  it("a facility submits only for itself; central names the facility; a province may not submit", async () => {
    const { facility, province } = await setup(t);
    expect(
      (
        await t.call("POST", "/v1/batches", {
          key: facility,
          body: { batchId: "x", facilityCode: "79001", claims: claims(1) },
        })
      ).status,
    ).toBe(403);
    expect(
      (await t.call("POST", "/v1/batches", { key: province, body: { batchId: "x", claims: claims(1) } })).status,
    ).toBe(403);
    const noFacility = await t.json("POST", "/v1/batches", { body: { batchId: "x", claims: claims(1) } });
    expect(noFacility.status).toBe(422);
    expect(noFacility.body.errors[0].path).toBe("facilityCode");
    const unknown = await t.json("POST", "/v1/batches", {
      body: { batchId: "x", facilityCode: "01999", claims: claims(1) },
    });
    expect(unknown.status).toBe(422);
    const central = await t.json("POST", "/v1/batches", {
      body: { batchId: "x", facilityCode: "79001", claims: claims(1) },
    });
    expect(central.status).toBe(201);
    expect(central.body.facilityCode).toBe("79001");
    expect((await spending(t, "79", 2026)).spent).toBe("280000.00");
  });

  it("GET /v1/batches/{id}: a facility sees its own only; central names the facility", async () => {
    const { facility, other, province } = await setup(t);
    await t.json("POST", "/v1/batches", { key: facility, body: { batchId: "mine", claims: claims(1) } });
    expect((await t.call("GET", "/v1/batches/mine", { key: facility })).status).toBe(200);
    expect((await t.call("GET", "/v1/batches/mine", { key: other })).status).toBe(404);
    expect((await t.call("GET", "/v1/batches/mine?facility=01001", { key: other })).status).toBe(404);
    expect((await t.call("GET", "/v1/batches/mine?facility=01001")).status).toBe(200);
    expect((await t.call("GET", "/v1/batches/mine")).status).toBe(422);
    expect((await t.call("GET", "/v1/batches/mine?facility=01001", { key: province })).status).toBe(403);
  });

  it("keeps the running total equal to the sum over claims after a mix of batches, corrections and decisions", async () => {
    const { facility } = await setup(t);
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let round = 0; round < 8; round++) {
      const batch = Array.from({ length: 15 }, (_, i) => {
        const id = rnd(30) + 1;
        const insurance = (rnd(900) + 1) * 1000;
        const patient = rnd(50) * 500;
        return claim(
          {
            claimId: `R${id}`,
            visitType: rnd(3) === 0 ? "inpatient" : "outpatient",
            patient: { cardNumber: `DN401${String(3000000000 + id)}` },
            amounts: { total: String(insurance + patient), insurance: String(insurance), patient: String(patient) },
          },
          100 + i,
        );
      });
      const seen = new Set<string>();
      await t.json("POST", "/v1/batches", {
        key: facility,
        body: { batchId: `mix-${round}`, claims: batch.filter((c) => !seen.has(c.claimId) && seen.add(c.claimId)) },
      });
      const id = `R${rnd(30) + 1}`;
      const outcome = rnd(2) ? "approved" : "denied";
      await t.call("POST", `/v1/claims/01001/${id}/decision`, {
        body: { outcome, reason: "random", ...(outcome === "approved" ? { approvedAmount: "1000" } : {}) },
      });
    }
    expect((await spending(t, "01", 2026)).spent).toBe(await sumOverClaims(t, "01", 2026));
  });
});
