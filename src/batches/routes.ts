import { z } from "@hono/zod-openapi";
import { type Caller, callerOf, requireRole } from "../auth/caller.ts";
import { BatchDocSchema, BatchEnvelopeSchema } from "../claims/schema.ts";
import type { AppDeps } from "../deps.ts";
import { canonicalJson, sha256 } from "../domain/canonical.ts";
import { Problem, forbidden, notFound, unprocessable } from "../http/problem.ts";
import { router } from "../http/router.ts";
import { FacilityCode, json, problems } from "../http/schemas.ts";
import { validationProblem } from "../http/validation.ts";
import { ingestBatch } from "./ingest.ts";
import { type FacilityInfo, findFacilityInfo } from "./request.ts";
import { BatchResponseSchema, MAX_CLAIMS_PER_BATCH } from "./schema.ts";

/** The facility a batch is for: a facility key's own; a central key names it. */
async function batchFacility(deps: AppDeps, caller: Caller, named: string | undefined): Promise<FacilityInfo> {
  requireRole(caller, "facility", "central");
  if (caller.role === "facility" && named !== undefined && named !== caller.facilityCode)
    throw forbidden("a facility key submits batches for its own facility only");
  const code = caller.role === "facility" ? caller.facilityCode : named;
  if (code === undefined)
    throw unprocessable("a central key must name the facility", [
      { path: "facilityCode", code: "required", message: "required with a central key" },
    ]);
  const facility = await findFacilityInfo(deps, code);
  if (!facility)
    throw unprocessable("unknown facility", [
      { path: "facilityCode", code: "unknown_facility", message: `facility ${code} does not exist` },
    ]);
  return facility;
}

/** Claim batches from hospitals' systems (../shared/API.md "Claim batches"). */
export function batchesRoutes(deps: AppDeps) {
  const app = router();

  app.openAPIRegistry.registerPath({
    method: "post",
    path: "/",
    tags: ["Batches"],
    summary: "Submit a batch of claims (facility key, or central with facilityCode)",
    description:
      "Invalid claims do not block valid ones. Idempotent on batchId: the same body again returns the first response " +
      "with 200; other content under the same batchId is 409 batch_conflict. Over 5,000 claims: 413.",
    request: { body: { required: true, content: { "application/json": { schema: BatchDocSchema } } } },
    responses: {
      200: json(BatchResponseSchema, "Replay: the first response"),
      201: json(BatchResponseSchema, "Stored"),
      ...problems,
    },
  });
  app.post("/", async (ctx) => {
    const caller = callerOf(ctx);
    requireRole(caller, "facility", "central");
    const rawBody = await ctx.req.text();
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      throw new Problem(400, "malformed_json", "the request body is not valid JSON");
    }
    const envelope = BatchEnvelopeSchema.safeParse(body);
    if (!envelope.success) throw validationProblem(envelope.error, "batch");
    const { batchId, facilityCode, claims } = envelope.data;
    if (claims.length > MAX_CLAIMS_PER_BATCH)
      throw new Problem(
        413,
        "too_many_claims",
        `a batch holds at most ${MAX_CLAIMS_PER_BATCH} claims; this one has ${claims.length}`,
      );
    const facility = await batchFacility(deps, caller, facilityCode);
    // The bytes are hashed (cheap); a resend whose bytes differ is compared by content against the stored body.
    const sameContent = (stored: string) => {
      try {
        return canonicalJson(JSON.parse(stored)) === canonicalJson(body);
      } catch {
        return false; // not JSON: stored from another format
      }
    };
    const { status, response } = await ingestBatch(deps, {
      caller,
      facility,
      batchId,
      claims,
      bodyHash: sha256(rawBody),
      sameContent,
      rawBody,
    });
    return ctx.json(response, status);
  });

  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/{batchId}",
    tags: ["Batches"],
    summary: "A batch's response (facility: its own; central: with ?facility=)",
    request: { params: z.object({ batchId: z.string() }), query: z.object({ facility: FacilityCode.optional() }) },
    responses: { 200: json(BatchResponseSchema), ...problems },
  });
  app.get("/:batchId", async (ctx) => {
    const caller = callerOf(ctx);
    requireRole(caller, "facility", "central");
    const named = ctx.req.query("facility");
    if (named !== undefined && !FacilityCode.safeParse(named).success)
      throw unprocessable("invalid query: facility", [
        { path: "facility", code: "invalid_format", message: "must be 5 digits" },
      ]);
    const facilityCode = caller.role === "facility" ? caller.facilityCode : named;
    if (facilityCode === undefined)
      throw unprocessable("a central key must name the facility", [
        { path: "facility", code: "required", message: "required with a central key" },
      ]);
    // A facility asking about another facility's batch learns nothing: not found.
    if (caller.role === "facility" && named !== undefined && named !== caller.facilityCode) throw notFound("batch");
    const batch = await deps.db.prisma.batch.findUnique({
      where: { facilityCode_batchId: { facilityCode, batchId: ctx.req.param("batchId") } },
      select: { response: true },
    });
    if (!batch) throw notFound("batch");
    return ctx.json(batch.response as object, 200);
  });

  return app;
}
