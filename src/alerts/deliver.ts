import { createHmac, timingSafeEqual } from "node:crypto";
import * as sql from "./sql.ts";
import { every, type Schedule } from "../schedule.ts";
import type { AppDeps } from "../deps.ts";
import { checkTarget, literalOnlyPolicy } from "./targets.ts";
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

type Options = typeof DELIVERY_DEFAULTS & { fetch?: typeof fetch };

/** One signed POST to a checked target: `address` is what its host resolved to when checked (null: not resolved). */
export interface WebhookRequest {
  url: string;
  address: string | null;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** Sends a delivery and answers the HTTP status; follows no redirect, reads no more of the answer than it must. */
export type WebhookTransport = (request: WebhookRequest) => Promise<number>;

/** Through fetch (Workers, and tests' fake receivers): no redirect followed, the answer's body not read. */
export function fetchTransport(fetchImpl: typeof fetch): WebhookTransport {
  return async ({ url, headers, body, timeoutMs }) => {
    const res = await fetchImpl(url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
      headers,
      body,
    });
    await res.body?.cancel().catch(() => {});
    return res.status;
  };
}
type AlertWithNotes = Parameters<typeof alertView>[0];
interface Outcome {
  delivery: Claimed;
  error: string | null;
}

/** The webhooks' secrets and the alerts of the claimed deliveries, by id. */
async function targetsOf(deps: Pick<AppDeps, "db">, claimed: Claimed[]) {
  const { prisma } = deps.db;
  const [hooks, alerts] = await Promise.all([
    prisma.provinceWebhook.findMany({
      where: { id: { in: [...new Set(claimed.map((delivery) => delivery.webhookId))] } },
      select: { id: true, secret: true },
    }),
    prisma.alert.findMany({
      where: { id: { in: [...new Set(claimed.map((delivery) => delivery.alertId))] } },
      include: { notes: true },
    }),
  ]);
  return {
    secretOf: new Map(hooks.map((hook) => [hook.id, hook.secret])),
    alertOf: new Map<string, AlertWithNotes>(alerts.map((alert) => [alert.id, alert])),
  };
}

/** Sends one delivery, signed, to a target checked again now; the error in words, or null on a 2xx. */
async function sendOne(
  deps: Pick<AppDeps, "clock" | "webhookTargets" | "webhookTransport">,
  opts: Options,
  delivery: Claimed,
  secret: string,
  alert: AlertWithNotes,
): Promise<string | null> {
  const target = await checkTarget(deps.webhookTargets ?? literalOnlyPolicy, delivery.url);
  if (!target.ok) return `refused: ${target.reason}`.slice(0, 500);
  const body = JSON.stringify({
    id: delivery.id,
    type: "alert.raised",
    createdAt: new Date(delivery.createdAt).toISOString(),
    data: alertView(alert),
  });
  const headers = {
    "Content-Type": "application/json",
    "User-Agent": "bhyt-cost-control-webhooks/1",
    [DELIVERY_HEADER]: delivery.id,
    [EVENT_HEADER]: "alert.raised",
    [SIGNATURE_HEADER]: signature(secret, Math.floor(deps.clock.now().getTime() / 1000), body),
  };
  const transport = opts.fetch ? fetchTransport(opts.fetch) : (deps.webhookTransport ?? fetchTransport(fetch));
  try {
    const address = target.addresses[0] ?? null;
    const status = await transport({ url: delivery.url, address, headers, body, timeoutMs: opts.timeoutMs });
    return status >= 200 && status < 300 ? null : `HTTP ${status}`;
  } catch (err) {
    const failure = err as Error & { cause?: { code?: string; message?: string } };
    if (failure.name === "TimeoutError") return `timed out after ${opts.timeoutMs} ms`;
    const cause = failure.cause ? ` (${failure.cause.code ?? failure.cause.message})` : "";
    return `${failure.name}: ${failure.message}${cause}`.slice(0, 500);
  }
}

/** What each outcome makes of its delivery: delivered, retried after a backoff, or failed for good. */
function outcomeRows(deps: Pick<AppDeps, "clock" | "logger">, opts: Options, outcomes: Outcome[]) {
  const done = deps.clock.now();
  return outcomes.map(({ delivery, error }) => {
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
}

/**
 * One round: claims the due deliveries, sends each (in parallel, each with a
 * time limit), records the outcomes. Three statements around the sends, none
 * held open while sending.
 */
export async function deliverDue(
  deps: Pick<AppDeps, "db" | "clock" | "logger" | "webhookTargets" | "webhookTransport">,
  options: Partial<DeliveryOptions> & { fetch?: typeof fetch } = {},
): Promise<DeliveryRound> {
  const opts: Options = { ...DELIVERY_DEFAULTS, ...options };
  const now = deps.clock.now();
  const claimed = await deps.db.sql.query<Claimed>(sql.CLAIM_DUE_DELIVERIES, [
    new Date(now.getTime() + opts.leaseMs),
    now,
    opts.batchSize,
  ]);
  if (claimed.length === 0) return { attempted: 0, delivered: 0, retrying: 0, failed: 0 };
  const { secretOf, alertOf } = await targetsOf(deps, claimed);
  const outcomes = await Promise.all(
    claimed.map(async (delivery): Promise<Outcome> => {
      const secret = secretOf.get(delivery.webhookId);
      const alert = alertOf.get(delivery.alertId);
      // Removed in the meantime (cascade deletes the delivery too): nothing to send.
      if (secret === undefined || alert === undefined) return { delivery, error: "webhook or alert removed" };
      return { delivery, error: await sendOne(deps, opts, delivery, secret, alert) };
    }),
  );
  const rows = outcomeRows(deps, opts, outcomes);
  await deps.db.sql.query(sql.RECORD_DELIVERY_OUTCOMES, [
    rows.map((row) => row.id),
    rows.map((row) => row.status),
    rows.map((row) => row.next),
    rows.map((row) => row.error),
    rows.map((row) => row.deliveredAt),
  ]);
  return {
    attempted: rows.length,
    delivered: rows.filter((row) => row.status === "delivered").length,
    retrying: rows.filter((row) => row.status === "pending").length,
    failed: rows.filter((row) => row.status === "failed").length,
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
