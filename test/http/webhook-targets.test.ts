import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { deliverDue, SIGNATURE_HEADER, verifySignature, type WebhookRequest } from "../../src/alerts/deliver.ts";
import type { TargetPolicy } from "../../src/alerts/targets.ts";
import { pinnedHttpsPost } from "../../src/alerts/transport-node.ts";
import { createApp } from "../../src/app.ts";
import { seedReference, useTestApp } from "../support/harness.ts";
import { addSpending, setEstimate } from "../support/spending.ts";

const t = useTestApp();

/** A resolver that answers from a table the test can change, as DNS can between registration and delivery. */
function dns(table: Record<string, string[]>) {
  return async (host: string) => {
    const found = table[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return found;
  };
}

const appWith = (policy: TargetPolicy) =>
  createApp({ db: t.db, clock: t.clock, rules: t.rules, logger: t.logger, webhookTargets: policy });

async function register(app: ReturnType<typeof createApp>, url: string) {
  const res = await app.request("/v1/alerts/webhooks", {
    method: "POST",
    headers: { authorization: "Bearer test-central-key-0123456789", "content-type": "application/json" },
    body: JSON.stringify({ url }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Names resolving into each range a webhook may not reach, and what the refusal names. */
const FORBIDDEN: [host: string, addresses: string[], range: string][] = [
  ["loopback.example.vn", ["127.0.0.1"], "loopback"],
  ["ten.example.vn", ["10.1.2.3"], "private"],
  ["oneseventwo.example.vn", ["172.16.5.4"], "private"],
  ["home.example.vn", ["192.168.1.10"], "private"],
  ["metadata.example.vn", ["169.254.169.254"], "linkLocal"],
  ["cgnat.example.vn", ["100.64.0.7"], "carrierGradeNat"],
  ["zero.example.vn", ["0.0.0.0"], "unspecified"],
  ["multicast.example.vn", ["224.0.0.1"], "multicast"],
  ["v6loopback.example.vn", ["::1"], "loopback"],
  ["v6ula.example.vn", ["fd00:ec2::254"], "uniqueLocal"],
  ["v6linklocal.example.vn", ["fe80::1"], "linkLocal"],
  ["mapped.example.vn", ["::ffff:127.0.0.1"], "loopback"],
  ["mixed.example.vn", ["93.184.216.34", "10.0.0.5"], "private"],
];

describe("registering a webhook", () => {
  const policy: TargetPolicy = {
    resolve: dns({
      ...Object.fromEntries(FORBIDDEN.map(([host, addresses]) => [host, addresses])),
      "public.example.vn": ["93.184.216.34", "2606:2800:220:1::1"],
      "receiver.internal.example.vn": ["10.20.1.5"],
    }),
    allowed: [],
  };

  it.each(FORBIDDEN)(
    "refuses %s, which resolves to %j (%s), with 422 naming url, and stores nothing",
    async (host, _, range) => {
      await seedReference(t);
      const res = await register(appWith(policy), `https://${host}/hooks`);
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        { path: "url", code: "forbidden_target", message: expect.stringContaining(`is ${range}`) },
      ]);
      expect(await t.db.prisma.provinceWebhook.count()).toBe(0);
    },
  );

  it("refuses IP literals and local names whatever the resolver says, and names that do not resolve", async () => {
    await seedReference(t);
    const app = appWith(policy);
    for (const url of [
      "https://127.0.0.1/h",
      "https://[::1]/h",
      "https://169.254.169.254/latest",
      "https://localhost/h",
    ])
      expect((await register(app, url)).body.errors[0].code, url).toBe("forbidden_target");
    expect((await register(app, "https://nowhere.example.vn/h")).body.errors[0].message).toMatch(/does not resolve/);
    expect(await t.db.prisma.provinceWebhook.count()).toBe(0);
  });

  it("accepts a name whose every address is global unicast; a private range only when the operator allows it", async () => {
    await seedReference(t);
    expect((await register(appWith(policy), "https://public.example.vn/hooks")).status).toBe(201);
    expect((await register(appWith(policy), "https://receiver.internal.example.vn/h")).status).toBe(422);
    const operator = appWith({ ...policy, allowed: ["10.20.0.0/16"] });
    expect((await register(operator, "https://receiver.internal.example.vn/h")).status).toBe(201);
    expect((await register(operator, "https://ten.example.vn/h")).status).toBe(422);
  });
});

describe("delivering", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function raiseAlert() {
    await setEstimate(t, "79", 2025, "1000");
    await addSpending(t, [{ provinceCode: "79", year: 2025, facilityCode: "79001", spent: "900" }]);
    t.clock.advance(2_000);
  }

  it("checks the target again: a name that now resolves inside is refused, and nothing is sent", async () => {
    await seedReference(t);
    const table: Record<string, string[]> = { "vss.example.vn": ["93.184.216.34"] };
    const policy = { resolve: dns(table), allowed: [] };
    expect((await register(appWith(policy), "https://vss.example.vn/hooks")).status).toBe(201);
    await raiseAlert();
    table["vss.example.vn"] = ["169.254.169.254"];
    const sent: WebhookRequest[] = [];
    const transport = async (request: WebhookRequest) => (sent.push(request), 204);
    const deps = { db: t.db, clock: t.clock, logger: t.logger, webhookTargets: policy, webhookTransport: transport };
    expect(await deliverDue(deps)).toMatchObject({ attempted: 1, delivered: 0, retrying: 1 });
    expect(sent).toEqual([]);
    const [delivery] = await t.db.prisma.alertDelivery.findMany();
    expect(delivery!.lastError).toMatch(/^refused: vss\.example\.vn resolves to 169\.254\.169\.254 is linkLocal/);
  });

  /** An HTTPS receiver on 127.0.0.1 with a certificate for hooks.example.test, a name no DNS knows. */
  async function receiverAnswering(status: number) {
    const tls = { cert: readFileSync("test/fixtures/tls/hooks.crt"), key: readFileSync("test/fixtures/tls/hooks.key") };
    const received: { body: string; signature: string }[] = [];
    server = createServer(tls, (req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk));
      req.on("end", () => {
        received.push({ body, signature: String(req.headers[SIGNATURE_HEADER.toLowerCase()]) });
        res.writeHead(status, status === 302 ? { location: "https://169.254.169.254/" } : {}).end();
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const policy = { resolve: dns({ "hooks.example.test": ["127.0.0.1"] }), allowed: ["127.0.0.1/32"] };
    const hook = await register(appWith(policy), `https://hooks.example.test:${port}/alerts`);
    expect(hook.status).toBe(201);
    const deps = {
      db: t.db,
      clock: t.clock,
      logger: t.logger,
      webhookTargets: policy,
      webhookTransport: (request: WebhookRequest) => pinnedHttpsPost(request, tls.cert.toString()),
    };
    return { received, deps, secret: hook.body.secret as string };
  }

  it("connects to the address it checked and verifies TLS for the URL's host", async () => {
    await seedReference(t);
    const { received, deps, secret } = await receiverAnswering(204);
    await raiseAlert();
    expect(await deliverDue(deps)).toMatchObject({ attempted: 1, delivered: 1 });
    expect(received).toHaveLength(1);
    const now = Math.floor(t.clock.now().getTime() / 1000);
    expect(verifySignature(secret, received[0]!.signature, received[0]!.body, now)).toBe(true);
  });

  it("takes a redirect as a failed attempt and does not follow it", async () => {
    await seedReference(t);
    const { received, deps } = await receiverAnswering(302);
    await raiseAlert();
    expect(await deliverDue(deps)).toMatchObject({ attempted: 1, delivered: 0, retrying: 1 });
    expect(received).toHaveLength(1);
    const [delivery] = await t.db.prisma.alertDelivery.findMany();
    expect(delivery!.lastError).toBe("HTTP 302");
  });
});
