import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { fixtureEnvelope } from "../../src/demo/xml-envelope.ts";
import { countHits, forgetEndedWindows } from "../../src/limits/count.ts";
import { defaultRules } from "../../src/rules/schema.ts";
import { claims } from "../support/claims.ts";
import { seedReference, useTestApp } from "../support/harness.ts";

/** Small budgets so a test reaches them; the clock starts on a minute, so a window has 60 s to run. */
function smallBudgets() {
  const rules = defaultRules();
  rules.limits = {
    enabled: true,
    requestsPerMinute: { central: 40, province: 3, facility: 4 },
    claimsPerMinutePerFacility: 10,
    failedSignInsPerMinute: 3,
  };
  return rules;
}

const t = useTestApp({ rules: smallBudgets });

/** A second instance of the service over the same database, as a second process or Worker isolate would be. */
const deps = () => ({ db: t.db, clock: t.clock, rules: t.rules, logger: t.logger });
const secondInstance = () => createApp(deps());

const get = (app: ReturnType<typeof createApp>, key: string, headers: Record<string, string> = {}) =>
  app.request("/v1/claims", { headers: { authorization: `Bearer ${key}`, ...headers } });

describe("requests per key", () => {
  it("a facility key's fifth request in a minute is 429 with Retry-After and RateLimit headers; the next minute it is served", async () => {
    await seedReference(t);
    const hospital = await t.key("facility", "01001");
    for (let n = 1; n <= 4; n++) {
      const res = await get(t.app, hospital);
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-limit")).toBe("4");
      expect(res.headers.get("ratelimit-remaining")).toBe(String(4 - n));
      expect(res.headers.get("ratelimit-reset")).toBe("60");
    }
    t.clock.advance(15_000);
    const refused = await get(t.app, hospital);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("45");
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect(await refused.json()).toMatchObject({ status: 429, code: "rate_limited" });
    t.clock.advance(45_000);
    expect((await get(t.app, hospital)).status).toBe(200);
  });

  it("each key has its own budget, set by its role", async () => {
    await seedReference(t);
    const [first, second, reviewer] = [
      await t.key("facility", "01001"),
      await t.key("facility", "01001"),
      await t.key("province", "01"),
    ];
    for (let n = 0; n < 4; n++) await get(t.app, first);
    expect((await get(t.app, first)).status).toBe(429);
    expect((await get(t.app, second)).status).toBe(200);
    for (let n = 0; n < 3; n++) expect((await get(t.app, reviewer)).status).toBe(200);
    expect((await get(t.app, reviewer)).status).toBe(429);
  });

  it("is one budget across instances of the service: requests to two instances count together", async () => {
    await seedReference(t);
    const hospital = await t.key("facility", "01001");
    const other = secondInstance();
    expect((await get(t.app, hospital)).status).toBe(200);
    expect((await get(other, hospital)).status).toBe(200);
    expect((await get(t.app, hospital)).status).toBe(200);
    expect((await get(other, hospital)).status).toBe(200);
    expect((await get(t.app, hospital)).status).toBe(429);
    expect((await get(other, hospital)).status).toBe(429);
  });

  it("with limits turned off in the rules nothing is counted or refused", async () => {
    await seedReference(t);
    const hospital = await t.key("facility", "01001");
    const counted = async () =>
      (await t.db.sql.query<{ hits: string }>("SELECT coalesce(sum(hits), 0)::text AS hits FROM rate_limit"))[0]!.hits;
    t.rules.limits.enabled = false;
    const before = await counted();
    for (let n = 0; n < 8; n++) {
      const res = await get(t.app, hospital);
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-limit")).toBeNull();
    }
    expect(await counted()).toBe(before);
  });
});

describe("the clean-up", () => {
  it("forgets windows that ended and keeps the current one's counts", async () => {
    await seedReference(t);
    const hospital = await t.key("facility", "01001");
    await get(t.app, hospital);
    t.clock.advance(60_000);
    await get(t.app, hospital);
    const buckets = async () =>
      (await t.db.sql.query<{ bucket: string; hits: number }>("SELECT bucket, hits FROM rate_limit ORDER BY 1"))
        .filter((row) => row.bucket.startsWith("key:"))
        .map((row) => Number(row.hits));
    expect(await buckets()).toHaveLength(3); // the central key's window, and the hospital's two
    // The window before the current one is kept too: instances' clocks may differ by a little.
    expect(await forgetEndedWindows(t.db.sql, t.clock.now())).toBe(0);
    t.clock.advance(60_000);
    expect(await forgetEndedWindows(t.db.sql, t.clock.now())).toBe(2);
    expect(await buckets()).toEqual([1]);
    const [standing] = await countHits(t.db.sql, [{ bucket: "key:x", hits: 0, limit: 4 }], t.clock.now());
    expect(standing!.used).toBe(0);
  });
});

describe("claims per facility", () => {
  const usage = async () => (await t.json("GET", "/v1/provinces/01/usage?year=2026")).body;

  it("a batch that would take a facility past its claims a minute is 429 and stores nothing, whoever sends it", async () => {
    await seedReference(t);
    await t.json("PUT", "/v1/provinces/01/estimates/2026", { body: { amount: "100000000" } });
    const hospital = await t.key("facility", "01001");
    const send = (batchId: string, count: number, from: number, key?: string) =>
      t.json("POST", "/v1/batches", {
        key: key ?? hospital,
        body: { batchId, ...(key ? { facilityCode: "01001" } : {}), claims: claims(count, {}, from) },
      });
    expect((await send("B1", 6, 1)).status).toBe(201);
    const before = await usage();
    // Four more would fit; five do not, sent by the hospital or by the agency for it.
    const refused = await send("B2", 5, 100);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: "claims_rate_limited" });
    expect(refused.headers.get("retry-after")).toBe("60");
    expect((await send("B3", 5, 200, undefined)).status).toBe(429);
    expect((await t.json("GET", "/v1/claims?facility=01001")).body.data).toHaveLength(6);
    expect(await usage()).toEqual({ ...before, asOf: expect.any(String) });
    t.clock.advance(60_000);
    expect((await send("B2", 5, 100)).status).toBe(201);
  });

  it("counts an XML file's episodes, and refuses a file past the budget before storing any of it", async () => {
    await seedReference(t);
    const hospital = await t.key("facility", "01001");
    const file = fixtureEnvelope({
      seed: 7,
      facility: "01001",
      episodes: 12,
      dischargedBefore: new Date(t.clock.now()),
    });
    const res = await t.call("POST", "/v1/batches/xml", {
      key: hospital,
      body: file,
      headers: { "content-type": "application/xml" },
    });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ code: "claims_rate_limited" });
    expect((await t.json("GET", "/v1/claims?facility=01001")).body.data).toHaveLength(0);
  });
});

describe("failed sign-ins", () => {
  const wrong = (app: ReturnType<typeof createApp>) => get(app, "bhyt_wrong", { "x-forwarded-for": "203.0.113.7" });

  it("are counted per client address across instances: the fourth failure in a minute is 429 on either", async () => {
    const other = secondInstance();
    expect((await wrong(t.app)).status).toBe(401);
    expect((await wrong(other)).status).toBe(401);
    expect((await wrong(t.app)).status).toBe(401);
    const limited = await wrong(other);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ code: "too_many_failed_authentications" });
    expect(limited.headers.get("retry-after")).toBe("60");
  });

  it("a 401 says how many failures the address has left this minute, and any origin may read it", async () => {
    const res = await wrong(t.app);
    expect(res.status).toBe(401);
    expect(res.headers.get("ratelimit-limit")).toBe("3");
    expect(res.headers.get("ratelimit-remaining")).toBe("2");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });

  /** As the Node server sees a request: from a socket, with whatever X-Forwarded-For the client wrote. */
  const fromSocket = (app: ReturnType<typeof createApp>, peer: string, forwarded: string) =>
    app.request(
      "/v1/claims",
      { headers: { authorization: "Bearer bhyt_wrong", "x-forwarded-for": forwarded } },
      { incoming: { socket: { remoteAddress: peer } } },
    );

  it("are counted by the socket's address: rotating X-Forwarded-For does not start afresh", async () => {
    for (let n = 1; n <= 3; n++) expect((await fromSocket(t.app, "198.51.100.20", `10.9.9.${n}`)).status).toBe(401);
    expect((await fromSocket(t.app, "198.51.100.20", "10.9.9.99")).status).toBe(429);
  });

  it("behind a trusted proxy, by the address the proxy forwarded, whoever else the client claims to be", async () => {
    const behindProxy = createApp({ ...deps(), trustedProxies: ["10.0.0.0/8"] });
    // The proxy (10.0.0.5) appends the address it saw; the client's own X-Forwarded-For entries come first.
    for (let n = 1; n <= 3; n++)
      expect((await fromSocket(behindProxy, "10.0.0.5", `1.2.3.${n}, 203.0.113.50`)).status).toBe(401);
    expect((await fromSocket(behindProxy, "10.0.0.5", "9.9.9.9, 203.0.113.50")).status).toBe(429);
    expect((await fromSocket(behindProxy, "10.0.0.5", "203.0.113.51")).status).toBe(401);
  });

  it("on the dashboard's sign-in form too", async () => {
    const signIn = () =>
      t.app.request("/dashboard/login", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": "203.0.113.8" },
        body: "key=bhyt_wrong",
      });
    for (let n = 0; n < 3; n++) expect((await signIn()).status).toBe(401);
    expect((await signIn()).status).toBe(429);
  });
});
