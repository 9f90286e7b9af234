import { facilitiesOfProvince } from "../reference/service.ts";
import { z } from "zod";
import type { Caller } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { VIETNAM_OFFSET_MS } from "../domain/period.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { CursorField, decodeCursor, page } from "../http/paging.ts";
import { unprocessable } from "../http/problem.ts";

type Deps = Pick<AppDeps, "db">;

export interface BatchFilter {
  limit: number;
  cursor?: string | undefined;
  facility?: string | undefined;
  /** Received on or after this day (YYYY-MM-DD, Vietnam time) ... */
  from?: string | undefined;
  /** ... and on or before this one. */
  to?: string | undefined;
  hasRejections?: boolean | undefined;
}

const DAY_MS = 86_400_000;

/** The instant a Vietnam-time day (YYYY-MM-DD) begins. */
const dayStart = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - VIETNAM_OFFSET_MS);

/**
 * The batches a caller may list: a facility key its own; a province key those of the facilities recorded under its
 * province or under a province merged into it (a batch is a facility's, whatever its claims' discharge dates); a
 * central key every facility's.
 */
async function batchScope(deps: Deps, caller: Caller): Promise<Prisma.BatchWhereInput> {
  if (caller.role === "facility") return { facilityCode: caller.facilityCode };
  if (caller.role === "central") return {};
  const facilities = await facilitiesOfProvince(deps, caller.provinceCode);
  return { facilityCode: { in: facilities.map((facility) => facility.code) } };
}

/** The filter's received days as instants: from the start of `from` to the end of `to`. */
function receivedWithin(filter: BatchFilter): Prisma.BatchWhereInput {
  if (filter.from !== undefined && filter.to !== undefined && filter.to < filter.from)
    throw unprocessable("invalid query: to", [
      { path: "to", code: "out_of_range", message: "must not be before from" },
    ]);
  if (filter.from === undefined && filter.to === undefined) return {};
  return {
    receivedAt: {
      ...(filter.from !== undefined ? { gte: dayStart(filter.from) } : {}),
      ...(filter.to !== undefined ? { lt: new Date(dayStart(filter.to).getTime() + DAY_MS) } : {}),
    },
  };
}

/** Where a page ends: the last row's receipt and id, each within what the database stores (else invalid_cursor). */
const BatchCursor = z.tuple([
  CursorField.instant.refine((at) => at >= "2000" && at < "2101"),
  // Compared as text (same length: same order), so a malformed id fails the pattern without throwing here.
  CursorField.id.refine((id) => id.length < 19 || id <= "9223372036854775807"),
]);

/** After the cursor's row in (receivedAt, id) descending; `lte` lets the index start at the cursor. */
function afterRow(cursor: string | undefined): Prisma.BatchWhereInput {
  const after = decodeCursor(cursor, BatchCursor);
  if (!after) return {};
  const at = new Date(after[0]);
  const id = BigInt(after[1]);
  return { receivedAt: { lte: at }, OR: [{ receivedAt: { lt: at } }, { receivedAt: at, id: { lt: id } }] };
}

const LISTED = {
  id: true,
  batchId: true,
  facilityCode: true,
  receivedAt: true,
  claimCount: true,
  acceptedCount: true,
  pendingDocumentationCount: true,
  rejectedCount: true,
  correctedCount: true,
  unchangedCount: true,
  xmlChunk: true,
  xmlChunks: true,
} satisfies Prisma.BatchSelect;

type ListedRow = Prisma.BatchGetPayload<{ select: typeof LISTED }>;

/** The batchId of the file a chunk belongs to: its own for the first chunk, `<file>:k` less `:k` for chunk k. */
const fileBatchId = (batchId: string, chunk: number) =>
  chunk > 1 && batchId.endsWith(`:${chunk}`) ? batchId.slice(0, -`:${chunk}`.length) : batchId;

/** A batch as the list shows it: its counts (not its response), and where to read its response and rejections. */
function batchSummary(row: ListedRow) {
  const path = `/v1/batches/${encodeURIComponent(row.batchId)}`;
  const query = `?facility=${row.facilityCode}`;
  return {
    batchId: row.batchId,
    facilityCode: row.facilityCode,
    receivedAt: row.receivedAt.toISOString(),
    source: row.xmlChunk === null ? ("json" as const) : ("xml" as const),
    file:
      row.xmlChunk === null
        ? null
        : { batchId: fileBatchId(row.batchId, row.xmlChunk), chunk: row.xmlChunk, chunks: row.xmlChunks ?? 1 },
    claimCount: row.claimCount,
    accepted: row.acceptedCount,
    pendingDocumentation: row.pendingDocumentationCount,
    rejected: row.rejectedCount,
    corrected: row.correctedCount,
    unchanged: row.unchangedCount,
    links: { self: `${path}${query}`, rejections: `${path}/rejections${query}` },
  };
}

/**
 * The batches in the caller's scope that match the filter, newest received first (then by id), a page at a time.
 * Read from the batch rows' columns only: no response is read.
 */
export async function listBatches(deps: Deps, caller: Caller, filter: BatchFilter) {
  const cursor = afterRow(filter.cursor);
  const received = receivedWithin(filter);
  const rows = await deps.db.prisma.batch.findMany({
    where: {
      AND: [
        await batchScope(deps, caller),
        received,
        cursor,
        {
          ...(filter.facility !== undefined ? { facilityCode: filter.facility } : {}),
          ...(filter.hasRejections === true ? { rejectedCount: { gt: 0 } } : {}),
          ...(filter.hasRejections === false ? { rejectedCount: 0 } : {}),
        },
      ],
    },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: filter.limit + 1,
    select: LISTED,
  });
  const { data, nextCursor } = page(rows, filter.limit, (row) => [row.receivedAt.toISOString(), row.id.toString()]);
  return { data: data.map(batchSummary), nextCursor };
}
