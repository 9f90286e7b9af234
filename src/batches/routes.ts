import { z } from "@hono/zod-openapi";
import { callerOf, requireRole } from "../auth/caller.ts";
import { BatchDocSchema } from "../claims/schema.ts";
import type { AppDeps } from "../deps.ts";
import { unprocessable } from "../http/problem.ts";
import { router } from "../http/router.ts";
import { Text, FacilityCode, json, readProblems, refusingWhole } from "../http/schemas.ts";
import { BatchResponseSchema } from "./schema.ts";
import { storedBatch, submitBatch } from "./submit.ts";

/** Claim batches from hospitals' systems (docs/api.md "Claim batches"). */
export function batchesRoutes(deps: AppDeps) {
  const app = router();

  // The body is read as text, not validated by the router: its bytes are hashed and kept, and a bad claim must not
  // refuse the whole batch.
  app.openAPIRegistry.registerPath({
    operationId: "submitBatch",
    method: "post",
    path: "/",
    tags: ["Batches"],
    summary: "Submit a batch of claims (facility key, or central with facilityCode)",
    description:
      "Invalid claims do not block valid ones. Idempotent on batchId: the same body again returns the first response " +
      "with 200; other content under the same batchId is 409 batch_conflict. Over 5,000 claims: 413.",
    request: { body: { required: true, content: { "application/json": { schema: BatchDocSchema } } } },
    responses: {
      200: json(BatchResponseSchema, "Replay: the first response, unchanged; nothing stored"),
      201: json(
        BatchResponseSchema,
        "Stored. Each claim is taken or rejected alone: a claim with a problem in its own fields, a claimId seen " +
          "earlier in the batch (duplicate_in_batch) or a claim already decided (claim_already_decided) has outcome " +
          "`rejected` with its `errors`, and the others are stored",
      ),
      ...refusingWhole("The batch", {
        400: "the body is not JSON",
        409: "batch_conflict: the batchId was used before for other content",
        413: "over the body cap (32 MiB by default), or over 5,000 claims (too_many_claims)",
        422:
          "the envelope (batchId, facilityCode, claims); a NUL, an unpaired surrogate or nesting past 32 anywhere; " +
          "or a total past the largest storable amount (amount_out_of_range)",
      }),
    },
  });
  app.post("/", async (ctx) => {
    const { status, response } = await submitBatch(deps, callerOf(ctx), await ctx.req.text());
    return ctx.json(response, status);
  });

  app.openAPIRegistry.registerPath({
    operationId: "getBatch",
    method: "get",
    path: "/{batchId}",
    tags: ["Batches"],
    summary: "A batch's response (facility: its own; central: with ?facility=)",
    request: { params: z.object({ batchId: Text }), query: z.object({ facility: FacilityCode.optional() }) },
    responses: { 200: json(BatchResponseSchema), ...readProblems },
  });
  app.get("/:batchId", async (ctx) => {
    requireRole(callerOf(ctx), "facility", "central");
    const named = ctx.req.query("facility");
    if (named !== undefined && !FacilityCode.safeParse(named).success)
      throw unprocessable("invalid query: facility", [
        { path: "facility", code: "invalid_format", message: "must be 5 digits" },
      ]);
    return ctx.json(await storedBatch(deps, callerOf(ctx), ctx.req.param("batchId"), named), 200);
  });

  return app;
}
