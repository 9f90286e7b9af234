import pg from "pg";
import { type Database, openPGlite, openPostgres } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { readMigrations } from "../../src/db/migrations-fs.ts";
import { BASE_URL, databaseUrl, workerDatabase } from "./postgres-url.ts";

export type TestDbKind = "pglite" | "postgres";
export const testDbKind = (): TestDbKind => (process.env.TEST_DB === "postgres" ? "postgres" : "pglite");

/** Creates (if needed) this worker's database and returns its URL. */
export async function ensureWorkerDatabase(name = workerDatabase()): Promise<string> {
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${name}"`).catch((e) => { if (e.code !== "42P04") throw e; });
  } finally {
    await admin.end();
  }
  return databaseUrl(name);
}

/** A migrated database of the kind this project runs on. */
export async function openTestDatabase(kind: TestDbKind = testDbKind(), onQuery?: (sql: string) => void): Promise<Database> {
  const db = kind === "postgres" ? openPostgres({ connectionString: await ensureWorkerDatabase(), max: 8, onQuery }) : await openPGlite(undefined, { onQuery });
  await migrate(db, await readMigrations());
  return db;
}

/** Empties every table but the migration record: each test starts clean. */
export async function truncateAll(db: Database): Promise<void> {
  const tables = await db.prisma.$queryRawUnsafe<{ tablename: string }[]>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
  );
  if (tables.length) await db.prisma.$executeRawUnsafe(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`);
}
