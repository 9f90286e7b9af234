import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { fixtureEnvelope } from "../../src/demo/xml-envelope.ts";
import { fingerprint } from "../support/fingerprint.ts";
import { seedReference, START, useTestApp } from "../support/harness.ts";

const t = useTestApp();

const send = async (key: string, body: Uint8Array) => {
  const res = await t.app.request("/v1/batches/xml", {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/xml", "content-encoding": "gzip" },
    body: body as unknown as BodyInit,
  });
  return { status: res.status, body: (await res.json()) as { code: string } };
};

describe("a gzip-compressed claim file", () => {
  it("that is not gzip, is cut short or fails its check is 400 naming the encoding, and stores nothing", async () => {
    await seedReference(t);
    const hospital = await t.key("facility", "01001");
    const good = gzipSync(
      fixtureEnvelope({ seed: 3, facility: "01001", episodes: 3, dischargedBefore: new Date(START) }),
    );
    const badCrc = Buffer.from(good);
    badCrc[badCrc.length - 6]! ^= 0xff;
    const before = await fingerprint(t.db);
    for (const body of [Buffer.from("<GIAMDINHHS>not gzip at all"), good.subarray(0, good.length - 20), badCrc]) {
      const res = await send(hospital, new Uint8Array(body));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("invalid_content_encoding");
    }
    expect(await fingerprint(t.db)).toEqual(before);
    expect((await send(hospital, new Uint8Array(good))).status).toBe(201);
  });

  it("that inflates hundreds of times over is 413 as soon as that shows, long before it is read whole", async () => {
    await seedReference(t);
    const hospital = await t.key("facility", "01001");
    // 256 MiB of well-formed XML (an open root, then comments) in about 250 KiB of gzip.
    const comment = Buffer.from(`<!--${"x".repeat(1024 * 1024 - 7)}-->`);
    const bomb = gzipSync(Buffer.concat([Buffer.from("<GIAMDINHHS>"), ...Array.from({ length: 256 }, () => comment)]));
    const started = Date.now();
    const res = await send(hospital, new Uint8Array(bomb));
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("compression_ratio_too_high");
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
