import { z } from "zod";
import type { Caller } from "../auth/caller.ts";
import { requireRole } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { decodeCursor, page } from "../http/paging.ts";
import { notFound, unprocessable } from "../http/problem.ts";
import { chunkBatchId } from "../xml/import.ts";
import type { BatchResponse } from "./schema.ts";
import * as sql from "./sql.ts";

type Deps = Pick<AppDeps, "db">;

/**
 * The facility whose stored batch a caller reads: a facility key's own, the one a central key names (required).
 * A facility key naming another facility learns nothing: not found, as for a batchId it never used.
 */
function batchOwner(caller: Caller, named: string | undefined): string {
  requireRole(caller, "facility", "central");
  if (caller.role === "facility") {
    if (named !== undefined && named !== caller.facilityCode) throw notFound("batch");
    return caller.facilityCode;
  }
  if (named === undefined)
    throw unprocessable("a central key must name the facility", [
      { path: "facility", code: "required", message: "required with a central key" },
    ]);
  return named;
}

/** A stored batch's first response (facility: its own; central: the facility it names). */
export async function storedBatch(
  deps: Deps,
  caller: Caller,
  batchId: string,
  named: string | undefined,
): Promise<BatchResponse> {
  const facilityCode = batchOwner(caller, named);
  const batch = await deps.db.prisma.batch.findUnique({
    where: { facilityCode_batchId: { facilityCode, batchId } },
    select: { response: true },
  });
  if (!batch) throw notFound("batch");
  return batch.response as unknown as BatchResponse;
}

export interface RejectionsInput {
  batchId: string;
  facility?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Why one claim of a stored batch was rejected: one entry of its response's `errors`. */
export interface Rejection {
  /** The stored batch it is in: the one asked for, or another chunk of the same XML file. */
  batchId: string;
  index: number;
  claimId: string | null;
  path: string;
  code: string;
  message: string;
}

/** A stored batch with rejections, in the order its entries are listed: chunk, then position in `errors`. */
interface Part {
  id: bigint;
  batchId: string;
  chunk: number;
}

/** Where a page of rejections ends: the chunk (1 for a JSON batch) and the position in its `errors` (from 1). */
const RejectionCursor = z.tuple([z.number().int().min(1).max(1_000_000), z.number().int().min(1).max(100_000_000)]);

/**
 * The stored batches whose rejections the batchId lists, those with any: the batch itself; for the first chunk of an
 * XML file stored in several, every chunk of that file stored so far (`<batchId>:2` ... with the file's hash and
 * place), in chunk order.
 */
async function partsOf(deps: Deps, facilityCode: string, batchId: string): Promise<Part[]> {
  const head = await deps.db.prisma.batch.findUnique({
    where: { facilityCode_batchId: { facilityCode, batchId } },
    select: { id: true, bodyHash: true, rejectedCount: true, xmlChunk: true, xmlChunks: true },
  });
  if (!head) throw notFound("batch");
  if (head.xmlChunk !== 1 || head.xmlChunks === null || head.xmlChunks < 2)
    return head.rejectedCount > 0 ? [{ id: head.id, batchId, chunk: 1 }] : [];
  const ids = Array.from({ length: head.xmlChunks }, (_, chunk) => chunkBatchId(batchId, chunk));
  const chunks = await deps.db.prisma.batch.findMany({
    where: {
      facilityCode,
      batchId: { in: ids },
      bodyHash: head.bodyHash,
      xmlChunks: head.xmlChunks,
      rejectedCount: { gt: 0 },
    },
    select: { id: true, batchId: true, xmlChunk: true },
  });
  return chunks
    .filter((row) => row.xmlChunk !== null && ids[row.xmlChunk - 1] === row.batchId)
    .map((row) => ({ id: row.id, batchId: row.batchId, chunk: row.xmlChunk! }))
    .sort((left, right) => left.chunk - right.chunk);
}

/**
 * The rejected claims of a stored batch, why each was rejected (index, claimId, path, code, message), in claim
 * order, a page at a time: read from the responses stored with the batch, one stored batch (at most 5,000 claims) a
 * statement. The first batchId of an XML file lists its whole file. Facility: its own; central: names the facility.
 */
export async function listBatchRejections(deps: Deps, caller: Caller, input: RejectionsInput) {
  const facilityCode = batchOwner(caller, input.facility);
  const after = decodeCursor(input.cursor, RejectionCursor);
  const parts = (await partsOf(deps, facilityCode, input.batchId)).filter((part) => !after || part.chunk >= after[0]);
  const rows: { rejection: Rejection; at: [number, number] }[] = [];
  for (const part of parts) {
    const from = after && part.chunk === after[0] ? after[1] : 0;
    const found = await deps.db.sql.query<Omit<Rejection, "batchId"> & { ordinal: number }>(sql.BATCH_REJECTIONS, [
      part.id.toString(),
      from,
      input.limit + 1 - rows.length,
    ]);
    for (const { ordinal, ...entry } of found)
      rows.push({ rejection: { batchId: part.batchId, ...entry }, at: [part.chunk, ordinal] });
    if (rows.length > input.limit) break;
  }
  const { data, nextCursor } = page(rows, input.limit, (row) => row.at);
  return { data: data.map((row) => row.rejection), nextCursor };
}
