import { Worker } from "node:worker_threads";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Problem } from "../../src/http/problem.ts";
import { fixtureEnvelope } from "../../src/demo/xml-envelope.ts";
import type { MappedEpisode } from "../../src/xml/map.ts";
import { type EpisodeReader, readEpisodesInThread } from "../../src/xml/read.ts";
import { XmlMappingRulesSchema } from "../../src/xml/rules.ts";
import { XmlThreads } from "../../src/xml/threads.ts";
import { damagedEnvelopes, envelopeOf, fixture, fixtureBytes, withFields } from "../fixtures/xml/index.ts";

/**
 * The worker-thread reader (src/xml/threads.ts) against the in-thread one it
 * replaces on the Node server: for good files, hostile ones and damaged bytes,
 * whatever the chunking, the same callbacks in the same order, the same
 * result, or the same refusal.
 */
const rules = XmlMappingRulesSchema.parse({});
const START = new Date("2026-06-15T03:00:00Z");

function* chunked(body: string | Uint8Array, size: number) {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

type Outcome =
  | { events: unknown[]; result: unknown }
  | {
      events: unknown[];
      refused: { name: string; status?: number; code?: string; detail?: string; errors?: unknown; message?: string };
    };

/** Everything a reader tells its caller, in order, and how it ends. */
async function outcome(
  reader: EpisodeReader,
  body: string | Uint8Array,
  size = 64 * 1024,
  extra: { onHeader?: (h: { facilityCode: string }) => void; limits?: object } = {},
): Promise<Outcome> {
  const events: unknown[] = [];
  try {
    const result = await reader(chunked(body, size), {
      rules,
      limits: extra.limits,
      onHeader: (h) => {
        events.push(["header", h]);
        extra.onHeader?.(h);
      },
      onDeclared: (n) => void events.push(["declared", n]),
      onEpisode: (e: MappedEpisode) => void events.push(["episode", e]),
      onBytes: (b) => void events.push(["bytes", b]),
    });
    return { events, result };
  } catch (err) {
    if (err instanceof Problem)
      return {
        events,
        refused: { name: "Problem", status: err.status, code: err.code, detail: err.detail, errors: err.errors },
      };
    const e = err as Error;
    return { events, refused: { name: e.name, message: e.message } };
  }
}

let threads: XmlThreads;
// Any fallback to in-thread reading would make the comparisons below empty: there must be none.
const problems: unknown[] = [];
beforeAll(async () => {
  threads = new XmlThreads({
    size: 2,
    windowBytes: 16 * 1024,
    onProblem: (message, err) => void problems.push([message, err]),
  });
  await threads.warm();
  expect(threads.started).toBe(2);
});
afterAll(async () => {
  expect(problems).toEqual([]);
  await threads.close();
});

describe("reading on worker threads", () => {
  const good = () => fixtureEnvelope({ seed: 21, facility: "01001", episodes: 40, dischargedBefore: START, days: 3 });

  it("hands over the same episodes, in order, with the same result as in-thread, whatever the chunks", async () => {
    const body = good();
    const expected = await outcome(readEpisodesInThread, body);
    expect("result" in expected && expected.events.filter((e) => (e as string[])[0] === "episode")).toHaveLength(40);
    for (const size of [1 << 30, 64 * 1024, 4096, 7])
      expect(await outcome(threads.read, body, size), `chunks of ${size}`).toEqual(
        await outcome(readEpisodesInThread, body, size),
      );
  });

  it("takes a chunk's memory only when told the chunks are its own, and reads the same either way", async () => {
    const body = Buffer.from(good());
    const expected = await outcome(readEpisodesInThread, body);
    const read = async (chunksOwned: boolean) => {
      // Chunks that are each all of their buffer, as a request body's are.
      const chunks = [...chunked(body, 64 * 1024)].map((c) => new Uint8Array(c));
      const events: unknown[] = [];
      const result = await threads.read(chunks, { rules, chunksOwned, onEpisode: (e) => void events.push(e) });
      return { chunks, events, result };
    };
    const kept = await read(false);
    expect(kept.chunks.every((c) => c.byteLength > 0)).toBe(true);
    const taken = await read(true);
    // Transferred to the worker: the caller's views are detached.
    expect(taken.chunks.every((c) => c.byteLength === 0)).toBe(true);
    for (const run of [kept, taken]) {
      expect(run.result).toEqual("result" in expected && expected.result);
      expect(run.events).toEqual(
        expected.events.filter((e) => (e as string[])[0] === "episode").map((e) => (e as unknown[])[1]),
      );
    }
  });

  it("translates errors, duplicates, 4210 and document tables the same way", async () => {
    const tongHop = fixture("tong-hop-130.xml");
    const body = envelopeOf("01001", [
      [
        ["XML1", tongHop],
        ["XML7", fixture("giay-ra-vien.xml")],
      ],
      [["XML1", withFields(tongHop, { NGAY_RA: "202613011200", MA_LK: "LK2" })]],
      [
        ["XML1", fixture("tong-hop-4210.xml")],
        ["XML13", fixture("giay-chuyen-tuyen.xml")],
      ],
      [["XML1", "<TONG_HOP><MA_LK>x</MA_LK>"]],
      [["XML2", "<X/>"]],
    ]);
    const expected = await outcome(readEpisodesInThread, body);
    expect(await outcome(threads.read, body)).toEqual(expected);
    expect(JSON.stringify(expected)).toContain("xml_malformed");
  });

  it.each([
    ["doctype-external-entity.xml", 422],
    ["billion-laughs.xml", 422],
    ["deep-nesting.xml", 422],
    ["invalid-base64.xml", 422],
    ["declared-latin1.xml", 422],
    ["not-utf8.xml", 400],
    ["utf16.xml", 400],
  ])("refuses %s with the same Problem (%i), having handed over the same (no) episodes", async (name, status) => {
    const expected = await outcome(readEpisodesInThread, fixtureBytes(name));
    expect(expected).toMatchObject({ refused: { name: "Problem", status } });
    expect(await outcome(threads.read, fixtureBytes(name))).toEqual(expected);
  });

  it("refuses a hostile inner document after good episodes the same way", async () => {
    const good = fixture("tong-hop-130.xml");
    const body = envelopeOf("01001", [
      [["XML1", good]],
      [["XML1", withFields(good, { MA_LK: "LK2" })]],
      [["XML1", fixture("tong-hop-doctype.xml")]],
    ]);
    const expected = await outcome(readEpisodesInThread, body, 512);
    expect(expected).toMatchObject({ refused: { code: "xml_doctype_forbidden" } });
    expect(await outcome(threads.read, body, 512)).toEqual(expected);
  });

  it("stops at once when the caller refuses the envelope's facility, and keeps the limits", async () => {
    const body = good();
    const refuse = () => {
      throw new Problem(403, "forbidden", "not yours");
    };
    const expected = await outcome(readEpisodesInThread, body, 4096, { onHeader: refuse });
    expect(expected).toMatchObject({ refused: { status: 403 } });
    expect(expected.events.some((e) => (e as string[])[0] === "episode")).toBe(false);
    expect(await outcome(threads.read, body, 4096, { onHeader: refuse })).toEqual(expected);
    const longComment = body.replace("<DANHSACHHOSO>", `<!--${"<b/>".repeat(50_000)}--><DANHSACHHOSO>`);
    for (const [limits, file] of [
      [{ maxBytes: 10_000 }, body],
      [{ maxDepth: 3 }, body],
      [{ maxNodeChars: 4000 }, longComment],
    ] as const) {
      const expected = await outcome(readEpisodesInThread, file, 4096, { limits });
      expect(expected, JSON.stringify(limits)).toMatchObject({ refused: { status: expect.any(Number) } });
      expect(await outcome(threads.read, file, 4096, { limits }), JSON.stringify(limits)).toEqual(expected);
    }
  });

  it("gives damaged bytes the same answer", async () => {
    const fc = (await import("fast-check")).default;
    const body = Buffer.from(
      envelopeOf("01001", [
        [
          ["XML1", fixture("tong-hop-130.xml")],
          ["XML7", fixture("giay-ra-vien.xml")],
        ],
      ]),
    );
    const damaged = damagedEnvelopes(body);
    await fc.assert(
      fc.asyncProperty(damaged, fc.integer({ min: 1, max: 2048 }), async (bytes, size) => {
        expect(await outcome(threads.read, bytes, size)).toEqual(await outcome(readEpisodesInThread, bytes, size));
      }),
      { numRuns: 60 },
    );
  });

  it("reads several files at once, each its own", async () => {
    const bodies = [21, 22, 23, 24, 25].map((seed) =>
      fixtureEnvelope({ seed, facility: "01001", episodes: 15, dischargedBefore: START, prefix: `C${seed}-` }),
    );
    const together = await Promise.all(bodies.map((b) => outcome(threads.read, b, 1000)));
    for (const [i, b] of bodies.entries()) expect(together[i]).toEqual(await outcome(readEpisodesInThread, b, 1000));
  });

  it("passes a source's own failure through (a broken gzip stream, a dropped connection)", async () => {
    const zipped = gzipSync(good());
    const broken = new Blob([zipped.subarray(0, 1000), Buffer.from("not gzip at all")])
      .stream()
      .pipeThrough(new DecompressionStream("gzip"));
    const failing = async function* () {
      yield Buffer.from("<GIAMDINHHS>");
      throw new Error("connection reset");
    };
    await expect(threads.read(failing(), { rules, onEpisode: () => {} })).rejects.toThrow("connection reset");
    await expect(
      threads.read(broken as unknown as AsyncIterable<Uint8Array>, { rules, onEpisode: () => {} }),
    ).rejects.toThrow();
    // The threads still serve.
    expect(await outcome(threads.read, good())).toEqual(await outcome(readEpisodesInThread, good()));
  });
});

describe("when a worker thread cannot help", () => {
  it("reads in-thread when no worker starts", async () => {
    const problems: string[] = [];
    const broken = new XmlThreads({
      size: 1,
      start: () => new Worker("throw new Error('no threads here')", { eval: true }),
      onProblem: (m) => void problems.push(m),
    });
    const body = fixtureEnvelope({ seed: 26, facility: "01001", episodes: 5, dischargedBefore: START });
    expect(await outcome(broken.read, body)).toEqual(await outcome(readEpisodesInThread, body));
    expect(problems).toContain("cannot start an XML worker thread; reading in-thread");
    await broken.close();
  });

  it("fails the files a worker was reading when it dies, and starts a new one for the next", async () => {
    let started = 0;
    // The first worker dies on its first chunk; the ones after are real.
    const dying = new XmlThreads({
      size: 1,
      start: (real) =>
        started++ === 0
          ? new Worker(
              "const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => { if (m.type " +
                "=== 'chunk') process.exit(3); }); parentPort.postMessage({ type: 'ready' });",
              { eval: true },
            )
          : real(),
    });
    const body = fixtureEnvelope({ seed: 27, facility: "01001", episodes: 5, dischargedBefore: START });
    await expect(dying.read(chunked(body, 1024), { rules, onEpisode: () => {} })).rejects.toThrow(/stopped/);
    expect(await outcome(dying.read, body)).toEqual(await outcome(readEpisodesInThread, body));
    expect(started).toBe(2);
    await dying.close();
  });
});

describe("a file past its time limit", () => {
  it("fails with 413 xml_time_limit, and the next file is read on a fresh thread", async () => {
    const told: string[] = [];
    const bounded = new XmlThreads({ size: 1, jobTimeoutMs: 300, onProblem: (message) => void told.push(message) });
    try {
      await bounded.warm();
      const first = bounded.started;
      // A body that starts and never ends, as a stalled upload or a thread stuck on its file would look.
      const stalled = (async function* () {
        yield Buffer.from(envelopeOf("01001", [[["XML1", fixture("tong-hop-130.xml")]]]).slice(0, 200));
        await new Promise(() => {});
      })();
      const started = Date.now();
      const refused = await bounded.read(stalled, { rules, onEpisode: () => {} }).catch((err: unknown) => err);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(refused).toMatchObject({ status: 413, code: "xml_time_limit" });
      expect(told).toContain("an XML file passed its time limit; its worker thread is replaced");
      const good = await outcome(bounded.read, envelopeOf("01001", [[["XML1", fixture("tong-hop-130.xml")]]]));
      expect(good).toHaveProperty("result");
      expect(first).toBe(1);
      expect(bounded.started).toBe(1);
    } finally {
      await bounded.close();
    }
  });
});
