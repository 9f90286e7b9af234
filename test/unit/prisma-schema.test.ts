import { describe, expect, it } from "vitest";
import { normaliseDefault } from "../support/db-shape.ts";
import { expectedDatabase, parsePrismaSchema, SchemaParseError } from "../support/prisma-schema.ts";

// The reader behind test/db/schema-matches.test.ts: if it misreads the schema,
// that check proves nothing, so it is tested on its own.
const SAMPLE = `
// A line comment
generator client {
  provider = "prisma-client" // trailing comment
}

datasource db {
  provider = "postgresql"
}

/// Doc comment on an enum
enum Colour {
  red
  dark_green @map("dark-green")
  @@map("colour")
}

model Owner {
  id     BigInt  @id @default(autoincrement())
  /// Doc comment: a field with a // inside a string must keep its default
  site   String  @default("https://example.org/a//b")
  pets   Pet[]
  @@map("owner")
}

model Pet {
  ownerId  BigInt   @map("owner_id")
  name     String   @db.VarChar(40)
  colour   Colour   @default(red)
  tags     String[]
  weight   Decimal? @db.Decimal(9, 3)
  born     DateTime @default(now()) @map("born_at") @db.Timestamptz(3)
  seen     DateTime?
  friendId BigInt?  @map("friend_id")
  owner    Owner    @relation(fields: [ownerId], references: [id], onDelete: Cascade)
  friend   Owner?   @relation("friends", fields: [friendId], references: [id], map: "pet_friend")

  @@id([ownerId, name])
  @@unique([name, colour], map: "pet_name_colour")
  @@index([colour, born])
  @@map("pet")
}
`;

describe("the prisma schema reader", () => {
  const schema = parsePrismaSchema(SAMPLE);
  const db = expectedDatabase(schema);

  it("reads models and enums, skipping generator, datasource and comments", () => {
    expect(schema.models.map((m) => m.name)).toEqual(["Owner", "Pet"]);
    expect(schema.enums.map((e) => e.name)).toEqual(["Colour"]);
    expect(db.enums).toEqual({ colour: ["red", "dark-green"] });
    expect(Object.keys(db.tables)).toEqual(["owner", "pet"]);
  });

  it("keeps a // inside a string literal and reads attributes with nested parentheses", () => {
    expect(db.tables.owner!.columns.site).toEqual({
      type: "text",
      nullable: false,
      default: "https://example.org/a//b",
    });
    const rel = schema.models[1]!.fields.find((f) => f.name === "owner")!.attributes[0]!;
    expect(rel.name).toBe("relation");
    expect(rel.args.map((a) => a.name)).toEqual(["fields", "references", "onDelete"]);
    expect(db.tables.pet!.columns.born_at).toEqual({
      type: "timestamp(3) with time zone",
      nullable: false,
      default: "now",
    });
  });

  it("maps types, lists and optionality the way Prisma creates columns on PostgreSQL", () => {
    expect(db.tables.pet!.columns).toEqual({
      owner_id: { type: "bigint", nullable: false, default: null },
      name: { type: "character varying(40)", nullable: false, default: null },
      colour: { type: "enum:colour", nullable: false, default: "red" },
      tags: { type: "text[]", nullable: true, default: null },
      weight: { type: "numeric(9,3)", nullable: true, default: null },
      born_at: { type: "timestamp(3) with time zone", nullable: false, default: "now" },
      seen: { type: "timestamp(3) without time zone", nullable: true, default: null },
      friend_id: { type: "bigint", nullable: true, default: null },
    });
    expect(db.tables.owner!.columns.id).toEqual({ type: "bigint", nullable: false, default: "autoincrement" });
  });

  it("names keys and indexes as Prisma does unless map: says otherwise", () => {
    expect(db.tables.pet!.primaryKey).toEqual({ name: "pet_pkey", columns: ["owner_id", "name"] });
    expect(db.tables.pet!.uniques).toEqual([{ name: "pet_name_colour", columns: ["name", "colour"] }]);
    expect(db.tables.pet!.indexes).toEqual([{ name: "pet_colour_born_at_idx", columns: ["colour", "born_at"] }]);
  });

  it("derives foreign keys with Prisma's default actions: required restricts, optional sets null", () => {
    expect(db.tables.pet!.foreignKeys).toEqual([
      {
        name: "pet_owner_id_fkey",
        columns: ["owner_id"],
        refTable: "owner",
        refColumns: ["id"],
        onDelete: "CASCADE",
        onUpdate: "CASCADE",
      },
      {
        name: "pet_friend",
        columns: ["friend_id"],
        refTable: "owner",
        refColumns: ["id"],
        onDelete: "SET NULL",
        onUpdate: "CASCADE",
      },
    ]);
    expect(db.tables.owner!.foreignKeys).toEqual([]);
  });

  it("refuses what it does not understand instead of ignoring it", () => {
    const bad = [
      "model A { id Int @id\n @@index([id(sort: Desc)]) }",
      "model A { id String @id @db.Inet }",
      "model A { id Int @id\n @@fulltext([id]) }",
      "model A { id Int @id @default(sequence()) }",
      "model A { id Int @id\n b Missing }",
      'model A { id Int @id @map("a"',
      "view V { id Int }",
      "stray text",
    ];
    for (const text of bad) expect(() => expectedDatabase(parsePrismaSchema(text)), text).toThrow(SchemaParseError);
  });

  it("reads PostgreSQL's spelling of column defaults", () => {
    expect(normaliseDefault(`nextval('audit_log_id_seq'::regclass)`)).toBe("autoincrement");
    expect(normaliseDefault("CURRENT_TIMESTAMP")).toBe("now");
    expect(normaliseDefault(`'open'::"AlertStatus"`)).toBe("open");
    expect(normaliseDefault("false")).toBe("false");
    expect(normaliseDefault("0")).toBe("0");
    expect(normaliseDefault("'0.00'::numeric")).toBe("0");
    expect(normaliseDefault("'it''s'::text")).toBe("it's");
    expect(normaliseDefault(null)).toBeNull();
  });
});
