import { describe, expect, it } from "vitest";
import {
  DELIVERY_HEADER,
  deliverDue,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  verifySignature,
} from "../../src/alerts/deliver.ts";
import { seedReference, useTestApp, type TestContext } from "../support/harness.ts";
import { addSpending, addSpendingIn, setEstimate } from "../support/spending.ts";

const t = useTestApp();
const Y = 2025;

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A receiver: records what it gets and answers with the statuses given, in turn (the last one repeats). */
function receiver(...statuses: (number | "hang")[]) {
  const sent: Sent[] = [];
  let i = 0;
  const fetchImpl = (async (url: string, init: RequestInit) => {
    sent.push({ url, headers: init.headers as Record<string, string>, body: String(init.body) });
    const status = statuses[Math.min(i++, statuses.length - 1)]!;
    if (status === "hang")
      return new Promise<Response>((_, reject) =>
        init.signal!.addEventListener("abort", () => reject(init.signal!.reason)),
      );
    return new Response(status === 204 || status === 302 ? null : "ok", { status });
  }) as unknown as typeof fetch;
  return { sent, fetch: fetchImpl };
}

const deps = (t: TestContext) => ({ db: t.db, clock: t.clock, logger: t.logger });
const deliveries = (t: TestContext) =>
  t.db.prisma.alertDelivery.findMany({ orderBy: [{ createdAt: "asc" }, { url: "asc" }] });

async function subscribe(t: TestContext, body: Record<string, unknown>, key?: string) {
  const res = await t.json("POST", "/v1/alerts/webhooks", { body, ...(key ? { key } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; provinceCode: string | null; url: string; secret: string };
}

async function crossIn(t: TestContext, provinceCode: string) {
  await setEstimate(t, provinceCode, Y, "1000");
  await addSpending(t, [{ provinceCode, year: Y, facilityCode: `${provinceCode}001`, spent: "900" }]);
}

describe("subscribing to alerts", () => {
  it("central subscribes for every province or one; a province for its own; the secret is shown once", async () => {
    await seedReference(t);
    const all = await subscribe(t, { url: "https://vss.example.vn/hooks" });
    expect(all).toMatchObject({ provinceCode: null, url: "https://vss.example.vn/hooks" });
    expect(all.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const hn = await t.key("province", "01");
    const own = await subscribe(t, { url: "https://soyte.hanoi.example.vn/hooks" }, hn);
    expect(own.provinceCode).toBe("01");

    const listed = await t.json("GET", "/v1/alerts/webhooks");
    expect(listed.body.data.map((w: any) => w.id).sort()).toEqual([all.id, own.id].sort());
    expect(JSON.stringify(listed.body)).not.toContain("whsec_");
    // A province sees its own subscriptions, not central's.
    expect((await t.json("GET", "/v1/alerts/webhooks", { key: hn })).body.data.map((w: any) => w.id)).toEqual([own.id]);
    const audits = await t.db.prisma.auditLog.findMany({ where: { entity: "province_webhook" } });
    expect(audits.map((a) => a.action)).toEqual(["webhook.create", "webhook.create"]);
    expect(JSON.stringify(audits.map((a) => [a.before, a.after]))).not.toContain("whsec_");
  });

  it("refuses plain http, credentials in the URL, an unknown province, another province, and facility keys", async () => {
    await seedReference(t);
    const hn = await t.key("province", "01");
    for (const [body, code] of [
      [{ url: "http://soyte.example.vn/hooks" }, "invalid"],
      [{ url: "https://user:pw@soyte.example.vn/hooks" }, "invalid"],
      [{ url: "not a url" }, "invalid"],
      [{ url: "https://a.example", provinceCode: "99" }, "unknown_province"],
    ] as const) {
      const res = await t.json("POST", "/v1/alerts/webhooks", { body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.errors[0].code).toBe(code);
    }
    expect(
      (await t.json("POST", "/v1/alerts/webhooks", { key: hn, body: { url: "https://a.example", provinceCode: "79" } }))
        .status,
    ).toBe(403);
    expect(
      (
        await t.json("POST", "/v1/alerts/webhooks", {
          key: await t.key("facility", "01001"),
          body: { url: "https://a.example" },
        })
      ).status,
    ).toBe(403);
  });

  it("removing a webhook drops its queued deliveries; another province cannot see or remove it", async () => {
    await seedReference(t);
    const hook = await subscribe(t, { url: "https://a.example/h", provinceCode: "01" });
    await crossIn(t, "01");
    expect(await t.db.prisma.alertDelivery.count()).toBe(1);
    const hcm = await t.key("province", "79");
    expect((await t.call("DELETE", `/v1/alerts/webhooks/${hook.id}`, { key: hcm })).status).toBe(404);
    expect((await t.call("GET", `/v1/alerts/webhooks/${hook.id}/deliveries`, { key: hcm })).status).toBe(404);
    expect((await t.call("DELETE", `/v1/alerts/webhooks/${hook.id}`)).status).toBe(204);
    expect((await t.call("DELETE", `/v1/alerts/webhooks/${hook.id}`)).status).toBe(404);
    expect(await t.db.prisma.alertDelivery.count()).toBe(0);
    expect((await t.json("GET", "/v1/alerts")).body.data).toHaveLength(1);
  });
});

describe("queuing deliveries with the alert", () => {
  it("each new alert is queued for its province's webhooks and the all-province ones, and only once", async () => {
    await seedReference(t);
    const all = await subscribe(t, { url: "https://vss.example.vn/hooks" });
    const hn = await subscribe(t, { url: "https://hn.example.vn/hooks", provinceCode: "01" });
    await subscribe(t, { url: "https://hcm.example.vn/hooks", provinceCode: "79" });
    await crossIn(t, "01");
    await addSpending(t, [{ provinceCode: "01", year: Y, facilityCode: "01001", spent: "10" }]); // no new alert
    const [alert] = (await t.json("GET", "/v1/alerts")).body.data;
    const queued = await deliveries(t);
    expect(queued.map((d) => [d.alertId, d.webhookId, d.url, d.status, d.attempts]).sort()).toEqual(
      [
        [alert.id, hn.id, "https://hn.example.vn/hooks", "pending", 0],
        [alert.id, all.id, "https://vss.example.vn/hooks", "pending", 0],
      ].sort(),
    );
    expect(queued.every((d) => d.nextAttemptAt.getTime() === t.clock.now().getTime())).toBe(true);
  });

  it("a transaction that rolls back leaves neither alert nor delivery", async () => {
    await seedReference(t);
    await subscribe(t, { url: "https://vss.example.vn/hooks" });
    await setEstimate(t, "01", Y, "1000");
    await expect(
      t.db.prisma.$transaction(async (tx) => {
        await addSpendingIn(tx, t, [{ provinceCode: "01", year: Y, facilityCode: "01001", spent: "900" }]);
        expect(await tx.alertDelivery.count()).toBe(1);
        throw new Error("batch failed later");
      }),
    ).rejects.toThrow("batch failed later");
    expect(await t.db.prisma.alert.count()).toBe(0);
    expect(await t.db.prisma.alertDelivery.count()).toBe(0);
  });
});

describe("sending deliveries", () => {
  it("POSTs the alert, signed with the webhook's secret, and marks it delivered once", async () => {
    await seedReference(t);
    const hook = await subscribe(t, { url: "https://vss.example.vn/hooks" });
    await crossIn(t, "79");
    const [alert] = (await t.json("GET", "/v1/alerts")).body.data;
    const rx = receiver(204);

    t.clock.advance(2_000);
    expect(await deliverDue(deps(t), { fetch: rx.fetch })).toEqual({
      attempted: 1,
      delivered: 1,
      retrying: 0,
      failed: 0,
    });
    expect(rx.sent).toHaveLength(1);
    const [sent] = rx.sent;
    expect(sent!.url).toBe("https://vss.example.vn/hooks");
    expect(sent!.headers[EVENT_HEADER]).toBe("alert.raised");
    expect(
      verifySignature(
        hook.secret,
        sent!.headers[SIGNATURE_HEADER]!,
        sent!.body,
        Math.floor(t.clock.now().getTime() / 1000),
      ),
    ).toBe(true);
    const payload = JSON.parse(sent!.body);
    expect(payload).toEqual({
      id: sent!.headers[DELIVERY_HEADER],
      type: "alert.raised",
      createdAt: "2026-06-15T03:00:00.000Z",
      data: alert,
    });

    const [row] = await deliveries(t);
    expect(row).toMatchObject({
      id: payload.id,
      status: "delivered",
      attempts: 1,
      lastError: null,
      deliveredAt: t.clock.now(),
    });
    expect(await deliverDue(deps(t), { fetch: rx.fetch })).toMatchObject({ attempted: 0 });
    expect(rx.sent).toHaveLength(1);

    const listed = await t.json("GET", `/v1/alerts/webhooks/${hook.id}/deliveries`);
    expect(listed.body.data).toEqual([
      {
        id: payload.id,
        alertId: alert.id,
        url: hook.url,
        status: "delivered",
        attempts: 1,
        nextAttemptAt: null,
        lastError: null,
        deliveredAt: "2026-06-15T03:00:02.000Z",
        createdAt: "2026-06-15T03:00:00.000Z",
      },
    ]);
  });

  it("retries a failing receiver with growing delays, then gives up", async () => {
    await seedReference(t);
    const hook = await subscribe(t, { url: "https://down.example/hooks" });
    await crossIn(t, "01");
    const rx = receiver(500, 302, "hang");
    const options = { fetch: rx.fetch, maxAttempts: 3, timeoutMs: 50 };

    expect(await deliverDue(deps(t), options)).toMatchObject({ attempted: 1, retrying: 1 });
    let [row] = await deliveries(t);
    expect(row).toMatchObject({
      status: "pending",
      attempts: 1,
      lastError: "HTTP 500",
      nextAttemptAt: new Date(t.clock.now().getTime() + 30_000),
    });

    t.clock.advance(29_999);
    expect(await deliverDue(deps(t), options)).toMatchObject({ attempted: 0 });
    t.clock.advance(1);
    expect(await deliverDue(deps(t), options)).toMatchObject({ attempted: 1, retrying: 1 });
    [row] = await deliveries(t);
    expect(row).toMatchObject({
      status: "pending",
      attempts: 2,
      lastError: "HTTP 302",
      nextAttemptAt: new Date(t.clock.now().getTime() + 60_000),
    });

    t.clock.advance(60_000);
    expect(await deliverDue(deps(t), options)).toMatchObject({ attempted: 1, failed: 1 });
    [row] = await deliveries(t);
    expect(row).toMatchObject({ status: "failed", attempts: 3, lastError: "timed out after 50 ms", deliveredAt: null });
    t.clock.advance(24 * 3600_000);
    expect(await deliverDue(deps(t), options)).toMatchObject({ attempted: 0 });
    expect(rx.sent).toHaveLength(3);
    expect(t.logger.lines.filter((l) => l.includes("alert webhook delivery failed"))).toHaveLength(3);
    expect(t.logger.lines.join("\n")).not.toContain(hook.secret);
  });

  it("concurrent rounds send each delivery once", async () => {
    await seedReference(t);
    for (const n of [1, 2, 3]) await subscribe(t, { url: `https://r${n}.example/hooks` });
    await crossIn(t, "01");
    await crossIn(t, "79");
    const rx = receiver(200);
    const rounds = await Promise.all([
      deliverDue(deps(t), { fetch: rx.fetch }),
      deliverDue(deps(t), { fetch: rx.fetch }),
      deliverDue(deps(t), { fetch: rx.fetch }),
    ]);
    expect(rounds.reduce((n, r) => n + r.delivered, 0)).toBe(6);
    expect(rx.sent).toHaveLength(6);
    expect(new Set(rx.sent.map((s) => s.headers[DELIVERY_HEADER])).size).toBe(6);
  });

  it("a receiver that does not answer never holds up ingestion", async () => {
    await seedReference(t);
    await subscribe(t, { url: "https://slow.example/hooks" });
    await crossIn(t, "01");
    let release!: () => void;
    let called!: () => void;
    const fetching = new Promise<void>((resolve) => (called = resolve));
    const slow = (async () => {
      called();
      await new Promise<void>((resolve) => (release = resolve));
      return new Response(null, { status: 200 });
    }) as unknown as typeof fetch;
    const round = deliverDue(deps(t), { fetch: slow });
    await fetching;

    // While the receiver hangs: spending moves, an alert is raised and read, within the harness's time limits.
    await crossIn(t, "79");
    expect((await t.json("GET", "/v1/alerts")).body.data).toHaveLength(2);
    expect(await t.db.prisma.alertDelivery.count({ where: { status: "pending" } })).toBe(2);

    release();
    expect(await round).toMatchObject({ attempted: 1, delivered: 1 });
  });
});
