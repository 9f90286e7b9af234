import type { Database } from "../../src/db/client.ts";
import {
  type DatabaseShape,
  type ForeignKeyShape,
  type IndexShape,
  type TableShape,
  normaliseLiteral,
} from "./prisma-schema.ts";

/** Tables the migration runner keeps for itself, not declared in the schema. */
export const BOOKKEEPING_TABLES = new Set(["_prisma_migrations"]);

const REFERENTIAL: Record<string, string> = {
  a: "NO ACTION",
  r: "RESTRICT",
  c: "CASCADE",
  n: "SET NULL",
  d: "SET DEFAULT",
};

/** Reads the shape of the current schema from information_schema and pg_catalog. */
export async function introspect(db: Database): Promise<DatabaseShape> {
  return db.withSession(async (s) => {
    const enumRows = await s.query<{ name: string; labels: string[] }>(`
      SELECT t.typname AS name,
             array(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS labels
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE t.typtype = 'e' AND n.nspname = current_schema()`);
    const enumNames = new Set(enumRows.map((e) => e.name));

    // Tables as the schema names them: a partitioned table is one (relkind p), its partitions are not.
    const tableRows = await s.query<{ name: string }>(
      `SELECT c.relname::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
    );
    const shape: DatabaseShape = { tables: {}, enums: Object.fromEntries(enumRows.map((e) => [e.name, e.labels])) };
    for (const { name } of tableRows) {
      if (!BOOKKEEPING_TABLES.has(name))
        shape.tables[name] = { columns: {}, primaryKey: null, uniques: [], indexes: [], foreignKeys: [] };
    }
    const table = (name: string): TableShape | undefined => shape.tables[name];

    const columnRows = await s.query<{
      table_name: string;
      column_name: string;
      is_nullable: string;
      data_type: string;
      udt_name: string;
      column_default: string | null;
      formatted: string;
    }>(`
      SELECT c.table_name::text, c.column_name::text, c.is_nullable::text, c.data_type::text, c.udt_name::text,
        c.column_default::text,
             format_type(a.atttypid, a.atttypmod) AS formatted
      FROM information_schema.columns c
      JOIN pg_class cl ON cl.relname = c.table_name
      JOIN pg_namespace n ON n.oid = cl.relnamespace AND n.nspname = c.table_schema
      JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attname = c.column_name
      WHERE c.table_schema = current_schema()
      ORDER BY c.table_name, c.ordinal_position`);
    for (const c of columnRows) {
      const t = table(c.table_name);
      if (!t) continue;
      let type = c.formatted;
      if (c.data_type === "USER-DEFINED" && enumNames.has(c.udt_name)) type = `enum:${c.udt_name}`;
      else if (c.data_type === "ARRAY" && enumNames.has(c.udt_name.slice(1))) type = `enum:${c.udt_name.slice(1)}[]`;
      t.columns[c.column_name] = {
        type,
        nullable: c.is_nullable === "YES",
        default: normaliseDefault(c.column_default),
      };
    }

    const indexRows = await s.query<{
      table_name: string;
      name: string;
      is_primary: boolean;
      is_unique: boolean;
      columns: string[];
      expressions: boolean;
      partial: boolean;
      descending: boolean;
    }>(`
      SELECT t.relname::text AS table_name, i.relname::text AS name, ix.indisprimary AS is_primary, ix.indisunique AS
        is_unique,
             array(SELECT a.attname::text FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
             ix.indexprs IS NOT NULL AS expressions, ix.indpred IS NOT NULL AS partial,
             EXISTS (SELECT 1 FROM unnest(ix.indoption::int2[]) o WHERE o & 1 = 1) AS descending
      FROM pg_index ix
      JOIN pg_class t ON t.oid = ix.indrelid
      JOIN pg_class i ON i.oid = ix.indexrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = current_schema()
      ORDER BY 1, 2`);
    for (const ix of indexRows) {
      const t = table(ix.table_name);
      if (!t) continue;
      // Prisma declares none of these; mark them so the comparison reports them.
      const odd = [ix.expressions && "expression", ix.partial && "partial", ix.descending && "descending"].filter(
        Boolean,
      );
      const entry: IndexShape = {
        name: ix.name,
        columns: odd.length ? [...ix.columns, `(${odd.join(", ")})`] : ix.columns,
      };
      if (ix.is_primary) t.primaryKey = entry;
      else if (ix.is_unique) t.uniques.push(entry);
      else t.indexes.push(entry);
    }

    const fkRows = await s.query<{
      table_name: string;
      name: string;
      columns: string[];
      ref_table: string;
      ref_columns: string[];
      on_delete: string;
      on_update: string;
    }>(`
      SELECT cl.relname::text AS table_name, con.conname::text AS name, rf.relname::text AS ref_table,
             array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
             array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS
                     ref_columns,
             con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update
      FROM pg_constraint con
      JOIN pg_class cl ON cl.oid = con.conrelid
      JOIN pg_class rf ON rf.oid = con.confrelid
      JOIN pg_namespace n ON n.oid = cl.relnamespace
      -- A foreign key to a partitioned table is copied for each partition (conparentid set): the parent's is the one.
      WHERE con.contype = 'f' AND n.nspname = current_schema() AND con.conparentid = 0
      ORDER BY 1, 2`);
    for (const fk of fkRows) {
      table(fk.table_name)?.foreignKeys.push({
        name: fk.name,
        columns: fk.columns,
        refTable: fk.ref_table,
        refColumns: fk.ref_columns,
        onDelete: REFERENTIAL[fk.on_delete] ?? fk.on_delete,
        onUpdate: REFERENTIAL[fk.on_update] ?? fk.on_update,
      });
    }
    return shape;
  });
}

/** `nextval(...)` -> autoincrement, CURRENT_TIMESTAMP -> now, `'open'::"AlertStatus"` -> open, `0` -> 0. */
export function normaliseDefault(expr: string | null): string | null {
  if (expr === null) return null;
  if (/^nextval\(/i.test(expr)) return "autoincrement";
  if (/^(CURRENT_TIMESTAMP|now\(\))$/i.test(expr)) return "now";
  let e = expr;
  for (let prev = ""; prev !== e;) {
    prev = e;
    e = e.replace(/::("[^"]+"|[a-z][a-z0-9_ ]*(\(\d+(,\d+)?\))?)(\[\])?$/i, "").trim();
    if (/^\(.*\)$/.test(e)) e = e.slice(1, -1);
  }
  if (/^'.*'$/.test(e)) e = e.slice(1, -1).replace(/''/g, "'");
  return normaliseLiteral(e);
}

/** Every way `actual` differs from `expected`, as readable lines; empty when they agree. */
export function compareShapes(expected: DatabaseShape, actual: DatabaseShape): string[] {
  const out: string[] = [];
  const describeIndex = (i: IndexShape | null) => (i ? `${i.name}(${i.columns.join(", ")})` : "none");
  const describeFk = (f: ForeignKeyShape) =>
    `${f.name}(${f.columns.join(", ")}) -> ${f.refTable}(${f.refColumns.join(", ")}) on delete ${f.onDelete} on ` +
    `update ${f.onUpdate}`;
  const sameSets = (what: string, want: string[], got: string[]) => {
    for (const w of want) if (!got.includes(w)) out.push(`${what}: schema declares ${w}, the database lacks it`);
    for (const g of got)
      if (!want.includes(g)) out.push(`${what}: the database has ${g}, the schema does not declare it`);
  };

  sameSets("tables", Object.keys(expected.tables), Object.keys(actual.tables));
  sameSets("enum types", Object.keys(expected.enums), Object.keys(actual.enums));
  for (const [name, labels] of Object.entries(expected.enums)) {
    const got = actual.enums[name];
    if (got && got.join(",") !== labels.join(","))
      out.push(`enum ${name}: labels ${got.join(", ")} in the database, ${labels.join(", ")} in the schema`);
  }

  for (const [name, want] of Object.entries(expected.tables)) {
    const got = actual.tables[name];
    if (!got) continue;
    sameSets(`${name} columns`, Object.keys(want.columns), Object.keys(got.columns));
    for (const [col, w] of Object.entries(want.columns)) {
      const g = got.columns[col];
      if (!g) continue;
      if (g.type !== w.type) out.push(`${name}.${col}: type ${g.type} in the database, ${w.type} in the schema`);
      if (g.nullable !== w.nullable)
        out.push(
          `${name}.${col}: ${g.nullable ? "nullable" : "NOT NULL"} in the database, ` +
            `${w.nullable ? "nullable" : "NOT NULL"} in the schema`,
        );
      if (g.default !== w.default)
        out.push(
          `${name}.${col}: default ${g.default ?? "none"} in the database, ${w.default ?? "none"} in the schema`,
        );
    }
    if (describeIndex(got.primaryKey) !== describeIndex(want.primaryKey))
      out.push(
        `${name}: primary key ${describeIndex(got.primaryKey)} in the database, ${describeIndex(want.primaryKey)} in ` +
          `the schema`,
      );
    sameSets(`${name} unique indexes`, want.uniques.map(describeIndex), got.uniques.map(describeIndex));
    sameSets(`${name} indexes`, want.indexes.map(describeIndex), got.indexes.map(describeIndex));
    sameSets(`${name} foreign keys`, want.foreignKeys.map(describeFk), got.foreignKeys.map(describeFk));
  }
  return out;
}
