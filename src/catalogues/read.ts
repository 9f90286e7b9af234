import { z } from "zod";
import type { CatalogueKind } from "../assessment/types.ts";
import type { Caller } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { decodeCursor, page } from "../http/paging.ts";
import { notFound } from "../http/problem.ts";
import { type EntryOfKind, type EntryRow, entryOf } from "./entries.ts";
import { MAX_CODE } from "./parse.ts";
import * as sql from "./sql.ts";

export interface ListEntriesQuery {
  facilityCode: string;
  kind: CatalogueKind;
  /** One code's entries (MA_THUOC, MA_VAT_TU, MA_DICH_VU, or a staff member's certificate). */
  code?: string | undefined;
  /** Only the entries in force on this day (YYYY-MM-DD): first and last days count. */
  day?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** The last entry's key: code, bid ("" for none), first day. */
const CURSOR = z.tuple([z.string().min(1).max(MAX_CODE), z.string().max(MAX_CODE), z.iso.date()]);

/**
 * The longest cursor the list issues: base64url of the key's JSON, a code and a bid of MAX_CODE characters each that
 * JSON writes as at most 6 bytes apiece (a control character is `\u0001`), and the day and punctuation.
 */
export const MAX_CURSOR = Math.ceil((2 * MAX_CODE * 6 + 32) / 3) * 4;

/** Central, the facility's province, or the facility itself: anyone else is told there is no such facility. */
async function requireVisible(deps: Pick<AppDeps, "db">, caller: Caller, facilityCode: string) {
  const facility = await deps.db.prisma.facility.findUnique({
    where: { code: facilityCode },
    select: { provinceCode: true },
  });
  const visible =
    facility &&
    (caller.role === "central" ||
      (caller.role === "province" && caller.provinceCode === facility.provinceCode) ||
      (caller.role === "facility" && caller.facilityCode === facilityCode));
  if (!visible) throw notFound("facility");
}

/** A facility's catalogue of one kind, by code, bid (no bid first) and first day, a page at a time. */
export async function listCatalogueEntries<K extends CatalogueKind>(
  deps: Pick<AppDeps, "db">,
  caller: Caller,
  query: ListEntriesQuery & { kind: K },
): Promise<{ data: EntryOfKind[K][]; nextCursor: string | null }> {
  await requireVisible(deps, caller, query.facilityCode);
  const after = decodeCursor(query.cursor, CURSOR);
  const rows = await deps.db.sql.query<EntryRow>(sql.LIST_ENTRIES, [
    query.facilityCode,
    query.kind,
    query.code ?? null,
    query.day ?? null,
    after?.[0] ?? null,
    after?.[1] ?? null,
    after?.[2] ?? null,
    query.limit + 1,
  ]);
  const { data, nextCursor } = page(rows, query.limit, (row) => [row.code, row.bid_info ?? "", row.valid_from]);
  return { data: data.map((row) => entryOf(query.kind, row, query.facilityCode)), nextCursor };
}
