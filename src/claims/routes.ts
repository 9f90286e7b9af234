import { createRoute, z } from "@hono/zod-openapi";
import { callerOf } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { CLAIM_STATUSES, DECISION_OUTCOMES } from "../domain/claim-status.ts";
import { CLAIM_FLAGS } from "../domain/flags.ts";
import { ListQuery } from "../http/paging.ts";
import { notFound } from "../http/problem.ts";
import { router } from "../http/router.ts";
import { FacilityCode, Money, ProvinceCode, json, jsonBody, listOf, problems, readProblems } from "../http/schemas.ts";
import { ClaimDetail, ClaimSummary } from "./contract.ts";
import { decideClaim } from "./decide.ts";
import { claimDetail, claimScope, listClaims } from "./read.ts";

const ListClaimsQuery = ListQuery.extend({
  province: ProvinceCode.optional(),
  facility: FacilityCode.optional(),
  status: z.enum(CLAIM_STATUSES).optional(),
  stuck: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional().openapi({ format: "int32" }),
  month: z.coerce.number().int().min(1).max(12).optional().openapi({ format: "int32", description: "discharge month" }),
  flag: z.enum(CLAIM_FLAGS).optional(),
  missingDocument: z
    .string()
    .max(64)
    .regex(/^[a-z_]{1,64}$/)
    .optional()
    .openapi({ description: "claims pending documentation that still miss this document type" }),
  hasFindings: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional()
    .openapi({
      description:
        "true: claims whose current version automated assessment found something in (a warning or a cut; " +
        "`findings` of GET /v1/claims/{facilityCode}/{claimId}); false: those it found nothing in",
    }),
});

const Decision = z
  .object({
    outcome: z.enum(DECISION_OUTCOMES),
    approvedAmount: z
      .union([z.literal("proposed"), Money])
      .optional()
      .openapi({
        description:
          "approved: the amount the fund pays (default: the claimed insurance amount; may not exceed it), or " +
          '"proposed": what automated assessment proposed (the claimed amount less its cuts)',
      }),
    reason: z.string().trim().min(1).max(2000),
  })
  .strict();

const ClaimParams = z.object({ facilityCode: FacilityCode, claimId: z.string().min(1).max(64) });

const listRoute = createRoute({
  operationId: "listClaims",
  method: "get",
  path: "/",
  tags: ["Claims"],
  summary: "List claims in the key's scope, newest first",
  request: { query: ListClaimsQuery },
  responses: { 200: json(listOf(ClaimSummary, "ClaimPage")), ...readProblems },
});

const getRoute = createRoute({
  operationId: "getClaim",
  method: "get",
  path: "/{facilityCode}/{claimId}",
  tags: ["Claims"],
  summary: "One claim with its documents and history",
  request: { params: ClaimParams },
  responses: { 200: json(ClaimDetail), ...readProblems },
});

const decideRoute = createRoute({
  operationId: "decideClaim",
  method: "post",
  path: "/{facilityCode}/{claimId}/decision",
  tags: ["Claims"],
  summary: "Approve (with an amount) or deny a claim (central, or the claim's province); once only",
  request: { params: ClaimParams, body: jsonBody(Decision, "DecisionInput") },
  responses: { 200: json(ClaimDetail, "Decided"), ...problems },
});

/** Reading claims, and the agency's decision on one. */
export function claimsRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(listRoute, async (ctx) => ctx.json(await listClaims(deps, callerOf(ctx), ctx.req.valid("query")), 200));
  app.openapi(getRoute, async (ctx) => {
    const { facilityCode, claimId } = ctx.req.valid("param");
    const claim = await claimDetail(deps.db.prisma, { AND: [claimScope(callerOf(ctx)), { facilityCode, claimId }] });
    if (!claim) throw notFound("claim");
    return ctx.json(claim, 200);
  });
  app.openapi(decideRoute, async (ctx) => {
    const input = { ...ctx.req.valid("param"), ...ctx.req.valid("json"), requestId: ctx.get("requestId") };
    return ctx.json(await decideClaim(deps, callerOf(ctx), input), 200);
  });
  return app;
}
