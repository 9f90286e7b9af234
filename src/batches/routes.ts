import { createRoute, z } from "@hono/zod-openapi";
import { callerOf, requireRole } from "../auth/caller.ts";
import { BatchDocSchema } from "../claims/schema.ts";
import type { AppDeps } from "../deps.ts";
import { ListQuery } from "../http/paging.ts";
import { unprocessable } from "../http/problem.ts";
import { router } from "../http/router.ts";
import { Text, FacilityCode, json, listOf, readProblems, refusingWhole } from "../http/schemas.ts";
import { listBatches } from "./list.ts";
import { listBatchRejections, storedBatch } from "./read.ts";
import { BatchRejectionSchema, BatchResponseSchema, BatchSummarySchema, ListBatchesQuery } from "./schema.ts";
import { submitBatch } from "./submit.ts";

const listRoute = createRoute({
  operationId: "listBatches",
  method: "get",
  path: "/",
  tags: ["Batches"],
  summary: "List the batches in the key's scope, newest received first, with their counts",
  description:
    "A facility key lists its own batches; a province key those of the facilities recorded under its province (or " +
    "under a province merged into it); a central key every facility's, or one with ?facility=. Each chunk of an " +
    "XML file is listed as the batch it is stored as.",
  request: { query: ListBatchesQuery },
  responses: { 200: json(listOf(BatchSummarySchema, "BatchPage")), ...readProblems },
});

const rejectionsRoute = createRoute({
  operationId: "listBatchRejections",
  method: "get",
  path: "/{batchId}/rejections",
  tags: ["Batches"],
  summary: "The rejected claims of a stored batch and why (facility: its own; central: with ?facility=)",
  description:
    "One item per entry of the stored response's errors, in claim order (a claim with several problems has " +
    "several). The batchId of an XML file lists every chunk of the file stored so far; each item names the stored " +
    "batch it is in.",
  request: {
    params: z.object({ batchId: Text }),
    query: ListQuery.extend({ facility: FacilityCode.optional() }),
  },
  responses: { 200: json(listOf(BatchRejectionSchema, "BatchRejectionPage")), ...readProblems },
});

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

  app.openapi(listRoute, async (ctx) => ctx.json(await listBatches(deps, callerOf(ctx), ctx.req.valid("query")), 200));

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

  app.openapi(rejectionsRoute, async (ctx) => {
    const input = { ...ctx.req.valid("query"), ...ctx.req.valid("param") };
    return ctx.json(await listBatchRejections(deps, callerOf(ctx), input), 200);
  });

  return app;
}
