import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps } from "../deps.ts";
import { Problem } from "../http/problem.ts";
import { router } from "../http/router.ts";
import { Text, json, problem, seconds } from "../http/schemas.ts";

/** Liveness and readiness, without a key. */
export function opsRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    createRoute({
      operationId: "getHealth",
      method: "get",
      path: "/healthz",
      tags: ["Operations"],
      // For load balancers: no key.
      security: [],
      summary: "The process is up",
      responses: { 200: json(z.object({ status: z.literal("ok") }).openapi("Health"), "OK", {}) },
    }),
    (c) => c.json({ status: "ok" as const }, 200),
  );
  app.openapi(
    createRoute({
      operationId: "getReadiness",
      method: "get",
      path: "/readyz",
      tags: ["Operations"],
      security: [],
      summary: "The database answers",
      responses: {
        200: json(z.object({ status: z.literal("ready"), database: Text }).openapi("Readiness"), "OK", {}),
        503: problem("The database does not answer; retry", {
          "Retry-After": seconds("Seconds to wait before retrying", 1, true),
        }),
      },
    }),
    async (ctx) => {
      if (!(await deps.db.ping()))
        throw new Problem(503, "database_unavailable", "the database does not answer", undefined, {
          "Retry-After": "5",
        });
      return ctx.json({ status: "ready" as const, database: deps.db.kind }, 200);
    },
  );
  return app;
}
