import { createHash, randomUUID } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type Database, openPGlite, openPostgres } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { readMigrations } from "../../src/db/migrations-fs.ts";
import { baseUrl, databaseUrl, workerDatabase } from "./postgres-url.ts";

export type TestDbKind = "pglite" | "postgres";
export const testDbKind = (): TestDbKind => (process.env.TEST_DB === "postgres" ? "postgres" : "pglite");

/** Creates (if needed) this worker's database and returns its URL. */
export async function ensureWorkerDatabase(name = workerDatabase()): Promise<string> {
  const admin = new pg.Client({ connectionString: baseUrl() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount)
      await admin.query(`CREATE DATABASE "${name}"`).catch((e) => {
        if (e.code !== "42P04") throw e;
      });
  } finally {
    await admin.end();
  }
  return databaseUrl(name);
}

/**
 * A migrated PGlite, dumped once and loaded by every test file after: an
 * empty in-memory PGlite spends about 2.5 s in initdb, one loaded from a dump
 * about 0.6 s, and the pglite and e2e projects open about fifty. Kept in the
 * system's temporary folder under the hash of the migrations and PGlite's
 * version (written whole, then renamed: parallel workers never read half of
 * one). The migration tests start from empty databases instead
 * (scratch-database.ts), and every database is still migrated below, which
 * checks the dump against the migrations.
 */
async function migratedPGliteDump(
  migrations: Awaited<ReturnType<typeof readMigrations>>,
  fresh = false,
): Promise<Blob> {
  // PGlite's package.json is not among its exports: read from where npm put it.
  const pglite = await readFile(
    new URL("../../node_modules/@electric-sql/pglite/package.json", import.meta.url),
    "utf8",
  );
  const key = createHash("sha256")
    .update(JSON.stringify([JSON.parse(pglite).version, migrations.map((m) => [m.name, m.sql])]))
    .digest("hex")
    .slice(0, 16);
  const path = join(tmpdir(), `bhyt-pglite-migrated-${key}.tar`);
  const cached = fresh ? null : await readFile(path).catch(() => null);
  if (cached) return new Blob([cached]);
  const db = await openPGlite();
  await migrate(db, migrations);
  const dump = await db.dumpDataDir!();
  await db.close();
  // Unique per writer: two workers of one run, or two runs, may build it at once.
  const partial = `${path}.${randomUUID()}`;
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
  await rename(partial, path);
  return dump;
}

async function openMigratedPGlite(
  migrations: Awaited<ReturnType<typeof readMigrations>>,
  onQuery?: (sql: string) => void,
): Promise<Database> {
  try {
    return await openPGlite(undefined, { onQuery, loadDataDir: await migratedPGliteDump(migrations) });
  } catch {
    // A dump that does not load (cut short by a full disk, say) is made again rather than failing every run after.
    return openPGlite(undefined, { onQuery, loadDataDir: await migratedPGliteDump(migrations, true) });
  }
}

/** A migrated database of the kind this project runs on. */
export async function openTestDatabase(
  kind: TestDbKind = testDbKind(),
  onQuery?: (sql: string) => void,
): Promise<Database> {
  const migrations = await readMigrations();
  const db =
    kind === "postgres"
      ? openPostgres({ connectionString: await ensureWorkerDatabase(), max: 8, onQuery })
      : await openMigratedPGlite(migrations, onQuery);
  await migrate(db, migrations);
  return db;
}

/** Empties every table but the migration record: each test starts clean. */
export async function truncateAll(db: Database): Promise<void> {
  const tables = await db.prisma.$queryRawUnsafe<{ tablename: string }[]>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
  );
  if (tables.length)
    await db.prisma.$executeRawUnsafe(
      `TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`,
    );
}
