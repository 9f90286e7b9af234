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

/**
 * Empties every table but the migration record and restarts every sequence: each test starts clean. TRUNCATE
 * costs about 1 ms a table even when the table is empty (PGlite and PostgreSQL alike), and a test touches a few
 * of the 50-odd: only the tables that hold a row, or whose own sequence was used since its last restart, are
 * truncated, which leaves the very same state as truncating them all.
 */
export async function truncateAll(db: Database): Promise<void> {
  const tables = await db.prisma.$queryRawUnsafe<{ tablename: string }[]>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
  );
  if (!tables.length) return;
  const dirty = await db.prisma.$queryRawUnsafe<{ t: string }[]>(
    [
      ...tables.map((t) => `SELECT '${t.tablename}' AS t WHERE EXISTS (SELECT 1 FROM "${t.tablename}")`),
      // A sequence owned by a column of the table (serial, identity) that handed out a value since it was restarted.
      `SELECT t.relname::text AS t FROM pg_sequences s
         JOIN pg_class sc ON sc.relname = s.sequencename
         JOIN pg_namespace n ON n.oid = sc.relnamespace AND n.nspname = s.schemaname
         JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = sc.oid AND d.deptype IN ('a', 'i')
         JOIN pg_class t ON t.oid = d.refobjid
       WHERE s.schemaname = 'public' AND s.last_value IS NOT NULL`,
    ].join(" UNION "),
  );
  if (dirty.length)
    await db.prisma.$executeRawUnsafe(`TRUNCATE ${dirty.map((t) => `"${t.t}"`).join(", ")} RESTART IDENTITY CASCADE`);
}

/**
 * The pglite project's files share their worker's modules (isolate: false), and with them one migrated PGlite:
 * opening one (WASM start, loading the dump, checking the migrations) costs 1.3–2 s of CPU, and the project ran
 * about fifty. The postgres project shares its worker's database across files the same way (workerDatabase()).
 * Each test still starts from empty tables (truncateAll in the harness's beforeEach). Each file gets its own
 * handle: after `close` it refuses use, so work a file left running cannot write into the next file's tables.
 */
let sharedPGlite: Promise<Database> | undefined;
const queryListeners = new Set<(sql: string) => void>();

export async function openFileDatabase(
  kind: TestDbKind = testDbKind(),
  onQuery?: (sql: string) => void,
): Promise<Database> {
  if (kind === "postgres") return openTestDatabase(kind, onQuery);
  sharedPGlite ??= openTestDatabase("pglite", (sql) => {
    for (const listener of queryListeners) listener(sql);
  }).catch((err) => {
    sharedPGlite = undefined;
    throw err;
  });
  const db = await sharedPGlite;
  if (onQuery) queryListeners.add(onQuery);
  let open = true;
  const usable = <T>(value: T): T => {
    if (!open) throw new Error("this test file's database handle was closed (the worker's PGlite is shared)");
    return value;
  };
  return {
    kind: db.kind,
    get prisma() {
      return usable(db.prisma);
    },
    get sql() {
      return usable(db.sql);
    },
    withSession: (fn) => usable(db).withSession(fn),
    ping: () => (open ? db.ping() : Promise.resolve(false)),
    async close() {
      open = false;
      if (onQuery) queryListeners.delete(onQuery);
    },
    dumpDataDir: () => usable(db).dumpDataDir!(),
  };
}
