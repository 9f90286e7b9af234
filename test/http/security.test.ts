import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { claim, claims } from "../support/claims.ts";
import { withBrokenQueries } from "../support/faults.ts";
import { fingerprint } from "../support/fingerprint.ts";
import { CENTRAL_KEY, seedReference, useTestApp } from "../support/harness.ts";

const t = useTestApp();

/** Patient data distinctive enough that finding it anywhere is a finding. */
const PII = {
  names: ["Trịnh Thị Bí Mật", "Zacharias Secretname"],
  cards: ["DN4017777777777", "HT2797777777771"],
  citizenIds: ["079977777777", "001966666666"],
  birthDate: "1931-02-27",
};
const ALL_PII = [...PII.names, ...PII.cards, ...PII.citizenIds, PII.birthDate];

const patient = (i: number, extra: Record<string, unknown> = {}) => ({
  cardNumber: PII.cards[i % 2],
  citizenId: PII.citizenIds[i % 2],
  name: PII.names[i % 2],
  birthDate: PII.birthDate,
  gender: "female",
  ...extra,
});

describe("personal data never reaches logs or error messages", () => {
  it(
    "valid, invalid and failing batches, hostile paths and queries: no name, card number, citizen ID or birth date " +
      "in any log line or error",
    async () => {
      await seedReference(t);
      const facility = await t.key("facility", "01001");
      const errorTexts: string[] = [];
      const send = async (method: string, path: string, body?: unknown, key: string | null = facility) => {
        const res = await t.json(method, path, { key, ...(body !== undefined ? { body } : {}) });
        if (res.status >= 400) errorTexts.push(JSON.stringify(res.body));
        // A batch's per-claim errors are error messages too.
        else if (res.body?.errors) errorTexts.push(JSON.stringify(res.body.errors));
        return res;
      };

      // 1. A valid batch carrying the patients.
      expect(
        (
          await send("POST", "/v1/batches", {
            batchId: "PII-1",
            claims: [claim({ patient: patient(0) }, 1), claim({ patient: patient(1) }, 2)],
          })
        ).status,
      ).toBe(201);
      // 2. Every way a claim can be wrong, with the patient data in and around the wrong fields.
      const wrong = await send("POST", "/v1/batches", {
        batchId: "PII-2",
        claims: [
          claim({ patient: patient(0, { cardNumber: PII.names[0] }) }, 3),
          claim({ patient: patient(1, { citizenId: `${PII.citizenIds[1]}9` }) }, 4),
          claim({ patient: patient(0, { cardNumber: Number(PII.cards[0]!.slice(2)) }) }, 5),
          claim({ patient: patient(1, { name: `${PII.names[1]} `.repeat(20) }) }, 6),
          claim({ patient: patient(0, { birthDate: "2031-02-27" }) }, 7),
          claim({ patient: patient(1, { phone: PII.citizenIds[0], address: PII.names[0] }) }, 8),
          claim({ patient: patient(0, { gender: PII.names[1] }) }, 9),
          claim({ patient: patient(1), admittedAt: "0001-01-01T00:00:00+07:00" }, 10),
          claim({ patient: patient(0), amounts: { total: PII.citizenIds[0], insurance: "1", patient: "0" } }, 11),
          claim({ patient: patient(1), diagnosis: { primary: PII.cards[1] } }, 12),
          claim({ patient: patient(0), documents: [{ type: PII.names[0], reference: PII.cards[0] }] }, 13),
          claim({ patient: patient(1), claimId: "DUP-1" }, 14),
          claim({ patient: patient(1), claimId: "DUP-1" }, 15),
        ],
      });
      expect(wrong.status).toBe(201);
      expect(wrong.body.rejected).toBeGreaterThanOrEqual(10);
      // 3. Batches refused whole: NUL in a name, deep nesting, totals past the column, a replayed batchId with other
      // content, malformed JSON, wrong facility.
      await send("POST", "/v1/batches", {
        batchId: "PII-3",
        claims: [claim({ patient: patient(0, { name: `${PII.names[0]}\u0000` }) })],
      });
      await send("POST", "/v1/batches", {
        batchId: "PII-4",
        claims: [claim({ patient: patient(1), documents: JSON.parse("[".repeat(100) + "]".repeat(100)) })],
      });
      const huge = { total: "9999999999999999", insurance: "9999999999999999", patient: "0", other: "0" };
      await send("POST", "/v1/batches", {
        batchId: "PII-5",
        claims: [claim({ patient: patient(0), amounts: huge }, 1), claim({ patient: patient(1), amounts: huge }, 2)],
      });
      await send("POST", "/v1/batches", { batchId: "PII-1", claims: [claim({ patient: patient(1) }, 1)] });
      await send(
        "POST",
        "/v1/batches",
        `{"batchId":"PII-6","claims":[{"patient":{"name":"${PII.names[0]}","cardNumber":"${PII.cards[0]}"}`,
      );
      await send("POST", "/v1/batches", {
        batchId: "PII-7",
        facilityCode: "79001",
        claims: [claim({ patient: patient(0) })],
      });
      // 4. Patient data where identifiers go: paths, queries, decisions and documents.
      await send("GET", `/v1/claims/01001/${PII.cards[0]}`);
      await send("GET", `/v1/patients/${encodeURIComponent(PII.names[0]!)}/${PII.citizenIds[0]}`);
      await send(
        "GET",
        `/v1/claims?facility=${PII.citizenIds[1]}&status=${encodeURIComponent(PII.names[1]!)}`,
        undefined,
        CENTRAL_KEY,
      );
      await send(
        "POST",
        "/v1/claims/01001/LK000001/decision",
        { outcome: "approved", reason: PII.names[0], approvedAmount: PII.citizenIds[0] },
        CENTRAL_KEY,
      );
      await send("POST", `/v1/claims/01001/${PII.cards[1]}/documents`, {
        documents: [{ type: "discharge_paper", reference: PII.names[1] }],
      });
      // 5. A failure deep down whose error quotes a patient's data, as PostgreSQL does for a value it cannot take.
      const broken = createApp({
        db: withBrokenQueries(
          t.db,
          new Error(
            `invalid input syntax: "${PII.names[0]}" for card ${PII.cards[0]}, citizen ${PII.citizenIds[0]}, born ` +
              `'${PII.birthDate}'`,
          ),
        ),
        clock: t.clock,
        rules: t.rules,
        logger: t.logger,
      });
      const failed = await broken.request("/v1/batches", {
        method: "POST",
        headers: { authorization: `Bearer ${facility}`, "content-type": "application/json" },
        body: JSON.stringify({ batchId: "PII-8", claims: [claim({ patient: patient(0) })] }),
      });
      expect(failed.status).toBe(500);
      errorTexts.push(await failed.text());

      expect(errorTexts.length).toBeGreaterThanOrEqual(12);
      expect(t.logger.lines.some((l) => l.includes('"msg":"unhandled error"'))).toBe(true);
      const haystack = [...t.logger.lines, ...errorTexts];
      const found = ALL_PII.flatMap((secret) =>
        haystack
          .filter((h) => h.includes(secret) || h.includes(JSON.stringify(secret).slice(1, -1)))
          .map((h) => `${secret} in ${h.slice(0, 300)}`),
      );
      expect(found).toEqual([]);
    },
  );

  it("no API key secret is ever logged: neither valid ones nor the wrong ones clients try", async () => {
    await seedReference(t);
    const secrets = [
      CENTRAL_KEY,
      await t.key("central"),
      await t.key("province", "01"),
      await t.key("facility", "01001"),
    ];
    const wrong = ["bhyt_this-is-not-a-key-0123456789abcdef", `${secrets[3]}x`, "Zm9vOmJhcg=="];
    for (const key of secrets) await t.json("GET", "/v1/rules", { key });
    for (const key of wrong) await t.json("GET", "/v1/rules", { key });
    await t.json("GET", "/v1/rules", { headers: { authorization: `Basic ${wrong[2]}` }, key: null });
    await t.json("POST", "/v1/batches", { key: secrets[3], body: { batchId: "K", claims: [claim()] } });
    const revoked = await t.json("GET", "/v1/keys");
    expect(revoked.status).toBe(200);
    expect(JSON.stringify(revoked.body)).not.toMatch(/bhyt_/);
    const log = t.logger.lines.join("\n");
    expect(t.logger.lines.length).toBeGreaterThan(8);
    for (const s of [...secrets, ...wrong]) expect(log).not.toContain(s);
  });
});

describe("secure headers and problems without internals on every response", () => {
  const SECURE = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "strict-transport-security": expect.stringMatching(/^max-age=\d+/),
    "referrer-policy": "no-referrer",
    "cross-origin-resource-policy": "same-origin",
    "x-request-id": expect.stringMatching(/./),
  };

  it("successes, every kind of client error, 429, 500 and 503 alike", async () => {
    await seedReference(t);
    const facility = await t.key("facility", "01001");
    const bodyOf = (s: string) => ({
      method: "POST",
      headers: { authorization: `Bearer ${CENTRAL_KEY}`, "content-type": "application/json" },
      body: s,
    });
    const responses: [string, Response][] = [
      ["200", await t.call("GET", "/v1/provinces")],
      ["201", await t.call("POST", "/v1/batches", { key: facility, body: { batchId: "H", claims: [claim()] } })],
      ["healthz", await t.call("GET", "/healthz", { key: null })],
      ["openapi", await t.call("GET", "/openapi.json", { key: null })],
      ["docs", await t.call("GET", "/docs", { key: null })],
      ["400", await t.app.request("/v1/keys", bodyOf("{"))],
      ["401", await t.call("GET", "/v1/provinces", { key: "nope" })],
      ["403", await t.call("GET", "/v1/keys", { key: facility })],
      ["404", await t.call("GET", "/v1/nothing-here")],
      ["413", await t.app.request("/v1/keys", bodyOf(`{"name":"${"x".repeat(1024 * 1024)}"}`))],
      [
        "415",
        await t.call("POST", "/v1/keys", {
          body: "name=x",
          headers: { "content-type": "application/x-www-form-urlencoded" },
        }),
      ],
      ["422", await t.call("POST", "/v1/keys", { body: { role: "king" } })],
    ];
    for (let i = 0; i < 21; i++)
      await t.call("GET", "/v1/rules", { key: "wrong", headers: { "x-forwarded-for": "203.0.113.99" } });
    responses.push([
      "429",
      await t.call("GET", "/v1/rules", { key: "wrong", headers: { "x-forwarded-for": "203.0.113.99" } }),
    ]);
    const deps = { clock: t.clock, rules: t.rules, logger: t.logger };
    const broken = createApp({
      ...deps,
      db: withBrokenQueries(
        t.db,
        Object.assign(new Error("boom at /srv/app/secret.ts:12"), {
          stack: "Error: boom\n    at secret (/srv/app/secret.ts:12:3)",
        }),
      ),
    });
    responses.push([
      "500",
      await broken.request("/v1/provinces", { headers: { authorization: `Bearer ${CENTRAL_KEY}` } }),
    ]);
    const gone = createApp({ ...deps, db: { ...t.db, ping: async () => false } });
    responses.push(["503", await gone.request("/readyz")]);

    const texts = new Map<string, string>();
    for (const [what, res] of responses) {
      const headers = Object.fromEntries(res.headers);
      expect(headers, what).toMatchObject(SECURE);
      expect(headers["x-powered-by"], what).toBeUndefined();
      if (/^\d+$/.test(what)) expect(String(res.status), what).toBe(what);
      if (res.status >= 400) {
        expect(headers["content-type"], what).toMatch(/^application\/problem\+json/);
        const text = await res.text();
        texts.set(what, text);
        expect(text, what).not.toMatch(/\bat .*:\d+|\.ts\b|stack|Prisma|SELECT|node_modules/i);
      }
    }
    // The 500 carries the request id and nothing else.
    expect(Object.keys(JSON.parse(texts.get("500")!)).sort()).toEqual(["requestId", "status"]);
  });
});

describe("request bodies are capped", () => {
  it(
    "over 1 MiB anywhere but batches, and over 32 MiB on batches, is 413 before anything is read or written, " +
      "declared or streamed",
    async () => {
      await seedReference(t);
      const before = await fingerprint(t.db);
      const json = (size: number) => `{"role":"central","name":"${"x".repeat(size)}"}`;
      const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
        t.app.request(path, {
          method: "POST",
          headers: { authorization: `Bearer ${CENTRAL_KEY}`, "content-type": "application/json", ...headers },
          body,
          ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
        } as RequestInit);

      const overKeys = await post("/v1/keys", json(1024 * 1024));
      expect(overKeys.status).toBe(413);
      expect(await overKeys.json()).toMatchObject({ status: 413, code: "payload_too_large" });
      // Just under the cap is read and judged on its content instead.
      expect((await post("/v1/keys", json(1024 * 1024 - 100))).status).toBe(422);

      const bigBatch = JSON.stringify({ batchId: "BIG", facilityCode: "01001", claims: [claim()] }).replace(
        '"documents":[]',
        `"documents":[],"pad":"${"x".repeat(32 * 1024 * 1024)}"`,
      );
      expect((await post("/v1/batches", bigBatch)).status).toBe(413);
      // A batch of 1,000 claims (well under 32 MiB) is not capped.
      expect(
        (await post("/v1/batches", JSON.stringify({ batchId: "OK", facilityCode: "01001", claims: claims(1000) })))
          .status,
      ).toBe(201);

      // Streamed without a Content-Length: counted as it arrives.
      const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 0) controller.enqueue(new TextEncoder().encode('{"role":"central","name":"'));
          if (sent > 3 * 1024 * 1024) return controller.close();
          sent += chunk.length;
          controller.enqueue(chunk);
        },
      });
      const streamed = await post("/v1/keys", stream);
      expect(streamed.status).toBe(413);
      expect(await t.db.prisma.apiKey.count()).toBe(1);
      const after = await fingerprint(t.db);
      expect(after.api_key).toBe(before.api_key);
    },
  );
});

describe("failed authentications are rate-limited per client", () => {
  const wrong = (xff?: string) =>
    t.call("GET", "/v1/rules", { key: "bhyt_wrong", headers: xff ? { "x-forwarded-for": xff } : {} });

  it(
    "past 20 failures in a minute a client gets 429 with Retry-After to the window's end; its valid key still works; " +
      "other clients and the next window are unaffected",
    async () => {
      const ok = await t.key("province", "01").catch(async () => {
        await seedReference(t);
        return t.key("province", "01");
      });
      // 1. Valid requests are never counted.
      for (let i = 0; i < 30; i++)
        expect(
          (await t.call("GET", "/v1/rules", { key: ok, headers: { "x-forwarded-for": "203.0.113.7" } })).status,
        ).toBe(200);
      // 2. Twenty failures are 401; the twenty-first is 429, 60 s before the window (the clock starts on a minute)
      // ends.
      for (let i = 0; i < 20; i++) expect((await wrong("203.0.113.7, 10.0.0.1")).status).toBe(401);
      const limited = await wrong("203.0.113.7");
      expect(limited.status).toBe(429);
      expect(limited.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(limited.headers.get("retry-after")).toBe("60");
      expect(await limited.json()).toMatchObject({ status: 429, code: "too_many_failed_authentications" });
      // 3. Thirty seconds on, still limited, with 30 s to go; a revoked or absent key counts as a failure too.
      t.clock.advance(30_000);
      const later = await t.call("GET", "/v1/rules", { key: null, headers: { "x-forwarded-for": "203.0.113.7" } });
      expect(later.status).toBe(429);
      expect(later.headers.get("retry-after")).toBe("30");
      // 4. The same client with its valid key is served; another client is not affected.
      expect(
        (await t.call("GET", "/v1/rules", { key: ok, headers: { "x-forwarded-for": "203.0.113.7" } })).status,
      ).toBe(200);
      expect((await wrong("198.51.100.9")).status).toBe(401);
      // 5. Without X-Forwarded-For the socket's address is the client; without either, "unknown".
      const fromSocket = (address: string) =>
        t.app.request(
          "/v1/rules",
          { headers: { authorization: "Bearer bhyt_wrong" } },
          { incoming: { socket: { remoteAddress: address } } },
        );
      for (let i = 0; i < 20; i++) expect((await fromSocket("192.0.2.44")).status).toBe(401);
      expect((await fromSocket("192.0.2.44")).status).toBe(429);
      expect((await fromSocket("192.0.2.45")).status).toBe(401);
      expect((await wrong()).status).toBe(401);
      // 6. A new window starts every client afresh.
      t.clock.advance(30_000);
      expect((await wrong("203.0.113.7")).status).toBe(401);
      expect((await fromSocket("192.0.2.44")).status).toBe(401);
    },
  );
});
