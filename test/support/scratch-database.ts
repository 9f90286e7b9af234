import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Database, openPGlite, openPostgres } from "../../src/db/client.ts";
import { baseUrl, DB_PREFIX, databaseUrl } from "./postgres-url.ts";
import type { TestDbKind } from "./database.ts";

/**
 * A brand-new, empty PostgreSQL database for tests that must start from
 * nothing (migrations, start-up). Named with this run's id (or this process's
 * pid), so the PostgreSQL project's global setup also sweeps it up should the
 * test die before `drop`.
 *
 * `namedAfterProcess`: named after this test process, not the run. The
 * postgres project drops its run's databases at set-up and tear-down, which
 * may come while a wrangler dev child still uses this one; a later run sweeps
 * it should we die before dropping it (its process is gone by then).
 */
export async function createScratchDatabase(
  label: string,
  { namedAfterProcess = false } = {},
): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const runId = namedAfterProcess ? String(process.pid) : (process.env.TEST_RUN_ID ?? String(process.pid));
  const name = `${DB_PREFIX}${runId}_${label}_${randomBytes(4).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  return { name, url: databaseUrl(name), drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

async function adminQuery(sql: string) {
  const admin = new pg.Client({ connectionString: baseUrl(), connectionTimeoutMillis: 5_000 });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** An empty, unmigrated database of the given kind, and how to dispose of it. */
export async function openEmptyDatabase(kind: TestDbKind): Promise<{ db: Database; dispose: () => Promise<void> }> {
  if (kind === "pglite") {
    const db = await openPGlite();
    return { db, dispose: () => db.close() };
  }
  const scratch = await createScratchDatabase("empty");
  const db = openPostgres({ connectionString: scratch.url, max: 4 });
  return {
    db,
    dispose: async () => {
      await db.close();
      await scratch.drop();
    },
  };
}
