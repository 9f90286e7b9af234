import { createRoute, z } from "@hono/zod-openapi";
import { callerOf, requireRole } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { ListQuery } from "../http/paging.ts";
import { notFound } from "../http/problem.ts";
import { router } from "../http/router.ts";
import { Text, json, jsonBody, listOf, noContent, problems, readProblems } from "../http/schemas.ts";
import { CreatedKey, CreateKey, createKey, KeyView, listKeys, revokeKey } from "./service.ts";

const createKeyRoute = createRoute({
  operationId: "createKey",
  method: "post",
  path: "/",
  tags: ["Keys"],
  summary: "Create an API key (central)",
  request: { body: jsonBody(CreateKey, "KeyInput") },
  responses: { 201: json(CreatedKey, "Created; the secret is shown once"), ...problems },
});

const listKeysRoute = createRoute({
  operationId: "listKeys",
  method: "get",
  path: "/",
  tags: ["Keys"],
  summary: "List API keys, without secrets (central)",
  request: { query: ListQuery },
  responses: { 200: json(listOf(KeyView, "ApiKeyPage")), ...readProblems },
});

const revokeKeyRoute = createRoute({
  operationId: "revokeKey",
  method: "delete",
  path: "/{id}",
  tags: ["Keys"],
  summary: "Revoke an API key (central)",
  request: { params: z.object({ id: Text }) },
  responses: { 204: noContent("Revoked"), ...problems },
});

/** API keys: created, listed and revoked by central keys only. */
export function keysRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(createKeyRoute, async (ctx) => {
    const caller = callerOf(ctx);
    requireRole(caller, "central");
    const who = { caller, requestId: ctx.get("requestId"), at: deps.clock.now() };
    return ctx.json(await createKey(deps, ctx.req.valid("json"), who), 201);
  });
  app.openapi(listKeysRoute, async (ctx) => {
    requireRole(callerOf(ctx), "central");
    return ctx.json(await listKeys(deps, ctx.req.valid("query")), 200);
  });
  app.openapi(revokeKeyRoute, async (ctx) => {
    const caller = callerOf(ctx);
    requireRole(caller, "central");
    const who = { caller, requestId: ctx.get("requestId"), at: deps.clock.now() };
    if (!(await revokeKey(deps, ctx.req.valid("param").id, who))) throw notFound("key");
    return ctx.body(null, 204);
  });
  return app;
}
