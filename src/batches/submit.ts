import type { Caller } from "../auth/caller.ts";
import { requireRole } from "../auth/caller.ts";
import { BatchEnvelopeSchema } from "../claims/schema.ts";
import type { AppDeps } from "../deps.ts";
import { canonicalJson, sha256 } from "../domain/canonical.ts";
import { Problem, forbidden, unprocessable } from "../http/problem.ts";
import { validationProblem } from "../http/validation.ts";
import { chargeClaims } from "../limits/charge.ts";
import { ingestBatch } from "./ingest.ts";
import { type FacilityInfo, findFacilityInfo } from "./request.ts";
import { MAX_CLAIMS_PER_BATCH } from "./schema.ts";

/** The facility a batch is for: a facility key's own; a central key names it. */
export async function batchFacility(deps: AppDeps, caller: Caller, named: string | undefined): Promise<FacilityInfo> {
  requireRole(caller, "facility", "central");
  if (caller.role === "facility" && named !== undefined && named !== caller.facilityCode)
    throw forbidden("a facility key submits batches for its own facility only", { reason: "own_facility" });
  const code = caller.role === "facility" ? caller.facilityCode : named;
  if (code === undefined)
    throw unprocessable("a central key must name the facility", [
      { path: "facilityCode", code: "required", message: "required with a central key" },
    ]);
  const facility = await findFacilityInfo(deps, code);
  if (!facility)
    throw unprocessable("unknown facility", [
      {
        path: "facilityCode",
        code: "unknown_facility",
        message: `facility ${code} does not exist`,
        params: { facility: code },
      },
    ]);
  return facility;
}

/** The JSON body of a batch, or 400 when it is not JSON. */
function parseBody(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody);
  } catch {
    throw new Problem(400, "malformed_json", "the request body is not valid JSON");
  }
}

/** A JSON batch as sent (its raw bytes are kept for disputes): checked, then stored through the batch path. */
export async function submitBatch(deps: AppDeps, caller: Caller, rawBody: string) {
  requireRole(caller, "facility", "central");
  const body = parseBody(rawBody);
  const envelope = BatchEnvelopeSchema.safeParse(body);
  if (!envelope.success) throw validationProblem(envelope.error, "batch");
  const { batchId, facilityCode, claims } = envelope.data;
  if (claims.length > MAX_CLAIMS_PER_BATCH)
    throw new Problem(
      413,
      "too_many_claims",
      `a batch holds at most ${MAX_CLAIMS_PER_BATCH} claims; this one has ${claims.length}`,
      undefined,
      undefined,
      { max: MAX_CLAIMS_PER_BATCH, count: claims.length },
    );
  const facility = await batchFacility(deps, caller, facilityCode);
  await chargeClaims(deps, facility.code, claims.length);
  // The bytes are hashed (cheap); a resend whose bytes differ is compared by content against the stored body.
  const sameContent = (stored: string) => {
    try {
      return canonicalJson(JSON.parse(stored)) === canonicalJson(body);
    } catch {
      return false; // not JSON: stored from another format
    }
  };
  return ingestBatch(deps, { caller, facility, batchId, claims, bodyHash: sha256(rawBody), sameContent, rawBody });
}
