import pg from "pg";
import { databaseUrl, workerDatabase } from "./postgres-url.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every 20 ms until it gives a value (returned), failing after `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Two sessions of their own on the worker's PostgreSQL database: one holds a
 * lock, the other watches who waits for it (pg_stat_activity and pg_locks are
 * read once per transaction, so not from the holder).
 */
export async function withLockSessions<T>(fn: (holder: pg.Client, watcher: pg.Client) => Promise<T>): Promise<T> {
  const url = databaseUrl(workerDatabase());
  const holder = new pg.Client({ connectionString: url });
  const watcher = new pg.Client({ connectionString: url });
  await holder.connect();
  await watcher.connect();
  try {
    return await fn(holder, watcher);
  } finally {
    await holder.end();
    await watcher.end();
  }
}

/** Resolves once `n` sessions of this database wait for a lock of any kind (row, advisory, ...). */
export function lockWaiters(watcher: pg.Client, n: number): Promise<true> {
  return until(`${n} sessions waiting for a lock`, async () => {
    const { rows } = await watcher.query<{ n: number }>(
      "SELECT count(DISTINCT pid)::int AS n FROM pg_locks WHERE NOT granted AND pid IN (SELECT pid FROM " +
        "pg_stat_activity WHERE datname = current_database())",
    );
    return rows[0]!.n >= n;
  });
}
