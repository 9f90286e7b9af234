import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { fixtureEnvelope } from "../../src/demo/xml-envelope.ts";
import { fixtureBytes } from "../fixtures/xml/index.ts";
import { useWorkerOnFreshDatabase } from "./wrangler.ts";

/**
 * XML claim files on Cloudflare's runtime, where there are no worker threads:
 * the envelope is read in-thread (src/xml/read.ts), through the same strict
 * UTF-8 decoding (node:buffer under nodejs_compat, or TextDecoder), over a
 * body that arrives in workerd's chunks.
 */
const CENTRAL_KEY = "worker-xml-central-key-0123456789";
const DAY = 86_400_000;

const env = useWorkerOnFreshDatabase("xmlworker", { BOOTSTRAP_CENTRAL_KEY: CENTRAL_KEY, LOG_LEVEL: "warn" });

async function send(path: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string>) {
  const res = await fetch(`${env.worker.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${CENTRAL_KEY}`, ...headers },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, wrangler: () => env.worker.output().slice(-2000) };
}

const XML = { "content-type": "application/xml" };

describe("XML claim files on the Worker", () => {
  it("stores a file of 150 episodes (about 1 MB), gzip-compressed too, and refuses hostile ones", async () => {
    const put = (path: string, body: unknown) =>
      fetch(`${env.worker.url}${path}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${CENTRAL_KEY}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await put("/v1/provinces/01", { name: "Hà Nội" })).status).toBe(201);
    expect((await put("/v1/facilities/01001", { name: "Bệnh viện Bạch Mai" })).status).toBe(201);

    const body = fixtureEnvelope({
      seed: 41,
      facility: "01001",
      episodes: 150,
      dischargedBefore: new Date(Date.now() - DAY),
      days: 3,
    });
    const stored = await send("/v1/batches/xml", body, XML);
    expect(stored.status, JSON.stringify(stored.body).slice(0, 500) + stored.wrangler()).toBe(201);
    expect(stored.body).toMatchObject({
      facilityCode: "01001",
      received: 150,
      chunks: [{ received: 150, replayed: false }],
    });
    expect(stored.body.accepted + stored.body.pendingDocumentation + stored.body.rejected).toBe(150);

    // The same file compressed is the same batch: a replay.
    const zipped = await send("/v1/batches/xml", new Uint8Array(gzipSync(body)), {
      ...XML,
      "content-encoding": "gzip",
    });
    expect(zipped.status).toBe(200);
    expect(zipped.body.batchId).toBe(stored.body.batchId);

    for (const [name, status, code] of [
      ["not-utf8.xml", 400, "xml_encoding"],
      ["billion-laughs.xml", 422, "xml_doctype_forbidden"],
      ["invalid-base64.xml", 422, "invalid_base64"],
    ] as const) {
      const refused = await send("/v1/batches/xml", new Uint8Array(fixtureBytes(name)), XML);
      expect(refused.status, name).toBe(status);
      expect(refused.body.code).toBe(code);
    }
  });
});
