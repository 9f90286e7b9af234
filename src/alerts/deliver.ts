import { createHmac, timingSafeEqual } from "node:crypto";
import { every, type Schedule } from "../schedule.ts";
import type { AppDeps } from "../deps.ts";
import { alertView } from "./view.ts";

/**
 * Alert webhooks, the sending side of the outbox. Deliveries are queued by
 * insertAlerts (evaluate.ts) in the transaction that raises the alert; this
 * module sends them afterwards, never inside a transaction, so a slow or dead
 * receiver never holds a lock that ingestion waits for.
 *
 * At least once: an attempt is claimed with a lease (next_attempt_at pushed
 * forward) before it is sent, so a process that dies mid-send leaves it to be
 * retried after the lease; receivers deduplicate by the X-Bhyt-Delivery id.
 * Several servers may run this at once: claiming skips rows another holds.
 */
export const DELIVERY_DEFAULTS = {
  /** Deliveries claimed per round. */
  batchSize: 50,
  /** How long a claimed attempt is reserved before another round may retry it. */
  leaseMs: 60_000,
  /** Per-request time limit. */
  timeoutMs: 10_000,
  /** Retry delays: 30 s, 1 min, 2 min, ... doubling, at most 6 h. */
  baseDelayMs: 30_000,
  maxDelayMs: 6 * 3600_000,
  /** After this many failed attempts (about 17 h with the delays above) the delivery is given up: status failed. */
  maxAttempts: 12,
};
export type DeliveryOptions = typeof DELIVERY_DEFAULTS;

export const SIGNATURE_HEADER = "X-Bhyt-Signature";
export const DELIVERY_HEADER = "X-Bhyt-Delivery";
export const EVENT_HEADER = "X-Bhyt-Event";

/** The wait after the `attempts`-th failed attempt. */
export function backoffMs(
  attempts: number,
  options: Pick<DeliveryOptions, "baseDelayMs" | "maxDelayMs"> = DELIVERY_DEFAULTS,
): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(options.baseDelayMs * 2 ** exponent, options.maxDelayMs);
}

/**
 * The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 * Signing the time with the body lets a receiver refuse replays of old deliveries.
 */
export function signature(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${unixSeconds}.${body}`, "utf8").digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}

/** What a receiver does: recompute, compare in constant time, and refuse stale timestamps. */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const stamp = Number(parts.t);
  if (!Number.isInteger(stamp) || Math.abs(nowSeconds - stamp) > toleranceSeconds || typeof parts.v1 !== "string")
    return false;
  const expected = Buffer.from(signature(secret, stamp, body).split("v1=")[1]!, "hex");
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface Claimed {
  id: string;
  alertId: string;
  webhookId: string;
  url: string;
  attempts: number;
  createdAt: Date;
}

export interface DeliveryRound {
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
}

/**
 * One round: claims the due deliveries, sends each (in parallel, each with a
 * time limit), records the outcomes. Three statements around the sends, none
 * held open while sending.
 */
export async function deliverDue(
  deps: Pick<AppDeps, "db" | "clock" | "logger">,
  options: Partial<DeliveryOptions> & { fetch?: typeof fetch } = {},
): Promise<DeliveryRound> {
  const opts = { ...DELIVERY_DEFAULTS, ...options };
  const send = options.fetch ?? fetch;
  const { prisma } = deps.db;
  const now = deps.clock.now();

  const claimed = await prisma.$queryRaw<Claimed[]>`
    UPDATE alert_delivery d SET attempts = d.attempts + 1, next_attempt_at =
      ${new Date(now.getTime() + opts.leaseMs)}::timestamptz
    FROM (
      SELECT id FROM alert_delivery
      WHERE status = 'pending' AND next_attempt_at <= ${now}::timestamptz
      ORDER BY next_attempt_at, id
      LIMIT ${opts.batchSize}
      FOR UPDATE SKIP LOCKED
    ) due
    WHERE d.id = due.id
    RETURNING d.id::text AS "id", d.alert_id::text AS "alertId", d.webhook_id::text AS "webhookId", d.url AS "url",
      d.attempts AS "attempts", d.created_at AS "createdAt"`;
  if (claimed.length === 0) return { attempted: 0, delivered: 0, retrying: 0, failed: 0 };

  const [hooks, alerts] = await Promise.all([
    prisma.provinceWebhook.findMany({
      where: { id: { in: [...new Set(claimed.map((c) => c.webhookId))] } },
      select: { id: true, secret: true },
    }),
    prisma.alert.findMany({
      where: { id: { in: [...new Set(claimed.map((c) => c.alertId))] } },
      include: { notes: true },
    }),
  ]);
  const secretOf = new Map(hooks.map((h) => [h.id, h.secret]));
  const alertOf = new Map(alerts.map((a) => [a.id, a]));

  const outcomes = await Promise.all(
    claimed.map(async (delivery) => {
      const secret = secretOf.get(delivery.webhookId);
      const alert = alertOf.get(delivery.alertId);
      // Removed in the meantime (cascade deletes the delivery too): nothing to send.
      if (secret === undefined || alert === undefined) return { d: delivery, error: "webhook or alert removed" };
      const body = JSON.stringify({
        id: delivery.id,
        type: "alert.raised",
        createdAt: new Date(delivery.createdAt).toISOString(),
        data: alertView(alert),
      });
      try {
        const res = await send(delivery.url, {
          method: "POST",
          redirect: "manual",
          signal: AbortSignal.timeout(opts.timeoutMs),
          headers: {
            "Content-Type": "application/json",
            "User-Agent": "bhyt-cost-control-webhooks/1",
            [DELIVERY_HEADER]: delivery.id,
            [EVENT_HEADER]: "alert.raised",
            [SIGNATURE_HEADER]: signature(secret, Math.floor(deps.clock.now().getTime() / 1000), body),
          },
          body,
        });
        await res.body?.cancel().catch(() => {});
        return { d: delivery, error: res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}` };
      } catch (err) {
        const failure = err as Error & { cause?: { code?: string; message?: string } };
        if (failure.name === "TimeoutError") return { d: delivery, error: `timed out after ${opts.timeoutMs} ms` };
        const cause = failure.cause ? ` (${failure.cause.code ?? failure.cause.message})` : "";
        return { d: delivery, error: `${failure.name}: ${failure.message}${cause}`.slice(0, 500) };
      }
    }),
  );

  const done = deps.clock.now();
  const rows = outcomes.map(({ d: delivery, error }) => {
    if (error === null) return { id: delivery.id, status: "delivered", next: done, error: null, deliveredAt: done };
    const giveUp = delivery.attempts >= opts.maxAttempts;
    deps.logger.warn("alert webhook delivery failed", {
      deliveryId: delivery.id,
      alertId: delivery.alertId,
      attempts: delivery.attempts,
      gaveUp: giveUp,
      error,
    });
    return {
      id: delivery.id,
      status: giveUp ? "failed" : "pending",
      next: new Date(done.getTime() + backoffMs(delivery.attempts, opts)),
      error,
      deliveredAt: null,
    };
  });
  await prisma.$executeRaw`
    UPDATE alert_delivery d
    SET status = u.status::"DeliveryStatus", next_attempt_at = u.next_at, last_error = u.error, delivered_at =
      u.delivered_at
    FROM unnest(
      ${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.status)}::text[],
        ${rows.map((r) => r.next.toISOString())}::timestamptz[],
      ${rows.map((r) => r.error)}::text[], ${rows.map((r) => r.deliveredAt?.toISOString() ?? null)}::timestamptz[]
    ) AS u(id, status, next_at, error, delivered_at)
    WHERE d.id = u.id`;

  return {
    attempted: rows.length,
    delivered: rows.filter((r) => r.status === "delivered").length,
    retrying: rows.filter((r) => r.status === "pending").length,
    failed: rows.filter((r) => r.status === "failed").length,
  };
}

/**
 * Runs deliverDue every `seconds` (0: never) in a long-running server; a round
 * still going when the next is due is not doubled, a failed round is logged
 * and the next one tries again. The timer does not keep the process alive.
 */
export function scheduleAlertDeliveries(
  deps: Pick<AppDeps, "db" | "clock" | "logger">,
  seconds: number,
  deliver: typeof deliverDue = deliverDue,
): Schedule {
  return every(seconds, "alert webhook round", deps.logger, async () => {
    const round = await deliver(deps);
    if (round.attempted > 0) deps.logger.info("alert webhooks sent", { ...round });
  });
}
