import { createHash, randomUUID } from "node:crypto";
import type { Database, SqlSession } from "./client.ts";

export interface Migration {
  name: string;
  sql: string;
}

/** Prisma's own lock id, so this runner and `prisma migrate deploy` exclude each other. */
const MIGRATION_LOCK = 72707369;

// The table `prisma migrate` keeps; same shape so `prisma migrate status` agrees with us.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export const checksum = (sql: string) => createHash("sha256").update(sql).digest("hex");

/**
 * Applies the migrations not yet recorded, in name order, in one transaction
 * that holds an advisory lock: two instances starting together apply each
 * migration once, and a failing migration leaves nothing behind.
 * Returns the names applied.
 */
export async function migrate(db: Database, migrations: Migration[]): Promise<string[]> {
  const ordered = [...migrations].sort((a, b) => a.name.localeCompare(b.name));
  return db.withSession(async (session) => {
    // A migration may rewrite a large table: it is not held to the pool's bound on ordinary statements.
    if (db.kind === "postgres") await session.exec("SET LOCAL statement_timeout = 0");
    await session.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await session.exec(CREATE_MIGRATIONS_TABLE);
    const applied = await appliedMigrations(session);
    const done: string[] = [];
    for (const migration of ordered) {
      const sum = checksum(migration.sql);
      const previous = applied.get(migration.name);
      if (previous !== undefined) {
        if (previous !== sum) throw new Error(`migration ${migration.name} was changed after it was applied`);
        continue;
      }
      const started = new Date();
      await session.exec(migration.sql);
      await session.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, $4, now(), 1)`,
        [randomUUID(), sum, migration.name, started],
      );
      done.push(migration.name);
    }
    return done;
  });
}

async function appliedMigrations(session: SqlSession): Promise<Map<string, string>> {
  const rows = await session.query<{ migration_name: string; checksum: string }>(
    `SELECT migration_name, checksum FROM "_prisma_migrations"
     WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  return new Map(rows.map((r) => [r.migration_name, r.checksum]));
}
