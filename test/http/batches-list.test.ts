import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fixtureEnvelope } from "../../src/demo/xml-envelope.ts";
import { importXml } from "../../src/xml/import.ts";
import { claim } from "../support/claims.ts";
import { START, seedReference, type TestContext, useTestApp } from "../support/harness.ts";

const t = useTestApp();
const XML = { "content-type": "application/xml" };
const HOUR = 3_600_000;

interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** A batch of `count` valid claims of the key's facility, numbered from `from`, with `bad` invalid ones after them. */
function batchOf(batchId: string, count: number, from: number, bad: Record<string, unknown>[] = []) {
  const good = Array.from({ length: count }, (_, i) =>
    claim({ claimId: `LK${from + i}`, patient: { cardNumber: `DN401${String(3000000000 + from + i)}` } }, from + i),
  );
  return { batchId, claims: [...good, ...bad] };
}

async function send(ctx: TestContext, key: string, body: unknown, status = 201) {
  const res = await ctx.json("POST", "/v1/batches", { key, body });
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

/** Every item of a list, page by page, with the pages' sizes. */
async function everyPage<T>(ctx: TestContext, url: string, key?: string) {
  const items: T[] = [];
  const sizes: number[] = [];
  let next: string | null = null;
  do {
    const sep = url.includes("?") ? "&" : "?";
    const res: { status: number; body: Page<T> } = await ctx.json(
      "GET",
      `${url}${next ? `${sep}cursor=${encodeURIComponent(next)}` : ""}`,
      key === undefined ? {} : { key },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.data);
    sizes.push(res.body.data.length);
    next = res.body.nextCursor;
  } while (next);
  return { items, sizes };
}

const ids = (rows: { batchId: string }[]) => rows.map((row) => row.batchId);
const forged = (key: unknown) => Buffer.from(JSON.stringify(key)).toString("base64url");

async function keys(ctx: TestContext) {
  await seedReference(ctx);
  return {
    bachMai: await ctx.key("facility", "01001"),
    vietDuc: await ctx.key("facility", "01002"),
    choRay: await ctx.key("facility", "79001"),
    haNoi: await ctx.key("province", "01"),
    hcm: await ctx.key("province", "79"),
  };
}

describe("GET /v1/batches", () => {
  it("pages a facility's batches newest first, ties by arrival, with a cursor that never repeats or skips", async () => {
    const { bachMai } = await keys(t);
    for (const n of [1, 2, 3, 4, 5]) {
      await send(t, bachMai, batchOf(`B${n}`, 1, n));
      // B3 and B4 arrive in the same millisecond: the later stored is listed first.
      if (n !== 3) t.clock.advance(60_000);
    }
    const { items, sizes } = await everyPage<{ batchId: string }>(t, "/v1/batches?limit=2", bachMai);
    expect(ids(items)).toEqual(["B5", "B4", "B3", "B2", "B1"]);
    expect(sizes).toEqual([2, 2, 1]);

    // A batch stored while paging is the newest: it never appears on a later page.
    const first = await t.json("GET", "/v1/batches?limit=2", { key: bachMai });
    await send(t, bachMai, batchOf("B6", 1, 6));
    const second = await t.json("GET", `/v1/batches?limit=2&cursor=${first.body.nextCursor}`, { key: bachMai });
    expect(ids(second.body.data)).toEqual(["B3", "B2"]);
  });

  it("shows each batch's counts as its response gave them, without its response", async () => {
    const { bachMai } = await keys(t);
    const first = await send(t, bachMai, batchOf("COUNTS/1", 3, 1, [claim({ claimId: "BAD1", visitType: "x" }, 90)]));
    t.clock.advance(HOUR);
    // LK1 again unchanged, LK2 corrected, LK4 new and pending (an inpatient stay needs its discharge paper).
    const again = batchOf("COUNTS-2", 2, 1);
    again.claims[1]!.amounts = { total: "350000", insurance: "290000", patient: "60000", other: "0" };
    again.claims.push({ ...batchOf("", 1, 4).claims[0]!, visitType: "inpatient" });
    const second = await send(t, bachMai, again);
    expect(second).toMatchObject({ unchanged: 1, corrected: 1, pendingDocumentation: 1 });

    const list = await t.json("GET", "/v1/batches", { key: bachMai });
    const counts = (response: Record<string, unknown>) => ({
      batchId: response.batchId,
      facilityCode: "01001",
      claimCount: response.received,
      accepted: response.accepted,
      pendingDocumentation: response.pendingDocumentation,
      rejected: response.rejected,
      corrected: response.corrected,
      unchanged: response.unchanged,
    });
    expect(list.body.data).toEqual([
      expect.objectContaining({ ...counts(second), receivedAt: "2026-06-15T04:00:00.000Z" }),
      expect.objectContaining({ ...counts(first), receivedAt: "2026-06-15T03:00:00.000Z" }),
    ]);
    expect(list.body.data[1]).toMatchObject({ rejected: 1, accepted: 3, source: "json", file: null });
    expect(list.body.data[1].links).toEqual({
      self: "/v1/batches/COUNTS%2F1?facility=01001",
      rejections: "/v1/batches/COUNTS%2F1/rejections?facility=01001",
    });
    // The links lead where they say, for the facility and for central alike.
    for (const key of [bachMai, undefined]) {
      const options = key === undefined ? {} : { key };
      expect((await t.json("GET", list.body.data[1].links.self, options)).body).toEqual(first);
      const rejections = await t.json("GET", list.body.data[1].links.rejections, options);
      expect(rejections.body.data).toEqual([expect.objectContaining({ batchId: "COUNTS/1", claimId: "BAD1" })]);
    }
  });

  it("lists a replayed batch once", async () => {
    const { bachMai } = await keys(t);
    const body = batchOf("ONCE", 2, 1);
    await send(t, bachMai, body);
    t.clock.advance(HOUR);
    await send(t, bachMai, body, 200);
    await send(t, bachMai, { ...body, claims: [...body.claims] }, 200);
    const list = await t.json("GET", "/v1/batches", { key: bachMai });
    expect(ids(list.body.data)).toEqual(["ONCE"]);
    expect(list.body.data[0].receivedAt).toBe(new Date(START).toISOString());
  });

  it("shows each key its scope: a facility its own, a province its facilities', central all or one facility", async () => {
    const k = await keys(t);
    await send(t, k.bachMai, batchOf("BM", 1, 1));
    await send(t, k.vietDuc, batchOf("VD", 1, 2));
    await send(t, k.choRay, batchOf("CR", 1, 3));
    const listed = async (url: string, key?: string) =>
      ids((await t.json("GET", url, key === undefined ? {} : { key })).body.data);

    expect(await listed("/v1/batches", k.bachMai)).toEqual(["BM"]);
    expect(await listed("/v1/batches", k.choRay)).toEqual(["CR"]);
    // A filter naming another facility matches nothing, as for every list.
    expect(await listed("/v1/batches?facility=79001", k.bachMai)).toEqual([]);
    expect(await listed("/v1/batches", k.haNoi)).toEqual(["VD", "BM"]);
    expect(await listed("/v1/batches?facility=01002", k.haNoi)).toEqual(["VD"]);
    expect(await listed("/v1/batches?facility=79001", k.haNoi)).toEqual([]);
    expect(await listed("/v1/batches", k.hcm)).toEqual(["CR"]);
    expect(await listed("/v1/batches")).toEqual(["CR", "VD", "BM"]);
    expect(await listed("/v1/batches?facility=79001")).toEqual(["CR"]);
  });

  it("shows a province key the batches of the facilities of a province merged into it", async () => {
    const k = await keys(t);
    const merged = { name: "Hà Tây", successorCode: "01", mergedAt: "2025-07-01T00:00:00+07:00" };
    expect((await t.json("PUT", "/v1/provinces/02", { body: merged })).status).toBe(201);
    expect((await t.json("PUT", "/v1/facilities/02001", { body: { name: "Bệnh viện Hà Tây" } })).status).toBe(201);
    const haTay = await t.key("facility", "02001");
    const oldProvince = await t.key("province", "02");
    await send(t, k.bachMai, batchOf("BM", 1, 1));
    await send(t, haTay, batchOf("HT", 1, 2));

    const listed = async (key: string) => ids((await t.json("GET", "/v1/batches", { key })).body.data);
    expect(await listed(k.haNoi)).toEqual(["HT", "BM"]);
    expect(await listed(oldProvince)).toEqual(["HT"]);
    expect(await listed(k.hcm)).toEqual([]);
  });

  it("filters by received day in Vietnam time and by whether a claim was rejected", async () => {
    const { bachMai } = await keys(t);
    // START is 10:00 on 15 June in Hanoi; 14 hours later it is 00:00 on the 16th there (17:00 UTC on the 15th).
    await send(t, bachMai, batchOf("D15", 1, 1));
    t.clock.advance(14 * HOUR - 1);
    await send(t, bachMai, batchOf("D15-LATE", 1, 2, [claim({ claimId: "BAD", visitType: "x" }, 9)]));
    t.clock.advance(1);
    await send(t, bachMai, batchOf("D16", 1, 3));
    t.clock.advance(24 * HOUR);
    await send(t, bachMai, batchOf("D17", 1, 4, [claim({ claimId: "BAD", visitType: "x" }, 9)]));

    const listed = async (query: string) =>
      ids((await t.json("GET", `/v1/batches?${query}`, { key: bachMai })).body.data);
    expect(await listed("from=2026-06-16")).toEqual(["D17", "D16"]);
    expect(await listed("to=2026-06-15")).toEqual(["D15-LATE", "D15"]);
    expect(await listed("from=2026-06-16&to=2026-06-16")).toEqual(["D16"]);
    expect(await listed("from=2026-06-18")).toEqual([]);
    expect(await listed("hasRejections=true")).toEqual(["D17", "D15-LATE"]);
    expect(await listed("hasRejections=false")).toEqual(["D16", "D15"]);
    expect(await listed("hasRejections=true&to=2026-06-16&facility=01001")).toEqual(["D15-LATE"]);
    // Paging keeps the filters.
    const { items, sizes } = await everyPage<{ batchId: string }>(t, "/v1/batches?limit=1&from=2026-06-15", bachMai);
    expect(ids(items)).toEqual(["D17", "D16", "D15-LATE", "D15"]);
    expect(sizes).toEqual([1, 1, 1, 1]);
  });

  it("answers a bad parameter with 422 naming it", async () => {
    const { bachMai } = await keys(t);
    const cases: [string, string, string][] = [
      ["hasRejections=maybe", "hasRejections", "invalid_value"],
      ["from=2026-13-01", "from", "invalid_format"],
      ["to=15/06/2026", "to", "invalid_format"],
      ["from=2026-06-16&to=2026-06-15", "to", "out_of_range"],
      ["from=2026-02-29", "from", "invalid_format"],
      ["from=0000-01-01", "from", "out_of_range"],
      ["to=9999-12-31", "to", "out_of_range"],
      ["facility=1001", "facility", ""],
      ["limit=0", "limit", ""],
      ["limit=501", "limit", ""],
      ["cursor=bm90IGEgY3Vyc29y", "cursor", "invalid_cursor"],
      [`cursor=${forged(["2026-06-15T03:00:00.000Z", "x"])}`, "cursor", "invalid_cursor"],
      [`cursor=${forged(["0000-01-01T00:00:00.000Z", "1"])}`, "cursor", "invalid_cursor"],
      [`cursor=${forged(["2026-06-15T03:00:00.000Z", "9999999999999999999"])}`, "cursor", "invalid_cursor"],
    ];
    for (const [query, path, code] of cases) {
      const res = await t.json("GET", `/v1/batches?${query}`, { key: bachMai });
      expect(res.status, query).toBe(422);
      expect(res.body.errors?.[0]?.path, query).toBe(path);
      if (code) expect(res.body.errors[0].code, query).toBe(code);
    }
  });
});

describe("GET /v1/batches/{batchId}/rejections", () => {
  const rejectionsOf = (response: { batchId: string; errors: Record<string, unknown>[] }) =>
    response.errors.map((error) => ({ claimId: null, ...error, batchId: response.batchId }));

  it("lists why each claim of a JSON batch was rejected, by path, a page at a time", async () => {
    const { bachMai } = await keys(t);
    const bad = [
      claim({ claimId: "BAD1", visitType: "x", extra: 1 }, 91),
      claim({ claimId: "BAD2", amounts: { total: "1", insurance: "2", patient: "0" } }, 92),
      { patient: {} },
      claim({ claimId: "LK1" }, 93),
    ];
    const response = await send(t, bachMai, batchOf("REJ", 2, 1, bad));
    expect(response.rejected).toBe(4);
    const expected = rejectionsOf(response);
    expect(expected.length).toBeGreaterThan(4);
    expect(expected).toContainEqual(
      expect.objectContaining({ index: 3, claimId: "BAD2", path: "claims[3].amounts.total", batchId: "REJ" }),
    );
    expect(expected).toContainEqual(
      expect.objectContaining({ index: 5, claimId: "LK1", code: "duplicate_in_batch", path: "claims[5].claimId" }),
    );

    const whole = await t.json("GET", "/v1/batches/REJ/rejections", { key: bachMai });
    expect(whole.body).toEqual({ data: expected, nextCursor: null });
    const { items, sizes } = await everyPage(t, "/v1/batches/REJ/rejections?limit=2", bachMai);
    expect(items).toEqual(expected);
    expect(sizes.slice(0, -1).every((size) => size === 2)).toBe(true);
    // Central names the facility.
    expect((await t.json("GET", "/v1/batches/REJ/rejections?facility=01001")).body.data).toEqual(expected);
  });

  it("is an empty list for a batch without rejections", async () => {
    const { bachMai } = await keys(t);
    await send(t, bachMai, batchOf("CLEAN", 2, 1));
    const res = await t.json("GET", "/v1/batches/CLEAN/rejections", { key: bachMai });
    expect(res.body).toEqual({ data: [], nextCursor: null });
  });

  it("is 404 for another facility's batch, 403 for a province key, 422 for central without a facility", async () => {
    const k = await keys(t);
    await send(t, k.bachMai, batchOf("MINE", 1, 1, [claim({ claimId: "BAD", visitType: "x" }, 9)]));
    const get = (url: string, key?: string) => t.json("GET", url, key === undefined ? {} : { key });
    expect((await get("/v1/batches/MINE/rejections", k.choRay)).status).toBe(404);
    expect((await get("/v1/batches/MINE/rejections?facility=01001", k.vietDuc)).status).toBe(404);
    expect((await get("/v1/batches/MINE/rejections?facility=01002")).status).toBe(404);
    expect((await get("/v1/batches/NONE/rejections", k.bachMai)).status).toBe(404);
    expect((await get("/v1/batches/MINE/rejections?facility=01001", k.haNoi)).status).toBe(403);
    const central = await get("/v1/batches/MINE/rejections");
    expect(central.status).toBe(422);
    expect(central.body.errors).toEqual([expect.objectContaining({ path: "facility", code: "required" })]);
    const cursor = await get("/v1/batches/MINE/rejections?cursor=WzAsMF0", k.bachMai);
    expect(cursor.status).toBe(422);
    expect(cursor.body.errors).toEqual([expect.objectContaining({ path: "cursor", code: "invalid_cursor" })]);
  });

  it("names the episode and the field of an XML file", async () => {
    const { bachMai } = await keys(t);
    const body = fixtureEnvelope({
      seed: 3,
      facility: "01001",
      episodes: 3,
      dischargedBefore: new Date(START),
      days: 1,
      prefix: "LKX",
      xml1: (i) => (i === 1 ? { NGAY_RA: "202613011200" } : {}),
    });
    const res = await t.json("POST", "/v1/batches/xml?batchId=FILE-1", { key: bachMai, body, headers: XML });
    expect(res.status).toBe(201);
    expect(res.body.errors).toContainEqual(
      expect.objectContaining({ index: 1, path: "HOSO[1].XML1.NGAY_RA", code: "invalid_format" }),
    );
    const rejections = await t.json("GET", "/v1/batches/FILE-1/rejections", { key: bachMai });
    expect(rejections.body.data).toEqual(rejectionsOf(res.body));

    const list = await t.json("GET", "/v1/batches", { key: bachMai });
    expect(list.body.data).toEqual([
      expect.objectContaining({
        batchId: "FILE-1",
        source: "xml",
        file: { batchId: "FILE-1", chunk: 1, chunks: 1 },
        claimCount: 3,
        rejected: res.body.rejected,
        accepted: res.body.accepted,
      }),
    ]);
    // Sent again, the file replays and is still listed once.
    expect((await t.json("POST", "/v1/batches/xml?batchId=FILE-1", { key: bachMai, body, headers: XML })).status).toBe(
      200,
    );
    expect(ids((await t.json("GET", "/v1/batches", { key: bachMai })).body.data)).toEqual(["FILE-1"]);
  });

  it("lists every chunk's rejections under an XML file's batchId, and one chunk's under the chunk's", async () => {
    await keys(t);
    const deps = { db: t.db, clock: t.clock, rules: t.rules, logger: t.logger };
    const body = fixtureEnvelope({
      seed: 4,
      facility: "01001",
      episodes: 5,
      dischargedBefore: new Date(START),
      days: 1,
      prefix: "LKC",
      // Episodes 0 and 1 are the first chunk, 4 the third.
      xml1: (i) => (i === 1 || i === 4 ? { NGAY_RA: "202613011200" } : i === 0 ? { MA_CSKCB: "79001" } : {}),
    });
    const { response } = await importXml(deps, {
      caller: null,
      facilityCode: "01001",
      batchId: "BIG",
      body: [Buffer.from(body)],
      chunkSize: 2,
    });
    expect(response.chunks.map((chunk) => chunk.batchId)).toEqual(["BIG", "BIG:2", "BIG:3"]);
    expect(response.errors.map((error) => error.index)).toEqual([0, 1, 4]);

    const chunkOf = (index: number) => (index < 2 ? "BIG" : index < 4 ? "BIG:2" : "BIG:3");
    const expected = response.errors.map((error) => ({ claimId: null, ...error, batchId: chunkOf(error.index) }));
    const central = await t.json("GET", "/v1/batches/BIG/rejections?facility=01001");
    expect(central.body).toEqual({ data: expected, nextCursor: null });
    const { items, sizes } = await everyPage(t, "/v1/batches/BIG/rejections?limit=1&facility=01001");
    expect(items).toEqual(expected);
    expect(sizes).toEqual([1, 1, 1]);
    const third = await t.json("GET", `/v1/batches/${encodeURIComponent("BIG:3")}/rejections?facility=01001`);
    expect(third.body.data).toEqual([expect.objectContaining({ index: 4, batchId: "BIG:3" })]);

    const list = await t.json("GET", "/v1/batches");
    expect(list.body.data.map((row: any) => [row.batchId, row.file, row.claimCount, row.rejected])).toEqual([
      ["BIG:3", { batchId: "BIG", chunk: 3, chunks: 3 }, 1, 1],
      ["BIG:2", { batchId: "BIG", chunk: 2, chunks: 3 }, 2, 0],
      ["BIG", { batchId: "BIG", chunk: 1, chunks: 3 }, 2, 2],
    ]);
    expect(list.body.data[0].links.rejections).toBe("/v1/batches/BIG%3A3/rejections?facility=01001");
  });
});

describe("the migration that added the counts (20261209010000_batch_list)", () => {
  it("reads from a stored batch's response and raw body what the batch path now writes beside them", async () => {
    const { bachMai } = await keys(t);
    await send(t, bachMai, batchOf("JSON/1", 3, 1, [claim({ claimId: "BAD", visitType: "x" }, 9)]));
    const deps = { db: t.db, clock: t.clock, rules: t.rules, logger: t.logger };
    const body = fixtureEnvelope({ seed: 5, facility: "01001", episodes: 3, dischargedBefore: new Date(START) });
    await importXml(deps, {
      caller: null,
      facilityCode: "01001",
      batchId: "F/1",
      body: [Buffer.from(body)],
      chunkSize: 2,
    });
    const columns = `SELECT batch_id, accepted_count, pending_documentation_count, rejected_count, corrected_count,
      unchanged_count, xml_chunk, xml_chunks FROM batch ORDER BY id`;
    const written = await t.db.sql.query(columns);
    expect(written.map((row) => [row.batch_id, row.xml_chunk, row.xml_chunks])).toEqual([
      ["JSON/1", null, null],
      ["F/1", 1, 2],
      ["F/1:2", 2, 2],
    ]);

    const migration = readFileSync(
      new URL("../../prisma/migrations/20261209010000_batch_list/migration.sql", import.meta.url),
      "utf8",
    );
    const start = migration.indexOf('UPDATE "batch"');
    const backfill = migration.slice(start, migration.indexOf(";", start));
    await t.db.sql.query(
      `UPDATE batch SET accepted_count = -1, pending_documentation_count = -1, rejected_count = -1,
         corrected_count = -1, unchanged_count = -1, xml_chunk = NULL, xml_chunks = NULL`,
    );
    await t.db.sql.query(backfill);
    expect(await t.db.sql.query(columns)).toEqual(written);
  });
});
