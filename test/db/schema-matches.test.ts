import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { readMigrations } from "../../src/db/migrations-fs.ts";
import { testDbKind } from "../support/database.ts";
import { compareShapes, introspect } from "../support/db-shape.ts";
import { type DatabaseShape, expectedDatabase, parsePrismaSchema } from "../support/prisma-schema.ts";
import { openEmptyDatabase } from "../support/scratch-database.ts";

const SCHEMA_FILE = fileURLToPath(new URL("../../prisma/schema.prisma", import.meta.url));
const schemaText = readFileSync(SCHEMA_FILE, "utf8");

/**
 * The hand-written migrations and prisma/schema.prisma describe one database:
 * the generated client's queries and the hand-written SQL see the same tables.
 */
describe(`the migrated database matches prisma/schema.prisma (${testDbKind()})`, { timeout: 30_000 }, () => {
  let db: Database;
  let dispose: () => Promise<void>;
  let actual: DatabaseShape;
  const expected = expectedDatabase(parsePrismaSchema(schemaText));
  const only = (predicate: (line: string) => boolean) => compareShapes(expected, actual).filter(predicate);

  beforeAll(async () => {
    ({ db, dispose } = await openEmptyDatabase(testDbKind()));
    await migrate(db, await readMigrations());
    actual = await introspect(db);
  });
  afterAll(async () => {
    await dispose?.();
  });

  it("has exactly one table per model (by @@map) and nothing else but _prisma_migrations", () => {
    expect(Object.keys(expected.tables).length).toBeGreaterThan(10);
    expect(only((l) => l.startsWith("tables:"))).toEqual([]);
  });

  it("has every scalar field as a column with its type, nullability and default, and no undeclared column", () => {
    expect(expected.tables.claim!.columns.diagnosis_secondary).toEqual({
      type: "text[]",
      nullable: true,
      default: null,
    });
    expect(only((l) => / columns: |^\w+\.\w+: /.test(l))).toEqual([]);
  });

  it("has the declared primary keys, unique indexes and indexes, columns in order", () => {
    expect(only((l) => /primary key|indexes:/.test(l))).toEqual([]);
  });

  it("has a foreign key for every @relation, with Prisma's referential actions", () => {
    expect(only((l) => l.includes("foreign keys:"))).toEqual([]);
  });

  it("has every enum type with its labels in order", () => {
    expect(only((l) => l.startsWith("enum"))).toEqual([]);
  });

  it("finds no difference at all", () => {
    expect(compareShapes(expected, actual)).toEqual([]);
  });

  it("would notice drift: a changed type, a dropped NOT NULL, a reordered index, a new field and a new relation", () => {
    const drifted = schemaText
      .replace(
        /(model Estimate \{[\s\S]*?initialAmount\s+Decimal\s+@map\("initial_amount"\) @db\.Decimal\()18, 2\)/,
        "$119, 2)",
      )
      .replace(/name(\s+)String\n(\s+provinceCode\s+String\s+@map\("province_code"\))/, "name$1String?\n$2")
      .replace("@@index([entity, entityId, at])", "@@index([entityId, entity, at])")
      .replace(/(model ApiKey \{)/, "$1\n  note String?")
      .replace(
        /(model Batch \{[\s\S]*?keyId\s+String\?\s+@map\("key_id"\) @db\.Uuid)/,
        "$1\n  key ApiKey? @relation(fields: [keyId], references: [id])",
      );
    const withReverse = drifted.replace(/(model ApiKey \{)/, "$1\n  batches Batch[]");
    expect(withReverse).not.toBe(schemaText);
    const differences = compareShapes(expectedDatabase(parsePrismaSchema(withReverse)), actual);
    expect(differences).toEqual(
      expect.arrayContaining([
        "estimate.initial_amount: type numeric(18,2) in the database, numeric(19,2) in the schema",
        "facility.name: NOT NULL in the database, nullable in the schema",
        "audit_log indexes: schema declares audit_log_entity_id_entity_at_idx(entity_id, entity, at), the database " +
          "lacks it",
        "audit_log indexes: the database has audit_log_entity_entity_id_at_idx(entity, entity_id, at), the schema " +
          "does not declare it",
        "api_key columns: schema declares note, the database lacks it",
        "batch foreign keys: schema declares batch_key_id_fkey(key_id) -> api_key(id) on delete SET NULL on update " +
          "CASCADE, the database lacks it",
      ]),
    );
    expect(differences).toHaveLength(6);
  });
});
