import { afterEach, describe, expect, it } from "vitest";
import { type Database, openPostgres } from "../../src/db/client.ts";
import { type Migration, migrate } from "../../src/db/migrate.ts";
import { readMigrations } from "../../src/db/migrations-fs.ts";
import { createScratchDatabase } from "../support/scratch-database.ts";

describe("migrations when several instances start together (PostgreSQL)", { timeout: 30_000 }, () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it("four instances migrating one fresh database at once apply each migration exactly once, none fails", async () => {
    const scratch = await createScratchDatabase("concurrent");
    cleanup.push(scratch.drop);
    const instances: Database[] = [];
    for (let i = 0; i < 4; i++) {
      const db = openPostgres({ connectionString: scratch.url, max: 2 });
      instances.push(db);
      cleanup.push(() => db.close());
    }
    // A slow last migration keeps the first instance inside its transaction while the others arrive.
    const slow: Migration = { name: "29991231000000_slow", sql: `SELECT pg_sleep(0.3);` };
    const migrations = [...(await readMigrations()), slow];

    const results = await Promise.all(instances.map((db) => migrate(db, migrations)));

    const applied = results.flat();
    expect(applied.sort()).toEqual(migrations.map((m) => m.name).sort());
    expect(results.filter((r) => r.length > 0)).toHaveLength(1);
    const rows = await instances[0]!.prisma.$queryRawUnsafe<{ migration_name: string; n: bigint }[]>(
      `SELECT migration_name, count(*) AS n FROM "_prisma_migrations" GROUP BY migration_name ORDER BY migration_name`,
    );
    expect(rows.map((r) => [r.migration_name, Number(r.n)])).toEqual(migrations.map((m) => [m.name, 1]));
  });
});
