import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { readMigrations } from "../../src/db/migrations-fs.ts";
import { testDbKind } from "../support/database.ts";
import { openEmptyDatabase } from "../support/scratch-database.ts";

const BID_KEY = "20261211010000_catalogue_bid_key";

/** The migration that made a tender's bid part of a catalogue entry's key, over catalogues loaded before it. */
describe(`the migration ${BID_KEY} (${testDbKind()})`, { timeout: 30_000 }, () => {
  let db: Database;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ db, dispose } = await openEmptyDatabase(testDbKind()));
  });
  afterAll(async () => {
    await dispose?.();
  });

  it("keeps every entry, gives those without a bid '' for none, and then takes two tenders of one code at once", async () => {
    const migrations = await readMigrations();
    await migrate(
      db,
      migrations.filter((migration) => migration.name < BID_KEY),
    );
    await db.withSession((session) =>
      session.exec(`INSERT INTO catalogue_entry (facility_code, kind, code, valid_from, valid_to, name, bid_info,
          unit_price, supplies_included) VALUES
        ('01001', 'drugs', '40.17', '2025-01-01', NULL, 'Paracetamol', '20.00;G1;N1;2025', 1500, NULL),
        ('01001', 'drugs', '40.18', '2025-01-01', NULL, 'Vitamin C', NULL, 300, NULL),
        ('01001', 'services', '01.0001.1778', '2025-01-01', NULL, 'Khám Nội', NULL, 45000, false),
        ('01001', 'staff', '000123/HNO-CCHN', '2025-01-01', NULL, NULL, NULL, NULL, NULL)`),
    );
    await migrate(db, migrations);
    const read = () =>
      db.withSession((session) =>
        session.query<{ kind: string; code: string; bid_info: string }>(
          `SELECT kind, code, bid_info FROM catalogue_entry ORDER BY kind, code, bid_info`,
        ),
      );
    expect(await read()).toEqual([
      { kind: "drugs", code: "40.17", bid_info: "20.00;G1;N1;2025" },
      { kind: "drugs", code: "40.18", bid_info: "" },
      { kind: "services", code: "01.0001.1778", bid_info: "" },
      { kind: "staff", code: "000123/HNO-CCHN", bid_info: "" },
    ]);
    // A second tender of 40.17 from the same day is another key; a service still has no bid.
    await db.withSession((session) =>
      session.exec(`INSERT INTO catalogue_entry (facility_code, kind, code, valid_from, name, bid_info, unit_price)
        VALUES ('01001', 'drugs', '40.17', '2025-01-01', 'Paracetamol', '20.00;G1;N2;2025', 1450)`),
    );
    expect((await read()).filter((row) => row.code === "40.17")).toHaveLength(2);
    await expect(
      db.withSession((session) =>
        session.exec(`INSERT INTO catalogue_entry (facility_code, kind, code, valid_from, name, bid_info, unit_price,
            supplies_included) VALUES ('01001', 'services', '02.1900.0216', '2025-01-01', 'x', 'bid', 1, false)`),
      ),
    ).rejects.toThrow(/catalogue_entry_fields_check/);
  });
});
