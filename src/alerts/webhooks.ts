import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { randomBytes, randomUUID } from "node:crypto";
import { audit } from "../audit/audit.ts";
import { type Caller, callerOf, requireRole } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { CursorField, decodeCursor, ListQuery, page } from "../http/paging.ts";
import { forbidden, notFound, unprocessable } from "../http/problem.ts";
import type { AppEnv } from "../http/router.ts";
import {
  Text,
  Count,
  ProvinceCode,
  Timestamp,
  iso,
  json,
  jsonBody,
  listOf,
  noContent,
  problems,
  readProblems,
} from "../http/schemas.ts";
import { DELIVERY_DEFAULTS, DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER } from "./deliver.ts";
import { checkTarget, literalOnlyPolicy } from "./targets.ts";

const HttpsUrl = z
  .string()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "https:" && !url.username && !url.password;
    } catch {
      return false;
    }
  }, "must be an https:// URL without credentials")
  .openapi({ example: "https://soyte.example.vn/hooks/bhyt-alerts", format: "uri", pattern: "^https://" });

const CreateWebhook = z
  .object({
    url: HttpsUrl,
    provinceCode: ProvinceCode.optional().openapi({
      description: "whose alerts to send. Central: absent = every province. Province key: absent or its own province.",
    }),
  })
  .strict();

const WebhookView = z
  .object({
    id: z.string().uuid().max(36),
    provinceCode: Text.nullable().openapi({ description: "null: every province" }),
    url: Text,
    createdAt: Timestamp,
  })
  .openapi("AlertWebhook");
const CreatedWebhook = WebhookView.extend({
  secret: Text.openapi({ description: `the HMAC-SHA256 key of the ${SIGNATURE_HEADER} header; shown only here` }),
}).openapi("CreatedAlertWebhook");

const DeliveryView = z
  .object({
    id: z
      .string()
      .uuid()
      .max(36)
      .openapi({ description: `sent as ${DELIVERY_HEADER}; the same on every retry` }),
    alertId: z.string().uuid().max(36),
    url: Text,
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: Count,
    nextAttemptAt: Timestamp.nullable().openapi({
      description: "pending: when the next attempt is due; otherwise null",
    }),
    lastError: Text.nullable(),
    deliveredAt: Timestamp.nullable(),
    createdAt: Timestamp,
  })
  .openapi("AlertDelivery");

const IdParam = z.object({ id: Text });
const UUID = z.uuid();

type HookRow = { id: string; provinceCode: string | null; url: string; createdAt: Date };
const webhookView = (w: HookRow) => ({
  id: w.id,
  provinceCode: w.provinceCode,
  url: w.url,
  createdAt: w.createdAt.toISOString(),
});

/** Central sees every webhook; a province key only its own province's (not central's all-province ones). */
function scopeWhere(caller: Caller): Prisma.ProvinceWebhookWhereInput {
  return caller.role === "central" ? {} : { provinceCode: caller.provinceCode };
}

async function findInScope(deps: Pick<AppDeps, "db">, caller: Caller, id: string) {
  if (!UUID.safeParse(id).success) throw notFound("webhook");
  const hook = await deps.db.prisma.provinceWebhook.findFirst({ where: { id, ...scopeWhere(caller) } });
  if (!hook) throw notFound("webhook");
  return hook;
}

const PROTOCOL = [
  `Each new alert is POSTed as JSON \`{ "id", "type": "alert.raised", "createdAt", "data": <Alert> }\` (data as the ` +
    `alert is when sent).`,
  `Headers: ${EVENT_HEADER}: alert.raised; ${DELIVERY_HEADER}: the delivery id (the same on retries: deduplicate by ` +
    `it);`,
  `${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")> — recompute it, compare in ` +
    `constant time, refuse old timestamps.`,
  `Any 2xx is success; anything else, a redirect, or no answer within ${DELIVERY_DEFAULTS.timeoutMs / 1000} s is ` +
    `retried after 30 s, 1 min, 2 min, ... (doubling, at most 6 h),`,
  `${DELIVERY_DEFAULTS.maxAttempts} attempts in all, then the delivery is marked failed. Delivery is at least once ` +
    `and never delays the transaction that raised the alert.`,
].join(" ");

/** A province key subscribes its own province only; central any province, or every one (null). */
async function subscribedProvince(deps: Pick<AppDeps, "db">, caller: Caller, named: string | undefined) {
  let provinceCode: string | null = named ?? null;
  if (caller.role === "province") {
    if (provinceCode !== null && provinceCode !== caller.provinceCode)
      throw forbidden("a province key subscribes to its own province's alerts only", { reason: "own_province_alerts" });
    provinceCode = caller.provinceCode;
  }
  if (provinceCode !== null && !(await deps.db.prisma.province.findUnique({ where: { code: provinceCode } })))
    throw unprocessable("unknown province", [
      {
        path: "provinceCode",
        code: "unknown_province",
        message: `province ${provinceCode} does not exist`,
        params: { province: provinceCode },
      },
    ]);
  return provinceCode;
}

/** Subscribes a URL to new alerts; the secret that signs deliveries is returned here only. */
export async function createWebhook(
  deps: Pick<AppDeps, "db" | "clock" | "webhookTargets">,
  caller: Caller,
  input: { url: string; provinceCode?: string | undefined; requestId: string },
) {
  requireRole(caller, "central", "province");
  const provinceCode = await subscribedProvince(deps, caller, input.provinceCode);
  const target = await checkTarget(deps.webhookTargets ?? literalOnlyPolicy, input.url);
  if (!target.ok)
    throw unprocessable("the webhook URL points where the service may not call", [
      { path: "url", code: "forbidden_target", message: target.reason, params: { host: target.host, why: target.why } },
    ]);
  const at = deps.clock.now();
  const secret = `whsec_${randomBytes(32).toString("base64url")}`;
  const hook = await deps.db.prisma.$transaction(async (tx) => {
    const created = await tx.provinceWebhook.create({
      data: { id: randomUUID(), provinceCode, url: input.url, secret, createdAt: at },
    });
    await audit(
      tx,
      { caller, requestId: input.requestId, at },
      { action: "webhook.create", entity: "province_webhook", entityId: created.id, after: webhookView(created) },
    );
    return created;
  });
  return { ...webhookView(hook), secret };
}

/** The caller's webhooks, without secrets, by id. */
export async function listWebhooks(
  deps: Pick<AppDeps, "db">,
  caller: Caller,
  query: { limit: number; cursor?: string | undefined },
) {
  requireRole(caller, "central", "province");
  const after = decodeCursor(query.cursor, z.tuple([CursorField.uuid]));
  const rows = await deps.db.prisma.provinceWebhook.findMany({
    where: { ...scopeWhere(caller), ...(after ? { id: { gt: String(after[0]) } } : {}) },
    orderBy: { id: "asc" },
    take: query.limit + 1,
  });
  const { data, nextCursor } = page(rows, query.limit, (hook) => [hook.id]);
  return { data: data.map(webhookView), nextCursor };
}

/** Removes a webhook and its queued deliveries. */
export async function deleteWebhook(
  deps: Pick<AppDeps, "db" | "clock">,
  caller: Caller,
  input: { id: string; requestId: string },
) {
  requireRole(caller, "central", "province");
  const hook = await findInScope(deps, caller, input.id);
  const at = deps.clock.now();
  await deps.db.prisma.$transaction(async (tx) => {
    await tx.provinceWebhook.delete({ where: { id: hook.id } });
    await audit(
      tx,
      { caller, requestId: input.requestId, at },
      { action: "webhook.delete", entity: "province_webhook", entityId: hook.id, before: webhookView(hook) },
    );
  });
}

/** Deliveries are listed by (createdAt desc, id desc); a cursor is that of the page's last one. */
function deliveriesAfter(cursor: string | undefined): Prisma.AlertDeliveryWhereInput {
  const key = decodeCursor(cursor, z.tuple([CursorField.instant, CursorField.uuid]));
  if (!key) return {};
  const at = new Date(key[0]);
  return { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: key[1] } }] };
}

type DeliveryRow = Prisma.AlertDeliveryGetPayload<object>;
const deliveryView = (delivery: DeliveryRow) => ({
  id: delivery.id,
  alertId: delivery.alertId,
  url: delivery.url,
  status: delivery.status,
  attempts: delivery.attempts,
  nextAttemptAt: delivery.status === "pending" ? delivery.nextAttemptAt.toISOString() : null,
  lastError: delivery.lastError,
  deliveredAt: iso(delivery.deliveredAt),
  createdAt: delivery.createdAt.toISOString(),
});

/** A webhook's deliveries, newest first, with their attempts and last error. */
export async function listDeliveries(
  deps: Pick<AppDeps, "db">,
  caller: Caller,
  input: { id: string; limit: number; cursor?: string | undefined },
) {
  requireRole(caller, "central", "province");
  const hook = await findInScope(deps, caller, input.id);
  const rows = await deps.db.prisma.alertDelivery.findMany({
    where: { AND: [{ webhookId: hook.id }, deliveriesAfter(input.cursor)] },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
  });
  const { data, nextCursor } = page(rows, input.limit, (delivery) => [delivery.createdAt.toISOString(), delivery.id]);
  return { data: data.map(deliveryView), nextCursor };
}

const createRouteDef = createRoute({
  operationId: "createWebhook",
  method: "post",
  path: "/webhooks",
  tags: ["Alerts"],
  summary: "Subscribe a URL to new alerts (central, or a province for its own)",
  description: PROTOCOL,
  request: { body: jsonBody(CreateWebhook, "WebhookInput") },
  responses: { 201: json(CreatedWebhook, "Created; the secret is shown once"), ...problems },
});

const listRouteDef = createRoute({
  operationId: "listWebhooks",
  method: "get",
  path: "/webhooks",
  tags: ["Alerts"],
  summary: "List alert webhooks, without secrets (central: all; province: its own)",
  request: { query: ListQuery },
  responses: { 200: json(listOf(WebhookView, "AlertWebhookPage")), ...readProblems },
});

const deleteRouteDef = createRoute({
  operationId: "deleteWebhook",
  method: "delete",
  path: "/webhooks/{id}",
  tags: ["Alerts"],
  summary: "Remove an alert webhook and its queued deliveries (central, or its province)",
  request: { params: IdParam },
  responses: { 204: noContent("Removed"), ...problems },
});

const deliveriesRouteDef = createRoute({
  operationId: "listWebhookDeliveries",
  method: "get",
  path: "/webhooks/{id}/deliveries",
  tags: ["Alerts"],
  summary: "A webhook's deliveries, newest first, with their attempts and last error",
  request: { params: IdParam, query: ListQuery },
  responses: { 200: json(listOf(DeliveryView, "AlertDeliveryPage")), ...readProblems },
});

/** Webhook subscriptions, under /v1/alerts/webhooks. Central: any province or all; province key: its own. */
export function addWebhookRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  app.openapi(createRouteDef, async (ctx) => {
    const input = { ...ctx.req.valid("json"), requestId: ctx.get("requestId") };
    return ctx.json(await createWebhook(deps, callerOf(ctx), input), 201);
  });
  app.openapi(listRouteDef, async (ctx) =>
    ctx.json(await listWebhooks(deps, callerOf(ctx), ctx.req.valid("query")), 200),
  );
  app.openapi(deleteRouteDef, async (ctx) => {
    await deleteWebhook(deps, callerOf(ctx), { id: ctx.req.valid("param").id, requestId: ctx.get("requestId") });
    return ctx.body(null, 204);
  });
  app.openapi(deliveriesRouteDef, async (ctx) => {
    const input = { ...ctx.req.valid("param"), ...ctx.req.valid("query") };
    return ctx.json(await listDeliveries(deps, callerOf(ctx), input), 200);
  });
}
