import type { CatalogueKind } from "../assessment/types.ts";
import type { SqlSession } from "../db/client.ts";
import { type EntryOfKind, type EntryRow, entryOf } from "./entries.ts";
import * as sql from "./sql.ts";

/** A claim line's question: which entry was in force for this code on this day (YYYY-MM-DD, Vietnam time)? */
export interface CodeOnDay {
  code: string;
  day: string;
}

/**
 * The entry of a facility's catalogue in force for each (code, day) pair, in the pairs' order (null where none was
 * in force: the code is not in the catalogue, or not on that day; first and last days count). One statement however
 * many pairs, each distinct pair asked once: a batch of claims asks for thousands. `db` is the session to read in
 * (deps.db.sql, or a transaction's).
 */
export async function entriesInForce<K extends CatalogueKind>(
  db: SqlSession,
  facilityCode: string,
  kind: K,
  pairs: readonly CodeOnDay[],
): Promise<(EntryOfKind[K] | null)[]> {
  const keyOf = (pair: CodeOnDay) => `${pair.day}\u0000${pair.code}`;
  const distinct = new Map<string, CodeOnDay>();
  for (const pair of pairs) distinct.set(keyOf(pair), pair);
  if (distinct.size === 0) return [];
  const asked = [...distinct.values()];
  const rows = await db.query<EntryRow & { ord: number }>(sql.ENTRIES_IN_FORCE, [
    facilityCode,
    kind,
    asked.map((pair) => pair.code),
    asked.map((pair) => pair.day),
  ]);
  const found = new Map<string, EntryOfKind[K]>();
  for (const row of rows) found.set(keyOf(asked[Number(row.ord) - 1]!), entryOf(kind, row, facilityCode));
  return pairs.map((pair) => found.get(keyOf(pair)) ?? null);
}

/**
 * Every entry, of any period, of a facility's catalogue for the codes given (each asked once), by code then first
 * day: the shape the assessment engine takes for a claim (its AssessmentCatalogue), which picks the entry in force
 * on each line's day itself. One statement however many codes.
 */
export async function entriesForCodes<K extends CatalogueKind>(
  db: SqlSession,
  facilityCode: string,
  kind: K,
  codes: Iterable<string>,
): Promise<EntryOfKind[K][]> {
  const distinct = [...new Set(codes)];
  if (distinct.length === 0) return [];
  const rows = await db.query<EntryRow>(sql.ENTRIES_FOR_CODES, [facilityCode, kind, distinct]);
  return rows.map((row) => entryOf(kind, row, facilityCode));
}
