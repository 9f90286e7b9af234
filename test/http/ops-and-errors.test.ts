import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { withBrokenQueries } from "../support/faults.ts";
import { CENTRAL_KEY, seedReference, useTestApp } from "../support/harness.ts";

const t = useTestApp();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every field a problem document has, and nothing that hints at internals. */
function expectProblem(res: { status: number; body: any; headers: Headers }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect(res.body).toMatchObject({
    status,
    code,
    type: expect.stringContaining(code),
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(res.body.requestId).toBe(res.headers.get("x-request-id"));
  expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.ts:\d+|node_modules|prisma/i);
}

describe("operations endpoints", () => {
  it("/healthz answers 200 without a key", async () => {
    const res = await t.json("GET", "/healthz", { key: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
  });

  it("/readyz says which database answers", async () => {
    const res = await t.json("GET", "/readyz", { key: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ready", database: t.db.kind });
  });

  it("/readyz is 503 with Retry-After when the database does not answer", async () => {
    const app = createApp({
      db: { ...t.db, ping: async () => false },
      clock: t.clock,
      rules: t.rules,
      logger: t.logger,
    });
    const res = await app.request("/readyz");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect((await res.json()).code).toBe("database_unavailable");
  });

  it("/openapi.json is an OpenAPI 3.1 document listing the foundation's routes with their error responses", async () => {
    const res = await t.call("GET", "/openapi.json", { key: null });
    expect(res.status).toBe(200);
    const doc = JSON.parse(await res.text());
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes.bearer).toEqual({ type: "http", scheme: "bearer" });
    const paths = doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    const expected: [string, string][] = [
      ["/healthz", "get"],
      ["/readyz", "get"],
      ["/v1/keys", "post"],
      ["/v1/keys", "get"],
      ["/v1/keys/{id}", "delete"],
      ["/v1/provinces", "get"],
      ["/v1/provinces/{code}", "put"],
      ["/v1/facilities", "get"],
      ["/v1/facilities/{code}", "put"],
      ["/v1/provinces/{code}/estimates/{year}", "put"],
      ["/v1/provinces/{code}/estimates/{year}", "get"],
      ["/v1/provinces/{code}/estimates/{year}/adjustments", "post"],
      ["/v1/rules", "get"],
    ];
    for (const [path, method] of expected)
      expect(paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
    expect(Object.keys(paths["/v1/provinces/{code}"]!.put!.responses)).toEqual(
      expect.arrayContaining(["200", "201", "401", "403", "422"]),
    );
    // No path is documented that the app does not serve.
    expect(Object.keys(paths).every((p) => p.startsWith("/v1/") || ["/healthz", "/readyz"].includes(p))).toBe(true);
  });

  it("/docs serves the interactive reference as HTML pointing at /openapi.json", async () => {
    const res = await t.call("GET", "/docs", { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toMatch(/swagger/i);
    expect(html).toContain("/openapi.json");
  });

  it("/docs loads nothing from another site: its script and styles are served here, from the npm package", async () => {
    const html = await (await t.call("GET", "/docs", { key: null })).text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const loaded = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(loaded).toEqual(["/docs/swagger-ui.css", "/openapi.json", "/docs/swagger-ui-bundle.js", "/docs/init.js"]);
    const types: Record<string, string> = { css: "text/css", js: "text/javascript" };
    for (const path of loaded.filter((url) => url.startsWith("/docs/"))) {
      const res = await t.call("GET", path, { key: null });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toContain(types[path.split(".").pop()!]);
      expect((await res.text()).length, path).toBeGreaterThan(path.endsWith("init.js") ? 20 : 100_000);
    }
  });

  it("GET /v1/rules shows the rules in force to any key", async () => {
    await seedReference(t);
    const facility = await t.key("facility", "01001");
    const res = await t.json("GET", "/v1/rules", { key: facility });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(t.rules)));
    expect(res.body.usage.thresholds).toEqual([
      { ratio: "0.85", severity: "high" },
      { ratio: "1.00", severity: "critical" },
    ]);
    expect(res.body.timing).toEqual({ stuckAfterDays: 30, submissionDeadlineHours: 24, referralConfirmDays: 30 });
    expect((await t.call("GET", "/v1/rules", { key: null })).status).toBe(401);
  });
});

describe("errors are problem+json", () => {
  it("malformed JSON is 400", async () => {
    const res = await t.json("PUT", "/v1/provinces/01", { body: '{"name": "Hà Nội",' });
    expectProblem(res, 400, "malformed_json");
  });

  it("a body that is not JSON is 415, told apart from a malformed one", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/xml"]) {
      const res = await t.json("PUT", "/v1/provinces/01", { body: "name=x", headers: { "content-type": type } });
      expectProblem(res, 415, "unsupported_media_type");
    }
    expect(await t.db.prisma.province.count()).toBe(0);
  });

  it("a body over 1 MiB is 413 and nothing is written", async () => {
    const res = await t.json("PUT", "/v1/provinces/01", { body: { name: "x".repeat(1024 * 1024 + 10) } });
    expectProblem(res, 413, "payload_too_large");
    expect(await t.db.prisma.province.count()).toBe(0);
    // Just under the limit is read (and then refused by validation, not by size).
    const under = await t.json("PUT", "/v1/provinces/01", { body: { name: "x".repeat(1024 * 1024 - 100) } });
    expect(under.status).toBe(422);
  });

  it("a JSON body of the wrong shape is 422 naming the field", async () => {
    const res = await t.json("PUT", "/v1/provinces/01", { body: [] });
    expectProblem(res, 422, "validation_failed");
    const typed = await t.json("PUT", "/v1/provinces/01", { body: { name: 42 } });
    expectProblem(typed, 422, "validation_failed");
    expect(typed.body.errors).toEqual([{ path: "name", code: "invalid_type", message: expect.any(String) }]);
  });

  it("a NUL character in a text field is refused with 422 (PostgreSQL cannot store it), not a 500", async () => {
    const res = await t.json("PUT", "/v1/provinces/01", { body: { name: "Hà\u0000Nội" } });
    // Refused by the input guard naming the field, or failing that, by the database's refusal mapped to invalid_text.
    expectProblem(res, 422, res.body.code);
    expect(["validation_failed", "invalid_text"]).toContain(res.body.code);
    expect(await t.db.prisma.province.count()).toBe(0);
  });

  it("an unknown route is a 404 problem, with or without a key; a known one with another method 405", async () => {
    expectProblem(await t.json("GET", "/nowhere", { key: null }), 404, "not_found");
    expectProblem(await t.json("GET", "/v1/nowhere"), 404, "not_found");
    // A known path with another method is 405 (test/http/methods.test.ts).
    expectProblem(await t.json("DELETE", "/v1/provinces"), 405, "method_not_allowed");
  });

  it("no key, or an unknown one, is 401 with WWW-Authenticate", async () => {
    for (const key of [null, "bhyt_unknown"]) {
      const res = await t.json("GET", "/v1/provinces", { key });
      expectProblem(res, 401, "unauthorized");
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    const basic = await t.json("GET", "/v1/provinces", {
      key: null,
      headers: { authorization: `Basic ${CENTRAL_KEY}` },
    });
    expectProblem(basic, 401, "unauthorized");
  });
});

describe("request ids", () => {
  it("every response carries X-Request-Id: successes, client errors and server errors alike", async () => {
    const broken = createApp({
      db: withBrokenQueries(t.db, new Error("boom")),
      clock: t.clock,
      rules: t.rules,
      logger: t.logger,
    });
    const responses = [
      await t.call("GET", "/healthz", { key: null }),
      await t.call("GET", "/openapi.json", { key: null }),
      await t.call("GET", "/v1/provinces"),
      await t.call("GET", "/v1/provinces", { key: null }),
      await t.call("GET", "/nowhere", { key: null }),
      await t.call("PUT", "/v1/provinces/01", { body: "{" }),
      await t.call("PUT", "/v1/provinces/01", { body: "x", headers: { "content-type": "text/plain" } }),
      await t.call("PUT", "/v1/provinces/1", { body: { name: "x" } }),
      await t.call("PUT", "/v1/provinces/01", { body: { name: "x".repeat(1024 * 1024 + 10) } }),
      await broken.request("/v1/provinces", { headers: { authorization: `Bearer ${CENTRAL_KEY}` } }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 401, 404, 400, 415, 422, 413, 500]);
    const ids = responses.map((r) => r.headers.get("x-request-id"));
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("echoes a well-formed incoming X-Request-Id, on errors too, and replaces a malformed one", async () => {
    const ok = await t.call("GET", "/healthz", { key: null, headers: { "x-request-id": "hospital-his.42:abc_DEF-1" } });
    expect(ok.headers.get("x-request-id")).toBe("hospital-his.42:abc_DEF-1");
    const err = await t.json("GET", "/v1/provinces", { key: null, headers: { "x-request-id": "trace-123" } });
    expect(err.headers.get("x-request-id")).toBe("trace-123");
    expect(err.body.requestId).toBe("trace-123");
    for (const bad of ["has space", "x".repeat(129), "<script>", "a/b"]) {
      const res = await t.call("GET", "/healthz", { key: null, headers: { "x-request-id": bad } });
      expect(res.headers.get("x-request-id"), bad).toMatch(UUID);
    }
  });
});

describe("server errors say nothing but the request id", () => {
  it("an unexpected failure is a 500 carrying only its request id; the details go to the log", async () => {
    const secret = new Error('relation "province" exploded at 10.0.0.7 password=hunter2');
    const app = createApp({ db: withBrokenQueries(t.db, secret), clock: t.clock, rules: t.rules, logger: t.logger });
    const res = await app.request("/v1/provinces", {
      headers: { authorization: `Bearer ${CENTRAL_KEY}`, "x-request-id": "trace-500" },
    });
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.headers.get("x-request-id")).toBe("trace-500");
    const text = await res.text();
    const body = JSON.parse(text);
    expect(body.requestId).toBe("trace-500");
    expect(Object.keys(body).filter((k) => !["requestId", "status", "type", "title"].includes(k))).toEqual([]);
    expect(text).not.toMatch(/exploded|hunter2|10\.0\.0\.7|stack|\.ts/);

    const logged = t.logger.lines.map((l) => JSON.parse(l)).find((l) => l.msg === "unhandled error");
    expect(logged).toMatchObject({ level: "error", requestId: "trace-500" });
    expect(logged.error).toContain("exploded");
  });

  it("a lost database connection is a 503 with Retry-After, not a 500", async () => {
    const lost = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const app = createApp({ db: withBrokenQueries(t.db, lost), clock: t.clock, rules: t.rules, logger: t.logger });
    const res = await app.request("/v1/provinces", { headers: { authorization: `Bearer ${CENTRAL_KEY}` } });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    const body = await res.json();
    expect(body.code).toBe("database_unavailable");
    expect(JSON.stringify(body)).not.toContain("127.0.0.1");
  });

  it("no request in a tour of the foundation's endpoints ends in a 5xx", async () => {
    await seedReference(t);
    const province = await t.key("province", "01");
    const facility = await t.key("facility", "01001");
    const bodies = [
      undefined,
      {},
      [],
      "null",
      "{",
      { name: "x", amount: "1", reason: "r", role: "central" },
      { amount: 1e308 },
      { name: "\u0000" },
    ];
    const paths = [
      ["PUT", "/v1/provinces/01"],
      ["PUT", "/v1/provinces/99"],
      ["GET", "/v1/provinces?limit=abc&cursor=%%%"],
      ["PUT", "/v1/facilities/01001"],
      ["PUT", "/v1/facilities/99999"],
      ["GET", "/v1/facilities?province=%00"],
      ["PUT", "/v1/provinces/01/estimates/2026"],
      ["POST", "/v1/provinces/01/estimates/2026/adjustments"],
      ["GET", "/v1/provinces/01/estimates/0"],
      ["POST", "/v1/keys"],
      ["DELETE", "/v1/keys/%00"],
      ["GET", "/v1/keys?limit=-1"],
      ["GET", "/v1/rules"],
    ] as const;
    const statuses: string[] = [];
    for (const key of [CENTRAL_KEY, province, facility])
      for (const [method, path] of paths)
        for (const body of method === "GET" || method === "DELETE" ? [undefined] : bodies) {
          const res = await t.call(method, path, { key, body });
          if (res.status >= 500) statuses.push(`${method} ${path} ${JSON.stringify(body)} -> ${res.status}`);
        }
    expect(statuses).toEqual([]);
  });
});
