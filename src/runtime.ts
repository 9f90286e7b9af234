import { join } from "node:path";
import type { Config } from "./config.ts";
import { type Database, openPGlite, openPostgres } from "./db/client.ts";
import { lockDataDir } from "./db/data-dir-lock.ts";
import { migrate } from "./db/migrate.ts";
import { readMigrations } from "./db/migrations-fs.ts";

export class StartupError extends Error {}

/**
 * Opens the configured database for a Node process (server or CLI) and brings
 * its schema up to date. PostgreSQL when DATABASE_URL is set; otherwise the
 * embedded PGlite under DATA_DIR, locked against a second process.
 */
export async function openConfiguredDatabase(
  config: Config,
): Promise<{ db: Database; release: () => void; applied: string[] }> {
  let db: Database;
  let release = () => {};
  if (config.DATABASE_URL) {
    let where: string;
    try {
      const url = new URL(config.DATABASE_URL);
      where = `${url.hostname}:${url.port || 5432}${url.pathname}`;
    } catch {
      throw new StartupError("DATABASE_URL is not a valid URL");
    }
    db = openPostgres({
      connectionString: config.DATABASE_URL,
      statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_SECONDS * 1000,
    });
    const reachable = await db.sql.query("SELECT 1").then(
      () => null,
      (e: Error) => e.message || String(e),
    );
    if (reachable !== null) {
      await db.close();
      throw new StartupError(`cannot reach PostgreSQL at ${where}: ${reachable.split("\n")[0]}`);
    }
  } else {
    release = lockDataDir(config.DATA_DIR);
    try {
      db = await openPGlite(join(config.DATA_DIR, "pgdata"));
    } catch (err) {
      release();
      throw new StartupError(`cannot open the embedded database in ${config.DATA_DIR}: ${(err as Error).message}`);
    }
  }
  let applied: string[];
  try {
    applied = await migrate(db, await readMigrations());
  } catch (err) {
    await db.close();
    release();
    throw new StartupError(`migrations failed: ${(err as Error).message.split("\n")[0]}`);
  }
  return { db, release, applied };
}
