import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.ts";
import { type Migration, migrate } from "../../src/db/migrate.ts";
import { MIGRATIONS_DIR, readMigrations } from "../../src/db/migrations-fs.ts";
import { testDbKind } from "../support/database.ts";
import { openEmptyDatabase } from "../support/scratch-database.ts";

interface MigrationRow {
  id: string;
  migration_name: string;
  checksum: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

const first: Migration = { name: "20990101000000_first", sql: `CREATE TABLE "widget" ("id" INTEGER PRIMARY KEY);` };
const second: Migration = { name: "20990102000000_second", sql: `ALTER TABLE "widget" ADD COLUMN "colour" TEXT;` };
const third: Migration = { name: "20990103000000_third", sql: `CREATE TABLE "gadget" ("id" INTEGER PRIMARY KEY);` };

describe(`the migration runner (${testDbKind()})`, { timeout: 30_000 }, () => {
  let db: Database;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ db, dispose } = await openEmptyDatabase(testDbKind()));
  });
  afterAll(async () => {
    await dispose?.();
  });
  beforeEach(async () => {
    // Back to an empty database: no tables, no types, no migration record.
    await db.withSession((s) => s.exec(`DROP SCHEMA public CASCADE; CREATE SCHEMA public;`));
  });

  const records = () =>
    db.withSession((s) =>
      s.query<MigrationRow>(
        `SELECT id, migration_name, checksum, started_at, finished_at, rolled_back_at, applied_steps_count FROM
          "_prisma_migrations" ORDER BY migration_name`,
      ),
    );
  const tables = () =>
    db.withSession(async (s) =>
      (
        await s.query<{ name: string }>(
          `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
        )
      ).map((r) => r.name),
    );

  it("applies every migration of prisma/migrations and records each with its SHA-256 checksum and finish time", async () => {
    const migrations = await readMigrations();
    const names = migrations.map((m) => m.name);
    expect(names.length).toBeGreaterThan(0);

    expect(await migrate(db, migrations)).toEqual(names);

    const rows = await records();
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      // The checksum is that of the file on disk, as `prisma migrate` computes it.
      const file = readFileSync(join(MIGRATIONS_DIR, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(file).digest("hex"));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    expect(await tables()).toEqual(
      expect.arrayContaining(["province", "facility", "estimate", "api_key", "audit_log", "claim"]),
    );
  });

  it("applies nothing the second time and leaves the record as it was", async () => {
    const migrations = await readMigrations();
    await migrate(db, migrations);
    const before = await records();
    expect(await migrate(db, migrations)).toEqual([]);
    expect(await records()).toEqual(before);
  });

  it("applies only the migrations not yet recorded, in name order whatever order it is given them", async () => {
    // `second` alters the table `first` creates: the wrong order would fail.
    expect(await migrate(db, [second, first])).toEqual([first.name, second.name]);
    expect(await migrate(db, [third, second, first])).toEqual([third.name]);
    expect((await records()).map((r) => r.migration_name)).toEqual([first.name, second.name, third.name]);
    expect(await tables()).toEqual(["_prisma_migrations", "gadget", "widget"]);
  });

  it("refuses to run when an applied migration's file has changed, and applies nothing else in that run", async () => {
    await migrate(db, [first]);
    const changed = { ...first, sql: `${first.sql}\n-- edited afterwards` };
    await expect(migrate(db, [changed, third])).rejects.toThrow(
      `migration ${first.name} was changed after it was applied`,
    );
    expect((await records()).map((r) => r.migration_name)).toEqual([first.name]);
    expect(await tables()).not.toContain("gadget");
  });

  it("a failing migration leaves nothing behind: not its own statements, not the migrations before it", async () => {
    const broken: Migration = { name: "20990104000000_broken", sql: `CREATE TABLE "doomed" ("id" INTEGER);\nSELEC 1;` };
    await expect(migrate(db, [first, third, broken])).rejects.toThrow();
    expect(await tables()).toEqual([]);

    // Once fixed, the same run goes through.
    const fixed = { ...broken, sql: `CREATE TABLE "doomed" ("id" INTEGER);` };
    expect(await migrate(db, [first, third, fixed])).toEqual([first.name, third.name, fixed.name]);
    expect(await tables()).toEqual(["_prisma_migrations", "doomed", "gadget", "widget"]);
  });
});
