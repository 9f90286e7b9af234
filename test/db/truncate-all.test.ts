import { afterAll, beforeAll, expect, it } from "vitest";
import type { Database } from "../../src/db/client.ts";
import { openFileDatabase, truncateAll } from "../support/database.ts";

/**
 * The harness empties only the tables that need it (test/support/database.ts): what it leaves must be what
 * truncating every table leaves, every table empty and every sequence restarted, also for a table whose rows
 * were deleted after its sequence handed out a value.
 */
let db: Database;
beforeAll(async () => {
  db = await openFileDatabase();
});
afterAll(() => db?.close());

const insertAudit = () =>
  db.prisma.$executeRawUnsafe(`INSERT INTO audit_log (action, entity, entity_id) VALUES ('probe', 'probe', 'x')`);

it("leaves every table empty and every sequence restarted", async () => {
  await truncateAll(db);
  await db.prisma.$executeRawUnsafe(`INSERT INTO province (code, name) VALUES ('01', 'Hà Nội')`);
  await insertAudit();
  await insertAudit();
  await db.prisma.$executeRawUnsafe(`DELETE FROM audit_log`);
  await truncateAll(db);

  const tables = await db.prisma.$queryRawUnsafe<{ tablename: string }[]>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
  );
  expect(tables.length).toBeGreaterThan(10);
  const rows = await db.prisma.$queryRawUnsafe<{ n: number }[]>(
    tables.map((t) => `SELECT count(*)::int AS n FROM "${t.tablename}"`).join(" UNION ALL "),
  );
  expect(rows.reduce((sum, r) => sum + Number(r.n), 0)).toBe(0);
  const used = await db.prisma.$queryRawUnsafe<{ sequencename: string }[]>(
    "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL",
  );
  expect(used).toEqual([]);
  // The next audit row is number 1 again.
  await insertAudit();
  const [first] = await db.prisma.$queryRawUnsafe<{ id: string }[]>(`SELECT id::text FROM audit_log`);
  expect(first!.id).toBe("1");
  await truncateAll(db);
});
