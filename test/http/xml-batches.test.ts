import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { Problem } from "../../src/http/problem.ts";
import {
  amountsOf,
  type EpisodeSpec,
  type FixtureOptions,
  fixtureEnvelope,
  fixtureSpecs,
} from "../../src/demo/xml-envelope.ts";
import { importXml } from "../../src/xml/import.ts";
import { damagedEnvelopes, envelopeOf, fixture, fixtureBytes, withFields } from "../fixtures/xml/index.ts";
import { fingerprint } from "../support/fingerprint.ts";
import { START, seedReference, type TestContext, useTestApp } from "../support/harness.ts";

const t = useTestApp();
const XML = { "content-type": "application/xml" };
const HOUR = 3_600_000;
const start = new Date(START);

/**
 * Five episodes whose kind the test decides, each discharged a few hours
 * before the clock (not late): what the rules then require is worked out by
 * hand beside each one.
 */
const KINDS: ((spec: EpisodeSpec) => Partial<EpisodeSpec>)[] = [
  // 0: an outpatient visit: nothing needed -> accepted.
  () => ({
    kind: "01",
    procedures: [],
    referredFrom: "",
    referralPaper: "",
    outcome: "1",
    xml7: false,
    xml13: false,
    doiTuong: "1",
  }),
  // 1: an inpatient stay with its discharge paper (XML7) -> accepted.
  () => ({
    kind: "03",
    procedures: [],
    referredFrom: "",
    referralPaper: "",
    outcome: "2",
    xml7: true,
    xml13: false,
    doiTuong: "1",
  }),
  // 2: an inpatient stay with surgery, no XML7 -> pending: discharge_paper, surgery_certificate.
  () => ({
    kind: "03",
    procedures: ["47.09"],
    referredFrom: "",
    referralPaper: "",
    outcome: "1",
    xml7: false,
    xml13: false,
    doiTuong: "1",
  }),
  // 3: an outpatient visit referred from another facility: the paper's number (GIAY_CHUYEN_TUYEN) is its
  // referral paper, which travels as the sender's XML13 -> accepted.
  () => ({
    kind: "01",
    procedures: [],
    referredFrom: "01002",
    referralPaper: "88/GCT",
    outcome: "1",
    xml7: false,
    xml13: false,
    doiTuong: "1",
  }),
  // 4: died in hospital, discharge paper present -> pending: death_certificate.
  () => ({
    kind: "03",
    procedures: [],
    referredFrom: "",
    referralPaper: "",
    outcome: "5",
    xml7: true,
    xml13: false,
    doiTuong: "1",
  }),
];

function options(seed: number, extra: Partial<FixtureOptions> = {}): FixtureOptions {
  return {
    seed,
    facility: "01001",
    episodes: KINDS.length,
    dischargedBefore: start,
    prefix: "LKS",
    override: (i, spec) => {
      const discharged = new Date(start.getTime() - (i + 2) * HOUR);
      return {
        ...KINDS[i]!(spec),
        discharged,
        admitted: new Date(discharged.getTime() - (spec.kind === "01" ? 2 : 50) * HOUR),
        cards: [spec.cards.at(-1)!.slice(0, 3) + "01" + spec.cards.at(-1)!.slice(5)],
      };
    },
    ...extra,
  };
}

const specsOf = (o: FixtureOptions) => [...fixtureSpecs(o)];
const sha256 = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");

async function setup(ctx: TestContext) {
  await seedReference(ctx);
  return {
    facility: await ctx.key("facility", "01001"),
    other: await ctx.key("facility", "79001"),
    province: await ctx.key("province", "01"),
  };
}

async function spent(ctx: TestContext) {
  const rows = await ctx.db.prisma.$queryRawUnsafe<{ spent: string; pending: string }[]>(
    "SELECT spent::text AS spent, pending_amount::text AS pending FROM spending WHERE province_code = '01' AND year " +
      "= 2026",
  );
  return rows[0] ?? { spent: "0", pending: "0" };
}

const post = (ctx: TestContext, key: string, body: string, query = "", headers: Record<string, string> = XML) =>
  ctx.json("POST", `/v1/batches/xml${query}`, { key, body, headers });

describe("POST /v1/batches/xml", () => {
  it("stores each episode as a claim with the documents, status and spending the rules give", async () => {
    const { facility } = await setup(t);
    const o = options(11);
    const body = fixtureEnvelope(o);
    const res = await post(t, facility, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      batchId: `xml-${sha256(body)}`,
      facilityCode: "01001",
      received: 5,
      accepted: 3,
      pendingDocumentation: 2,
      rejected: 0,
      corrected: 0,
      unchanged: 0,
      errors: [],
    });
    expect(res.body.claims).toEqual([
      { index: 0, claimId: "LKS11-0", status: "accepted", outcome: "created" },
      { index: 1, claimId: "LKS11-1", status: "accepted", outcome: "created" },
      {
        index: 2,
        claimId: "LKS11-2",
        status: "pending_documentation",
        outcome: "created",
        missingDocuments: ["discharge_paper", "surgery_certificate"],
      },
      { index: 3, claimId: "LKS11-3", status: "accepted", outcome: "created" },
      {
        index: 4,
        claimId: "LKS11-4",
        status: "pending_documentation",
        outcome: "created",
        missingDocuments: ["death_certificate"],
      },
    ]);
    expect(res.body.chunks).toEqual([{ batchId: res.body.batchId, received: 5, replayed: false }]);

    // The claim as stored: the summary's amounts, the discharge paper of XML7 by its number.
    const specs = specsOf(o);
    const stay = await t.json("GET", "/v1/claims/01001/LKS11-1");
    expect(stay.status).toBe(200);
    const a = amountsOf(specs[1]!);
    expect(stay.body).toMatchObject({
      status: "accepted",
      amounts: {
        total: String(a.T_TONGCHI_BV),
        insurance: String(a.T_BHTT),
        patient: String(a.T_BNCCT + a.T_BNTT),
        other: String(a.T_NGUONKHAC),
      },
      documents: [expect.objectContaining({ type: "discharge_paper", reference: "LT-LKS11-1" })],
    });
    // Spending: the fund's part (T_BHTT) of every claim, the pending ones' part also as pending.
    const fund = (i: number) => amountsOf(specs[i]!).T_BHTT;
    const s = await spent(t);
    expect(Number(s.spent)).toBe([0, 1, 2, 3, 4].reduce((n, i) => n + fund(i), 0));
    expect(Number(s.pending)).toBe(fund(2) + fund(4));
    const referred = await t.json("GET", "/v1/claims/01001/LKS11-3");
    expect(referred.body.documents).toEqual([expect.objectContaining({ type: "referral_paper", reference: "88/GCT" })]);
  });

  it(
    "answers the same file again with its first response (200), and other content under its batchId with 409; " +
      "neither changes anything",
    async () => {
      const { facility } = await setup(t);
      const body = fixtureEnvelope(options(12));
      const first = await post(t, facility, body, "?batchId=BV-2026-06");
      expect(first.status).toBe(201);
      expect(first.body.batchId).toBe("BV-2026-06");
      const before = await fingerprint(t.db);

      const again = await post(t, facility, body, "?batchId=BV-2026-06");
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ ...first.body, chunks: [{ ...first.body.chunks[0], replayed: true }] });
      const other = await post(t, facility, fixtureEnvelope(options(13)), "?batchId=BV-2026-06");
      expect(other.status).toBe(409);
      expect(other.body.code).toBe("batch_conflict");
      expect(await fingerprint(t.db)).toEqual(before);

      // The chunk is an ordinary batch of the facility.
      const stored = await t.json("GET", "/v1/batches/BV-2026-06", { key: facility });
      expect(stored.status).toBe(200);
      expect(stored.body.received).toBe(5);
    },
  );

  it("names the episode, the table and the field of each error, and stores the valid episodes", async () => {
    const { facility } = await setup(t);
    const future = new Date(start.getTime() + 30 * HOUR);
    const vn = (d: Date) => new Date(d.getTime() + 7 * HOUR).toISOString().replace(/\D/g, "").slice(0, 12);
    const body = fixtureEnvelope(
      options(14, {
        xml1: (i) =>
          (
            [
              {},
              { NGAY_RA: "202613011200" },
              { T_TONGCHI_BV: "1" },
              { MA_CSKCB: "79001", MA_THE_BHYT: "DN40101234" },
              { NGAY_RA: vn(future) },
            ] as Record<string, string>[]
          )[i]!,
      }),
    );
    const res = await post(t, facility, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ received: 5, accepted: 1, rejected: 4 });
    expect(res.body.errors).toEqual([
      {
        index: 1,
        claimId: "LKS14-1",
        path: "HOSO[1].XML1.NGAY_RA",
        code: "invalid_format",
        message: "must be a time of 12 digits yyyymmddHHMM (Vietnam time)",
      },
      {
        index: 2,
        claimId: "LKS14-2",
        path: "HOSO[2].XML1.T_TONGCHI_BV",
        code: "amounts_do_not_add_up",
        message: "T_TONGCHI_BV must equal T_BHTT + T_BNCCT + T_BNTT + T_NGUONKHAC exactly",
      },
      // Translating stops at the wrong facility: the card is not looked at.
      {
        index: 3,
        claimId: "LKS14-3",
        path: "HOSO[3].XML1.MA_CSKCB",
        code: "facility_mismatch",
        message: expect.any(String),
      },
      {
        index: 4,
        claimId: "LKS14-4",
        path: "HOSO[4].XML1.NGAY_RA",
        code: "discharge_in_future",
        message: "NGAY_RA is in the future",
      },
    ]);
    expect(res.body.claims.map((c: any) => [c.index, c.outcome])).toEqual([
      [0, "created"],
      [1, "rejected"],
      [2, "rejected"],
      [3, "rejected"],
      [4, "rejected"],
    ]);
    expect((await t.json("GET", "/v1/claims/01001/LKS14-0")).status).toBe(200);
    expect((await t.json("GET", "/v1/claims/01001/LKS14-2")).status).toBe(404);
  });

  it("refuses a second episode with the same MA_LK in one file", async () => {
    const { facility } = await setup(t);
    const res = await post(
      t,
      facility,
      fixtureEnvelope(options(15, { xml1: (i) => (i === 3 ? { MA_LK: "LKS15-1" } : {}) })),
    );
    expect(res.body.errors).toEqual([
      expect.objectContaining({ index: 3, claimId: "LKS15-1", path: "HOSO[3].XML1.MA_LK", code: "duplicate_in_batch" }),
    ]);
  });

  it("refuses (403) an envelope of another facility than the key's or the one named, storing nothing", async () => {
    const { facility, other } = await setup(t);
    const body = fixtureEnvelope(options(16));
    const before = await fingerprint(t.db);
    const res = await post(t, other, body);
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect((await post(t, facility, body, "?facility=79001")).status).toBe(403);
    expect((await t.json("POST", "/v1/batches/xml?facility=79001", { body, headers: XML })).status).toBe(403);
    expect(await fingerprint(t.db)).toEqual(before);
    // A central key may name the facility, or leave it to the envelope.
    expect((await t.json("POST", "/v1/batches/xml", { body, headers: XML })).status).toBe(201);
    expect((await t.json("POST", "/v1/batches/xml?facility=01001", { body, headers: XML })).status).toBe(200);
  });

  it("stores a legacy 4210 summary like a 130 one", async () => {
    const { facility } = await setup(t);
    const res = await post(t, facility, envelopeOf("01001", [[["XML1", fixture("tong-hop-4210.xml")]]]));
    expect(res.status).toBe(201);
    // The card was issued in 79, the facility is in 01.
    expect(res.body.claims).toEqual([
      { index: 0, claimId: "LK4210A", status: "accepted", outcome: "created", flags: ["out_of_province"] },
    ]);
    const claim = await t.json("GET", "/v1/claims/01001/LK4210A");
    expect(claim.body).toMatchObject({
      amounts: { total: "420000", insurance: "336000", patient: "84000", other: "0" },
    });
  });

  // Bytes that are not UTF-8 are not XML at all (400, as a body that is not JSON); a readable file the
  // service will not take (a DOCTYPE, too deep, bad base64, a declared encoding other than UTF-8) is 422.
  it.each([
    ["doctype-external-entity.xml", 422, "xml_doctype_forbidden"],
    ["billion-laughs.xml", 422, "xml_doctype_forbidden"],
    ["deep-nesting.xml", 422, "xml_too_deep"],
    ["invalid-base64.xml", 422, "invalid_base64"],
    ["declared-latin1.xml", 422, "xml_encoding"],
    ["not-utf8.xml", 400, "xml_encoding"],
    ["utf16.xml", 400, "xml_encoding"],
  ])("refuses %s with a problem (%i %s) and stores nothing", async (name, status, code) => {
    const { facility } = await setup(t);
    const before = await fingerprint(t.db);
    const res = await t.app.request("/v1/batches/xml", {
      method: "POST",
      headers: { authorization: `Bearer ${facility}`, ...XML },
      body: new Uint8Array(fixtureBytes(name)),
    });
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status, code, errors: [expect.objectContaining({ code })] });
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it(
    "refuses the whole file, storing nothing, when one inner document is hostile, however many good ones come " +
      "first",
    async () => {
      const { facility } = await setup(t);
      const before = await fingerprint(t.db);
      const good = fixture("tong-hop-130.xml");
      const body = envelopeOf("01001", [
        [["XML1", good]],
        [["XML1", withFields(good, { MA_LK: "LK2" })]],
        [["XML1", fixture("tong-hop-doctype.xml")]],
      ]);
      const res = await post(t, facility, body);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        code: "xml_doctype_forbidden",
        errors: [expect.objectContaining({ path: "HOSO[2].XML1" })],
      });
      expect(await fingerprint(t.db)).toEqual(before);
    },
  );

  it("takes application/xml or text/xml in UTF-8, gzip-compressed or not", async () => {
    const { facility } = await setup(t);
    const body = fixtureEnvelope(options(17));
    expect((await post(t, facility, body, "", { "content-type": "application/json" })).status).toBe(415);
    expect((await post(t, facility, body, "", { "content-type": "application/xml; charset=iso-8859-1" })).status).toBe(
      415,
    );
    expect((await post(t, facility, body, "?batchId=" + "x".repeat(91))).status).toBe(422);
    const zipped = await t.app.request("/v1/batches/xml", {
      method: "POST",
      headers: {
        authorization: `Bearer ${facility}`,
        "content-type": "text/xml; charset=utf-8",
        "content-encoding": "gzip",
      },
      body: new Uint8Array(gzipSync(body)),
    });
    expect(zipped.status).toBe(201);
    // The batchId is the hash of the envelope itself, compressed or not: the plain file is a replay.
    const plain = await post(t, facility, body);
    expect(plain.status).toBe(200);
    expect(plain.body.batchId).toBe(((await zipped.json()) as { batchId: string }).batchId);
  });

  it("is in the OpenAPI document", async () => {
    const doc = await t.json("GET", "/openapi.json", { key: null });
    expect(Object.keys(doc.body.paths["/v1/batches/xml"].post.requestBody.content)).toEqual([
      "application/xml",
      "text/xml",
    ]);
    expect(doc.body.paths["/v1/batches/xml"].post.responses["201"]).toBeDefined();
  });
});

describe("a file larger than one chunk", () => {
  it("is stored in chunks whose batchIds come from the file's, and a send that broke off resumes", async () => {
    await setup(t);
    const deps = { db: t.db, clock: t.clock, rules: t.rules, logger: t.logger };
    const body = fixtureEnvelope(options(18));
    const send = (onProgress?: (p: { phase: string; stored: number }) => void) =>
      importXml(deps, {
        caller: null,
        facilityCode: "01001",
        batchId: "BIGFILE",
        body: [Buffer.from(body)],
        chunkSize: 2,
        ...(onProgress ? { onProgress } : {}),
      });

    // 1. The first send breaks off once the first chunk is stored.
    await expect(
      send((p) => {
        if (p.phase === "storing" && p.stored === 2) throw new Problem(503, "database_unavailable", "gone");
      }),
    ).rejects.toThrow("gone");
    const batch = (id: string) => t.json("GET", `/v1/batches/${encodeURIComponent(id)}?facility=01001`);
    expect((await batch("BIGFILE")).status).toBe(200);
    expect((await batch("BIGFILE:2")).status).toBe(404);

    // 2. Sent again, the stored chunk replays and the rest is stored.
    const second = await send();
    expect(second.status).toBe(201);
    expect(second.response.chunks).toEqual([
      { batchId: "BIGFILE", received: 2, replayed: true },
      { batchId: "BIGFILE:2", received: 2, replayed: false },
      { batchId: "BIGFILE:3", received: 1, replayed: false },
    ]);
    expect(second.response).toMatchObject({ batchId: "BIGFILE", received: 5, accepted: 3, pendingDocumentation: 2 });
    expect(second.response.claims.map((c) => c.index)).toEqual([0, 1, 2, 3, 4]);
    expect((await batch("BIGFILE:3")).body.claims).toEqual([expect.objectContaining({ index: 4, claimId: "LKS18-4" })]);

    // 3. Once more: everything replays, nothing changes.
    const before = await fingerprint(t.db);
    const third = await send();
    expect(third.status).toBe(200);
    expect(third.response.chunks.every((c) => c.replayed)).toBe(true);
    expect(third.response.claims).toEqual(second.response.claims);
    expect(await fingerprint(t.db)).toEqual(before);
  });
});

describe("whatever bytes arrive", () => {
  it("never answers 5xx, and a refusal stores nothing", async () => {
    const fc = (await import("fast-check")).default;
    const { facility } = await setup(t);
    const body = Buffer.from(
      envelopeOf("01001", [
        [
          ["XML1", fixture("tong-hop-130.xml")],
          ["XML7", fixture("giay-ra-vien.xml")],
        ],
      ]),
    );
    let state = await fingerprint(t.db);
    const damaged = damagedEnvelopes(body, [
      "<!DOCTYPE x>",
      "&lol;",
      "<X>".repeat(50),
      "\u0000",
      "]]>",
      '<?xml version="1.0"?>',
      "é",
    ]);
    await fc.assert(
      fc.asyncProperty(damaged, async (bytes) => {
        const res = await t.app.request("/v1/batches/xml", {
          method: "POST",
          headers: { authorization: `Bearer ${facility}`, ...XML },
          body: new Uint8Array(bytes),
        });
        const text = await res.text();
        expect(res.status, text.slice(0, 300)).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
          expect(await fingerprint(t.db)).toEqual(state);
        } else state = await fingerprint(t.db);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 40), endOnFailure: true },
    );
  });
});
