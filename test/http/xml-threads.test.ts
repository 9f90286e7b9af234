import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerBootstrapKey } from "../../src/keys/service.ts";
import { Problem } from "../../src/http/problem.ts";
import { fixtureEnvelope } from "../../src/demo/xml-envelope.ts";
import { importXml } from "../../src/xml/import.ts";
import { type EpisodeReader, readEpisodesInThread } from "../../src/xml/read.ts";
import { XmlThreads } from "../../src/xml/threads.ts";
import { envelopeOf, fixture, fixtureBytes, withFields } from "../fixtures/xml/index.ts";
import { truncateAll } from "../support/database.ts";
import { fingerprint } from "../support/fingerprint.ts";
import { CENTRAL_KEY, START, seedReference, useTestApp } from "../support/harness.ts";

/**
 * The Node server reads XML envelopes on worker threads (src/node.ts passes
 * src/xml/threads.ts's reader as deps.xmlReader): stored claims, responses and refusals must be exactly
 * those of in-thread reading.
 */
// The app reads with whichever reader is active: the worker threads, or in-thread for comparison.
let active: EpisodeReader = readEpisodesInThread;
const t = useTestApp({ xmlReader: (source, options) => active(source, options) });
const XML = { "content-type": "application/xml" };
const start = new Date(START);

let threads: XmlThreads;
const problems: unknown[] = [];
beforeAll(async () => {
  threads = new XmlThreads({ size: 1, windowBytes: 64 * 1024, onProblem: (m, err) => void problems.push([m, err]) });
  await threads.warm();
  active = threads.read;
});
afterAll(async () => {
  await threads.close();
  expect(problems).toEqual([]);
});

function* chunked(body: string, size: number) {
  const bytes = Buffer.from(body);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** A clean database, the file imported with `reader` (in chunks of 2 episodes), and everything that came of it. */
async function importWith(reader: EpisodeReader, body: string) {
  await truncateAll(t.db);
  const deps = { db: t.db, clock: t.clock, rules: t.rules, logger: t.logger };
  await registerBootstrapKey(deps, CENTRAL_KEY);
  await seedReference(t);
  const answer = await importXml(deps, {
    caller: null,
    facilityCode: "01001",
    batchId: "FILE",
    body: chunked(body, 3000),
    chunkSize: 2,
    reader,
  }).then(
    (ok) => ok,
    (err: unknown) =>
      err instanceof Problem ? { problem: [err.status, err.code, err.detail, err.errors] } : { error: String(err) },
  );
  return { answer, stored: await stored() };
}

/** What a file leaves in the tables it writes, less the moments of writing (database clock). */
async function stored() {
  const out: Record<string, unknown[]> = {};
  for (const table of [
    "batch",
    "claim",
    "claim_document",
    "spending",
    "spending_detail",
    "arrival_triangle",
    "alert",
  ]) {
    const rows = await t.db.prisma.$queryRawUnsafe<{ j: string }[]>(`SELECT to_jsonb(x)::text AS j FROM "${table}" x`);
    out[table] = rows
      .map((r) =>
        JSON.stringify(
          Object.fromEntries(
            Object.entries(JSON.parse(r.j) as Record<string, unknown>).filter(([k]) => !/_at$/.test(k)),
          ),
        ),
      )
      .sort();
  }
  return out;
}

describe("XML files read on worker threads", () => {
  it("are stored exactly as when read in-thread: claims, chunks, spending, errors", async () => {
    const tongHop = fixture("tong-hop-130.xml");
    const bodies = [
      fixtureEnvelope({ seed: 31, facility: "01001", episodes: 7, dischargedBefore: start, days: 2 }),
      envelopeOf("01001", [
        [
          ["XML1", tongHop],
          ["XML7", fixture("giay-ra-vien.xml")],
        ],
        [["XML1", withFields(tongHop, { MA_LK: "LK2", NGAY_RA: "202613011200" })]],
        [["XML1", withFields(tongHop, { MA_LK: "LK3", MA_CSKCB: "79001" })]],
        [["XML1", tongHop]],
        [["XML1", fixture("tong-hop-4210.xml")]],
      ]),
    ];
    for (const body of bodies) {
      const inThread = await importWith(readEpisodesInThread, body);
      expect(inThread.answer).toMatchObject({ status: 201 });
      expect(inThread.stored.claim!.length).toBeGreaterThanOrEqual(2);
      expect(await importWith(threads.read, body)).toEqual(inThread);
    }
  });

  it("refuse a hostile file with the same problem and store nothing, over HTTP", async () => {
    const facility = async () => {
      await seedReference(t);
      return t.key("facility", "01001");
    };
    const key = await facility();
    const good = fixture("tong-hop-130.xml");
    // Not UTF-8 is not XML (400); the others are readable files the service refuses (422).
    const hostile: [Buffer, number][] = [
      ...(
        [
          ["doctype-external-entity.xml", 422],
          ["billion-laughs.xml", 422],
          ["deep-nesting.xml", 422],
          ["invalid-base64.xml", 422],
          ["not-utf8.xml", 400],
          ["utf16.xml", 400],
        ] as const
      ).map(([name, status]): [Buffer, number] => [fixtureBytes(name), status]),
      [
        Buffer.from(
          envelopeOf("01001", [
            [["XML1", good]],
            [["XML1", withFields(good, { MA_LK: "LK2" })]],
            [["XML1", fixture("tong-hop-doctype.xml")]],
          ]),
        ),
        422,
      ],
    ];
    const state = await fingerprint(t.db);
    for (const [bytes, status] of hostile) {
      const send = () =>
        t.app.request("/v1/batches/xml", {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, ...XML },
          body: new Uint8Array(bytes),
        });
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      const body = (await res.json()) as { code: string; errors: unknown[] };
      expect(await fingerprint(t.db)).toEqual(state);
      // The same answer in-thread.
      active = readEpisodesInThread;
      try {
        const again = (await (await send()).json()) as { code: string; errors: unknown[] };
        expect({ code: again.code, errors: again.errors }).toEqual({ code: body.code, errors: body.errors });
      } finally {
        active = threads.read;
      }
    }
  });

  it("are refused for another facility, and taken gzip-compressed, over HTTP", async () => {
    await seedReference(t);
    const other = await t.key("facility", "79001");
    const body = fixtureEnvelope({ seed: 32, facility: "01001", episodes: 3, dischargedBefore: start });
    const state = await fingerprint(t.db);
    const refused = await t.json("POST", "/v1/batches/xml", { key: other, body, headers: XML });
    expect(refused.status).toBe(403);
    expect(await fingerprint(t.db)).toEqual(state);
    const zipped = await t.app.request("/v1/batches/xml", {
      method: "POST",
      headers: { authorization: `Bearer ${CENTRAL_KEY}`, ...XML, "content-encoding": "gzip" },
      body: new Uint8Array(gzipSync(body)),
    });
    expect(zipped.status).toBe(201);
    expect(await zipped.json()).toMatchObject({ facilityCode: "01001", received: 3 });
  });
});
