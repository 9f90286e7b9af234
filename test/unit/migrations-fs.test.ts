import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readMigrations } from "../../src/db/migrations-fs.ts";
import { tempDir } from "../support/process.ts";

describe("reading prisma/migrations", () => {
  it("reads each folder's migration.sql in name order and ignores loose files", async () => {
    const dir = tempDir("migrations");
    try {
      for (const [name, sql] of [
        ["20990102000000_b", "SELECT 2;"],
        ["20990101000000_a", "SELECT 1;"],
      ] as const) {
        mkdirSync(join(dir.path, name));
        writeFileSync(join(dir.path, name, "migration.sql"), sql);
      }
      writeFileSync(join(dir.path, "migration_lock.toml"), 'provider = "postgresql"\n');
      expect(await readMigrations(dir.path)).toEqual([
        { name: "20990101000000_a", sql: "SELECT 1;" },
        { name: "20990102000000_b", sql: "SELECT 2;" },
      ]);
    } finally {
      dir.remove();
    }
  });
});
