import { describe, expect, it } from "vitest";
import { claim } from "../support/claims.ts";
import { fingerprint } from "../support/fingerprint.ts";
import { seedReference, useTestApp } from "../support/harness.ts";

/**
 * Input the fuzzer found answered with a 500: JSON nested deep enough to
 * overflow the stack of the code that hashes it, and text PostgreSQL cannot
 * store (NUL, unpaired surrogates). Each is now a 4xx naming the place.
 */
const t = useTestApp();

describe("input the service cannot safely handle is refused by name", () => {
  it("a claim nested 100,000 levels deep is 422 naming where, and nothing is stored", async () => {
    await seedReference(t);
    const before = await fingerprint(t.db);
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const deepClaim = JSON.stringify(claim()).replace('"documents":[]', `"documents":${deep}`);
    const body = `{"batchId":"DEEP","facilityCode":"01001","claims":[${deepClaim}]}`;
    const res = await t.json("POST", "/v1/batches", { body });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: expect.stringMatching(/^claims\[0\]\.documents(\[0\])+$/), code: "too_deep" }),
    ]);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it("ordinary nesting, emoji and Vietnamese text pass untouched", async () => {
    await seedReference(t);
    const res = await t.json("POST", "/v1/batches", {
      body: {
        batchId: "OK",
        facilityCode: "01001",
        claims: [claim({ patient: { cardNumber: "DN4010000000001", name: "Nguyễn Văn Ánh 😀" } })],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.accepted).toBe(1);
    expect((await t.db.prisma.claim.findFirstOrThrow()).patientName).toBe("Nguyễn Văn Ánh 😀");
  });

  it.each([
    [
      "a NUL in a patient's name",
      {
        batchId: "NUL",
        facilityCode: "01001",
        claims: [claim({ patient: { cardNumber: "DN4010000000001", name: "Nguyen\u0000A" } })],
      },
      "claims[0].patient.name",
    ],
    [
      "an unpaired surrogate in a document reference",
      {
        batchId: "SUR",
        facilityCode: "01001",
        claims: [claim({ documents: [{ type: "discharge_paper", reference: "GRV-\uD800" }] })],
      },
      "claims[0].documents[0].reference",
    ],
    [
      "a NUL in a field name",
      { batchId: "KEY", facilityCode: "01001", claims: [{ ...claim(), ["x\u0000"]: 1 }] },
      "claims[0]",
    ],
  ])("%s is 422 naming the field, and nothing is stored", async (_what, body, path) => {
    await seedReference(t);
    const before = await fingerprint(t.db);
    const res = await t.json("POST", "/v1/batches", { body });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path, code: "invalid_characters" })]);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it("a decision whose reason holds an unpaired surrogate is 422 on reason, and the claim stays undecided", async () => {
    await seedReference(t);
    await t.json("POST", "/v1/batches", { body: { batchId: "B", facilityCode: "01001", claims: [claim()] } });
    const res = await t.json("POST", "/v1/claims/01001/LK000001/decision", {
      body: '{"outcome":"approved","reason":"\\ud800"}',
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: "reason", code: "invalid_characters" })]);
    expect((await t.db.prisma.claim.findFirstOrThrow()).status).toBe("accepted");
  });

  it("a NUL in a path names nothing (404); in a query value it is 422 naming the parameter", async () => {
    expect((await t.json("GET", "/v1/claims/01001/LK%00X")).status).toBe(404);
    const res = await t.json("GET", "/v1/claims?status=%00");
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: "status", code: "invalid_characters" })]);
  });

  it("amounts that each fit but whose totals would not are 422, not 500, and nothing is stored", async () => {
    await seedReference(t);
    // A facility's two 16-digit claims would take the province's spending past numeric(18,2).
    const big = { total: "9999999999999999", insurance: "9999999999999999", patient: "0", other: "0" };
    let before = await fingerprint(t.db);
    const batch = await t.json("POST", "/v1/batches", {
      body: {
        batchId: "HUGE",
        facilityCode: "01001",
        claims: [claim({ amounts: big }, 1), claim({ amounts: big }, 2)],
      },
    });
    expect(batch.status).toBe(422);
    expect(batch.body).toMatchObject({
      code: "amount_out_of_range",
      errors: [expect.objectContaining({ code: "amount_out_of_range" })],
    });
    expect(await fingerprint(t.db)).toEqual(before);

    expect(
      (await t.json("PUT", "/v1/provinces/01/estimates/2026", { body: { amount: "9999999999999999.99" } })).status,
    ).toBe(201);
    before = await fingerprint(t.db);
    const adjustment = await t.json("POST", "/v1/provinces/01/estimates/2026/adjustments", {
      body: { amount: "1", reason: "too much" },
    });
    expect(adjustment.status).toBe(422);
    expect(await fingerprint(t.db)).toEqual(before);
    expect(t.logger.lines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  });
});
