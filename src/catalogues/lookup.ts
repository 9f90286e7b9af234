import type { CatalogueKind } from "../assessment/types.ts";
import type { SqlSession } from "../db/client.ts";
import { type EntryOfKind, type EntryRow, entryOf } from "./entries.ts";
import * as sql from "./sql.ts";

/** A claim line's question: which entries were in force for this code on this day (YYYY-MM-DD, Vietnam time)? */
export interface CodeOnDay {
  code: string;
  day: string;
}

/**
 * The entries of a facility's catalogue in force for each (code, day) pair, in the pairs' order: for each pair a list,
 * empty where none was in force (the code is not in the catalogue, or not on that day; first and last days count).
 * A list holds one entry per tender (bid, TT_THAU) of the code in force that day, no bid first, then by bid: two
 * tenders of one drug or supply code can be in force at once; services and staff have no bid, so at most one.
 * One statement however many pairs, each distinct pair asked once: a batch of claims asks for thousands. `db` is the
 * session to read in (deps.db.sql, or a transaction's).
 */
export async function entriesInForce<K extends CatalogueKind>(
  db: SqlSession,
  facilityCode: string,
  kind: K,
  pairs: readonly CodeOnDay[],
): Promise<EntryOfKind[K][][]> {
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
  const found = new Map<string, EntryOfKind[K][]>();
  for (const row of rows) {
    const key = keyOf(asked[Number(row.ord) - 1]!);
    const entries = found.get(key) ?? [];
    entries.push(entryOf(kind, row, facilityCode));
    found.set(key, entries);
  }
  // Each pair its own array, so a caller that changes one list does not change another pair's.
  return pairs.map((pair) => [...(found.get(keyOf(pair)) ?? [])]);
}

/**
 * Every entry, of any period and any bid, of a facility's catalogue for the codes given (each asked once), by code,
 * then bid (no bid first), then first day: the shape the assessment engine takes for a claim (its
 * AssessmentCatalogue), which picks the entries in force on each line's day itself (several when tenders of a code
 * overlap). One statement however many codes.
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
