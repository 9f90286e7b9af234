import type { SqlSession } from "../db/client.ts";
import * as sql from "./sql.ts";
import { secondsToReset, type Standing, WINDOW_MS, windowStart } from "./window.ts";

/** Hits to add to a bucket, and the most its window allows. */
export interface Charge {
  bucket: string;
  hits: number;
  limit: number;
}

/**
 * Counts the charges in their buckets' current window (in the database, so
 * every instance of the service shares the count) and answers each bucket's
 * standing, in the order given.
 */
export async function countHits(db: SqlSession, charges: readonly Charge[], at: Date): Promise<Standing[]> {
  if (charges.length === 0) return [];
  const rows = await db.query<{ bucket: string; hits: number }>(sql.COUNT_HITS, [
    charges.map((charge) => charge.bucket),
    windowStart(at),
    charges.map((charge) => charge.hits),
  ]);
  const used = new Map(rows.map((row) => [row.bucket, Number(row.hits)]));
  const resetSeconds = secondsToReset(at);
  return charges.map((charge) => ({ limit: charge.limit, used: used.get(charge.bucket) ?? 0, resetSeconds }));
}

/** A bucket's standing without counting anything. */
export async function readHits(db: SqlSession, bucket: string, limit: number, at: Date): Promise<Standing> {
  const [row] = await db.query<{ hits: number }>(sql.READ_HITS, [bucket, windowStart(at)]);
  return { limit, used: Number(row?.hits ?? 0), resetSeconds: secondsToReset(at) };
}

/** Deletes ended windows (the scheduled clean-up); returns how many rows went. */
export async function forgetEndedWindows(db: SqlSession, at: Date): Promise<number> {
  const rows = await db.query(sql.FORGET_ENDED_WINDOWS, [new Date(windowStart(at).getTime() - WINDOW_MS)]);
  return rows.length;
}
