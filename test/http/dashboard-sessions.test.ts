import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { seedReference, useTestApp } from "../support/harness.ts";

const t = useTestApp();

const signIn = async (
  app: ReturnType<typeof createApp>,
  key: string,
  headers: Record<string, string> = {},
  env?: object,
) => app.request("/dashboard/login", { method: "POST", headers, body: new URLSearchParams({ key }) }, env);
const cookieOf = (res: Response) => (res.headers.get("set-cookie") ?? "").split(";")[0]!;
const csrfOf = async (cookie: string) =>
  /name="_csrf" value="([^"]+)"/.exec(await (await t.app.request("/dashboard", { headers: { cookie } })).text())![1]!;

describe("dashboard sessions", () => {
  it("end on the server at sign-out: the old cookie is refused, in this browser and any other", async () => {
    await seedReference(t);
    const reviewer = await t.key("province", "01");
    const here = cookieOf(await signIn(t.app, reviewer));
    const elsewhere = cookieOf(await signIn(t.app, reviewer));
    expect((await t.app.request("/dashboard", { headers: { cookie: here } })).status).toBe(200);
    const out = await t.app.request("/dashboard/logout", {
      method: "POST",
      headers: { cookie: here },
      body: new URLSearchParams({ _csrf: await csrfOf(here) }),
    });
    expect(out.status).toBe(303);
    for (const cookie of [here, elsewhere]) {
      const res = await t.app.request("/dashboard", { headers: { cookie } });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/dashboard/login");
    }
    // Signing in again opens a new session.
    const again = cookieOf(await signIn(t.app, reviewer));
    expect((await t.app.request("/dashboard", { headers: { cookie: again } })).status).toBe(200);
  });

  it("set a Secure cookie when the request arrived over TLS, directly or at a trusted proxy, and only then", async () => {
    await seedReference(t);
    const reviewer = await t.key("province", "01");
    const behindProxy = createApp({
      db: t.db,
      clock: t.clock,
      rules: t.rules,
      logger: t.logger,
      trustedProxies: ["10.0.0.0/8"],
    });
    const tls = { "x-forwarded-proto": "https" };
    const viaProxy = await signIn(behindProxy, reviewer, tls, { incoming: { socket: { remoteAddress: "10.0.0.5" } } });
    expect(viaProxy.headers.get("set-cookie")).toMatch(/; Secure/);
    const forged = await signIn(behindProxy, reviewer, tls, {
      incoming: { socket: { remoteAddress: "198.51.100.7" } },
    });
    expect(forged.headers.get("set-cookie")).not.toMatch(/; Secure/);
    const direct = await behindProxy.request("https://dashboard.example.vn/dashboard/login", {
      method: "POST",
      body: new URLSearchParams({ key: reviewer }),
    });
    expect(direct.headers.get("set-cookie")).toMatch(/; Secure/);
  });

  it("refuse a form posted from another site, sign-in included, and start no session", async () => {
    await seedReference(t);
    const reviewer = await t.key("province", "01");
    const crossSite: Record<string, string>[] = [
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "https://evil.example", host: "dashboard.example.vn" },
    ];
    for (const headers of crossSite) {
      const res = await signIn(t.app, reviewer, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers.get("set-cookie")).toBeNull();
    }
    const ownSite: Record<string, string>[] = [{ "sec-fetch-site": "same-origin" }, { origin: "null" }, {}];
    for (const headers of ownSite)
      expect((await signIn(t.app, reviewer, headers)).status, JSON.stringify(headers)).toBe(303);
  });
});

describe("the dashboard's forms", () => {
  it("take at most 16 KiB: a larger sign-in is 413 before it is read, declared or streamed", async () => {
    const big = "key=" + "x".repeat(64 * 1024);
    const declared = await t.app.request("/dashboard/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "content-length": String(big.length) },
      body: big,
    });
    expect(declared.status).toBe(413);
    const streamed = await t.app.request("/dashboard/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new Blob([big]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });
});
