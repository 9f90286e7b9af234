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
  it("moves the lines stored row by row into their claims, counts the items of the claims that count, and tallies every claim for the reports", async () => {
    const migrations = await readMigrations();
    const before = migrations.filter((m) => m.name <= "20261206020000_spending_cost_group");
    await migrate(db, before);
    await db.withSession((s) =>
      s.exec(`
        INSERT INTO province (code, name) VALUES ('01', 'Hà Nội');
        INSERT INTO facility (code, name, province_code) VALUES ('01001', 'Bệnh viện Bạch Mai', '01');
        INSERT INTO batch (id, facility_code, batch_id, body_hash, raw_body, response, received_at, claim_count)
          VALUES (1, '01001', 'b', repeat('0', 64), '{}', '{}', '2026-03-02T00:00:00Z', 2);
        INSERT INTO claim (id, facility_code, claim_id, province_code, year, month, visit_type, admitted_at,
          discharged_at, received_at, diagnosis_primary, total_amount, insurance_amount, patient_amount, other_amount,
          status, content_hash, batch_ref, updated_at)
        VALUES
          (1, '01001', 'A', '01', 2026, 3, 'outpatient', '2026-03-01T01:00:00Z', '2026-03-01T03:00:00Z',
           '2026-03-02T00:00:00Z', 'J18.9', 5250, 5000, 250, 0, 'accepted', repeat('a', 64), 1, now()),
          (2, '01001', 'B', '01', 2026, 3, 'outpatient', '2026-03-01T01:00:00Z', '2026-03-01T03:00:00Z',
           '2026-03-02T00:00:00Z', 'J18.9', 900, 900, 0, 0, 'denied', repeat('b', 64), 1, now());
        INSERT INTO claim_line (claim_ref, line_no, kind, item_code, name, cost_group, quantity, unit_price, amount,
          insurance_amount, ordered_at)
        VALUES
          (1, 1, 'drug', '40.17', NULL, 4, 2, 1500, 3000, 3000, NULL),
          (1, 0, 'drug', '40.17', 'Paracetamol', 4, 1.5, 1500, 2250.50, 2000, '2026-03-01T01:30:00.25Z'),
          (2, 0, 'supply', 'N03', 'Kim', 10, 1, 900, 900, 900, NULL);
      `),
    );
    await migrate(db, migrations);

    const claims = await db.withSession((s) =>
      s.query<{ claim_id: string; lines: unknown }>(`SELECT claim_id, lines FROM claim ORDER BY id`),
    );
    const parsed = claims.map((c) => [c.claim_id, typeof c.lines === "string" ? JSON.parse(c.lines) : c.lines]);
    expect(parsed).toEqual([
      [
        "A",
        [
          ["drug", "40.17", "Paracetamol", "4", "1.5", "1500", "2250.5", "2000", "2026-03-01T01:30:00.250Z"],
          ["drug", "40.17", null, "4", "2", "1500", "3000", "3000", null],
        ],
      ],
      ["B", [["supply", "N03", "Kim", "10", "1", "900", "900", "900", null]]],
    ]);
    // The denied claim's lines count in no item.
    const items = await db.withSession((s) =>
      s.query(
        `SELECT province_code, year, month, facility_code, kind, item_code, name, claims, quantity::text,
           amount::text, insurance::text FROM spending_item`,
      ),
    );
    expect(items).toEqual([
      {
        province_code: "01",
        year: 2026,
        month: 3,
        facility_code: "01001",
        kind: "drug",
        item_code: "40.17",
        name: "Paracetamol",
        claims: 1,
        quantity: "3.500",
        amount: "5250.50",
        insurance: "5000.00",
      },
    ]);
    expect(await tables()).not.toContain("claim_line");
    // The reports' tallies count both claims, the denied one too (issue #21); each was received 21 hours after its
    // discharge: band 21 (an hour wide), in March and in the whole year (month 0).
    const tallies = await db.withSession((s) =>
      s.query(`SELECT visit_type::text, claims, claimed::text, late, mismatches, duplicates FROM claim_tally`),
    );
    expect(tallies).toEqual([
      { visit_type: "outpatient", claims: 2, claimed: "5900.00", late: 0, mismatches: 0, duplicates: 0 },
    ]);
    const delays = await db.withSession((s) => s.query(`SELECT month, claims FROM receipt_delay ORDER BY month`));
    // Claims per band, the band its index: none in bands 0 to 20, two in band 21.
    const band21 = [...Array<number>(21).fill(0), 2];
    expect(delays).toEqual([
      { month: 0, claims: band21 },
      { month: 3, claims: band21 },
    ]);
  });

  it("moves claims, their documents and their history into one partition a year, ids and links kept", async () => {
    const migrations = await readMigrations();
    await migrate(
      db,
      migrations.filter((m) => m.name < "20261208020000_claims_by_year"),
    );
    await db.withSession((s) =>
      s.exec(`
        INSERT INTO province (code, name) VALUES ('01', 'Hà Nội');
        INSERT INTO facility (code, name, province_code) VALUES ('01001', 'Bệnh viện Bạch Mai', '01');
        INSERT INTO batch (id, facility_code, batch_id, body_hash, raw_body, response, received_at, claim_count)
          VALUES (1, '01001', 'b', repeat('0', 64), '{}', '{}', '2026-01-02T00:00:00Z', 2);
        INSERT INTO claim (id, facility_code, claim_id, province_code, year, month, visit_type, admitted_at,
          discharged_at, received_at, diagnosis_primary, total_amount, insurance_amount, patient_amount, other_amount,
          status, content_hash, batch_ref, updated_at)
        VALUES
          (7, '01001', 'OLD', '01', 2025, 12, 'inpatient', '2025-12-30T01:00:00Z', '2025-12-31T03:00:00Z',
           '2026-01-02T00:00:00Z', 'J18.9', 5000, 5000, 0, 0, 'accepted', repeat('a', 64), 1, now()),
          (9, '01001', 'NEW', '01', 2026, 1, 'outpatient', '2026-01-01T01:00:00Z', '2026-01-01T03:00:00Z',
           '2026-01-02T00:00:00Z', 'J18.9', 900, 900, 0, 0, 'accepted', repeat('b', 64), 1, now());
        INSERT INTO claim_document (id, claim_ref, type, reference, received_at)
          VALUES (3, 7, 'discharge_paper', 'GRV-1', '2026-01-02T00:00:00Z');
        INSERT INTO claim_history (id, claim_ref, kind, version, at, data)
          VALUES (4, 9, 'version', 1, '2026-01-02T00:00:00Z', '{}');
        SELECT setval('claim_id_seq', 9);
      `),
    );
    await migrate(db, migrations);
    const placed = await db.withSession((s) =>
      s.query(`
        SELECT tableoid::regclass::text AS part, id::int, year AS y FROM claim
        UNION ALL SELECT tableoid::regclass::text, claim_ref::int, claim_year FROM claim_document
        UNION ALL SELECT tableoid::regclass::text, claim_ref::int, claim_year FROM claim_history
        ORDER BY 1`),
    );
    expect(placed).toEqual([
      { part: "claim_2025", id: 7, y: 2025 },
      { part: "claim_2026", id: 9, y: 2026 },
      { part: "claim_document_2025", id: 7, y: 2025 },
      { part: "claim_history_2026", id: 9, y: 2026 },
    ]);
    // The next claim's id follows the last one.
    const [next] = await db.withSession((s) => s.query<{ id: string }>(`SELECT nextval('claim_id_seq')::text AS id`));
    expect(next!.id).toBe("10");
  });

  it("gives the batches stored before their response's counts, and an XML file's chunks their place in the file", async () => {
    const migrations = await readMigrations();
    await migrate(
      db,
      migrations.filter((m) => m.name < "20261209010000_batch_list"),
    );
    const response = (counts: number[]) =>
      JSON.stringify({
        batchId: "x",
        facilityCode: "01001",
        received: counts.reduce((sum, count) => sum + count, 0),
        accepted: counts[0],
        pendingDocumentation: counts[1],
        rejected: counts[2],
        corrected: counts[3],
        unchanged: counts[4],
        claims: [],
        errors: [],
      });
    // As src/xml/import.ts writes a chunk's raw body; a JSON batch's is what was sent.
    const chunk = JSON.stringify({
      format: "xml",
      sha256: "ab".repeat(32),
      batchId: "FILE/2026:06",
      chunk: 2,
      chunks: 13,
      episodes: [{ hoso: 5000, claim: null }],
    });
    const json = JSON.stringify({ batchId: "J", claims: [{ claimId: "LK1", format: "xml" }] });
    await db.withSession((s) =>
      s.query(
        `INSERT INTO batch (id, facility_code, batch_id, body_hash, raw_body, response, received_at, claim_count)
         VALUES (1, '01001', 'J', repeat('0', 64), $1, $2::json, '2026-03-02T00:00:00Z', 9),
                (2, '01001', 'FILE/2026:06:2', repeat('a', 64), $3, $4::json, '2026-03-02T00:00:00Z', 5000),
                (3, '01001', 'OLD', repeat('b', 64), '{}', '{}', '2026-03-02T00:00:00Z', 0)`,
        [json, response([2, 3, 4, 0, 0]), chunk, response([4990, 0, 1, 6, 3])],
      ),
    );
    await migrate(db, migrations);
    const rows = await db.withSession((s) =>
      s.query(
        `SELECT batch_id, accepted_count, pending_documentation_count, rejected_count, corrected_count,
           unchanged_count, xml_chunk, xml_chunks FROM batch ORDER BY id`,
      ),
    );
    const counts = (batchId: string, numbers: number[], chunkOf: [number, number] | [null, null]) => ({
      batch_id: batchId,
      accepted_count: numbers[0],
      pending_documentation_count: numbers[1],
      rejected_count: numbers[2],
      corrected_count: numbers[3],
      unchanged_count: numbers[4],
      xml_chunk: chunkOf[0],
      xml_chunks: chunkOf[1],
    });
    expect(rows).toEqual([
      counts("J", [2, 3, 4, 0, 0], [null, null]),
      counts("FILE/2026:06:2", [4990, 0, 1, 6, 3], [2, 13]),
      counts("OLD", [0, 0, 0, 0, 0], [null, null]),
    ]);
  });
});
