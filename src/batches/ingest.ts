import type { AppDeps } from "../deps.ts";
import { conflict } from "../http/problem.ts";
import { sortIncoming } from "./prepare.ts";
import type { BatchRequest } from "./request.ts";
import type { BatchResponse } from "./schema.ts";
import { BatchAlreadyStored, storeBatch } from "./store.ts";

/**
 * Stores a batch: validation and rule evaluation in memory, then one
 * transaction of a constant number of set-based statements that stores the
 * claims, their history and documents, moves spending and raises alerts.
 * Idempotent on (facility, batchId).
 */
export async function ingestBatch(
  deps: AppDeps,
  req: BatchRequest,
): Promise<{ status: 200 | 201; response: BatchResponse }> {
  // A resend of a stored batch is answered at once, without validating or waiting on the facility's lock.
  const replay = await storedAnswer(deps, req);
  if (replay) return replay;
  const at = deps.clock.now();
  const sorted = sortIncoming(deps, req, at);
  try {
    // A plain session, not Prisma: Prisma would serialise the batch's large parameters to JSON and parse them back.
    const response = await deps.db.withSession((tx) => storeBatch(tx, deps, req, at, sorted));
    return { status: 201, response };
  } catch (err) {
    if (!(err instanceof BatchAlreadyStored)) throw err;
    // Another request stored this batchId while we waited for it: answer as it did.
    return (await storedAnswer(deps, req))!;
  }
}

/** The first response for a stored batchId (200), 409 if its content differs, null if none is stored. */
async function storedAnswer(
  deps: AppDeps,
  req: BatchRequest,
): Promise<{ status: 200; response: BatchResponse } | null> {
  const where = { facilityCode_batchId: { facilityCode: req.facility.code, batchId: req.batchId } };
  const stored = await deps.db.prisma.batch.findUnique({ where, select: { bodyHash: true, response: true } });
  if (!stored) return null;
  if (stored.bodyHash !== req.bodyHash) {
    // Other bytes: the same content only if the caller says so of the stored body (read only on this rare path).
    const raw =
      req.sameContent && (await deps.db.prisma.batch.findUniqueOrThrow({ where, select: { rawBody: true } })).rawBody;
    if (!raw || !req.sameContent!(raw))
      throw conflict("batch_conflict", `batch ${req.batchId} was already received with different content`, {
        batchId: req.batchId,
      });
  }
  return { status: 200, response: stored.response as unknown as BatchResponse };
}
