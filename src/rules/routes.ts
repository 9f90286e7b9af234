import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps } from "../deps.ts";
import { router } from "../http/router.ts";
import { json, readProblems } from "../http/schemas.ts";

const RulesView = z
  .object({
    usage: z.unknown(),
    documents: z.unknown(),
    timing: z.unknown(),
    backlog: z.unknown(),
    reports: z.unknown(),
    projection: z.unknown(),
  })
  .openapi("Rules", { description: "the rule files of RULES_DIR as validated at start-up" });

export function rulesRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    createRoute({
      operationId: "getRules",
      method: "get",
      path: "/",
      tags: ["Rules"],
      summary: "The rules in force (any key)",
      responses: { 200: json(RulesView), ...readProblems },
    }),
    (c) => c.json(deps.rules, 200),
  );
  return app;
}
