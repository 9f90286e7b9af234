/**
 * A small reader of prisma/schema.prisma, enough for the grammar this project
 * uses (models, enums, field and block attributes with nested arguments,
 * `//` and `///` comments), and the database shape that schema implies under
 * Prisma's PostgreSQL conventions. Anything it does not understand is an
 * error, so a new construct in the schema fails the check instead of slipping
 * past it.
 */

export type Value =
  | { kind: "string"; value: string }
  | { kind: "number"; value: string }
  | { kind: "ident"; name: string }
  | { kind: "call"; name: string; args: Arg[] }
  | { kind: "array"; items: Value[] };

export interface Arg {
  name?: string;
  value: Value;
}

export interface Attribute {
  /** Without the `@`/`@@`: `id`, `map`, `db.Char`, `relation`, `index`... */
  name: string;
  args: Arg[];
}

export interface Field {
  name: string;
  type: string;
  optional: boolean;
  list: boolean;
  attributes: Attribute[];
}

export interface Model {
  name: string;
  fields: Field[];
  attributes: Attribute[];
}

export interface EnumDef {
  name: string;
  values: { name: string; attributes: Attribute[] }[];
  attributes: Attribute[];
}

export interface PrismaSchema {
  models: Model[];
  enums: EnumDef[];
}

export class SchemaParseError extends Error {}

/** Removes `//` and `///` comments, leaving string literals alone. */
export function stripComments(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === "\\") out += text[++i] ?? "";
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else out += ch;
  }
  return out;
}

type Token = { t: "str" | "num" | "id" | "punct"; v: string };

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"') {
      let v = "";
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === "\\") i++;
        v += line[i++] ?? "";
      }
      if (line[i] !== '"') throw new SchemaParseError(`unterminated string in: ${line}`);
      i++;
      tokens.push({ t: "str", v });
    } else if (line.startsWith("@@", i)) {
      tokens.push({ t: "punct", v: "@@" });
      i += 2;
    } else if ("@()[],:?=".includes(ch)) {
      tokens.push({ t: "punct", v: ch });
      i++;
    } else if (/[-0-9]/.test(ch)) {
      const m = /^-?\d+(\.\d+)?/.exec(line.slice(i));
      if (!m) throw new SchemaParseError(`bad number in: ${line}`);
      tokens.push({ t: "num", v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(line.slice(i))!;
      tokens.push({ t: "id", v: m[0] });
      i += m[0].length;
    } else throw new SchemaParseError(`unexpected character ${JSON.stringify(ch)} in: ${line}`);
  }
  return tokens;
}

class Cursor {
  i = 0;
  constructor(
    readonly tokens: Token[],
    readonly line: string,
  ) {}
  peek(offset = 0) {
    return this.tokens[this.i + offset];
  }
  done() {
    return this.i >= this.tokens.length;
  }
  next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new SchemaParseError(`unexpected end of: ${this.line}`);
    return t;
  }
  is(v: string) {
    const t = this.peek();
    return t?.t === "punct" && t.v === v;
  }
  expect(v: string) {
    const t = this.next();
    if (t.t !== "punct" || t.v !== v) throw new SchemaParseError(`expected ${v} but found ${t.v} in: ${this.line}`);
  }
  ident(): string {
    const t = this.next();
    if (t.t !== "id") throw new SchemaParseError(`expected a name but found ${t.v} in: ${this.line}`);
    return t.v;
  }
}

function parseValue(c: Cursor): Value {
  const t = c.next();
  if (t.t === "str") return { kind: "string", value: t.v };
  if (t.t === "num") return { kind: "number", value: t.v };
  if (t.t === "punct" && t.v === "[") {
    const items: Value[] = [];
    while (!c.is("]")) {
      items.push(parseValue(c));
      if (!c.is("]")) c.expect(",");
    }
    c.expect("]");
    return { kind: "array", items };
  }
  if (t.t === "id") {
    if (c.is("(")) return { kind: "call", name: t.v, args: parseArgs(c) };
    return { kind: "ident", name: t.v };
  }
  throw new SchemaParseError(`unexpected ${t.v} in: ${c.line}`);
}

/** `( [name:] value, ... )`, the cursor on the opening parenthesis. */
function parseArgs(c: Cursor): Arg[] {
  c.expect("(");
  const args: Arg[] = [];
  while (!c.is(")")) {
    const a = c.peek();
    const b = c.peek(1);
    if (a?.t === "id" && b?.t === "punct" && b.v === ":") {
      c.next();
      c.next();
      args.push({ name: a.v, value: parseValue(c) });
    } else args.push({ value: parseValue(c) });
    if (!c.is(")")) c.expect(",");
  }
  c.expect(")");
  return args;
}

function parseAttributes(c: Cursor, marker: "@" | "@@"): Attribute[] {
  const attributes: Attribute[] = [];
  while (!c.done()) {
    c.expect(marker);
    const name = c.ident();
    attributes.push({ name, args: c.is("(") ? parseArgs(c) : [] });
  }
  return attributes;
}

/** Splits a block body into logical lines: a line goes on while a parenthesis or bracket is open. */
function logicalLines(body: string): string[] {
  const out: string[] = [];
  let current = "";
  let depth = 0;
  for (const raw of body.split("\n")) {
    current += (current ? " " : "") + raw.trim();
    for (const ch of raw.replace(/"(\\.|[^"\\])*"/g, "")) {
      if (ch === "(" || ch === "[") depth++;
      else if (ch === ")" || ch === "]") depth--;
    }
    if (depth === 0) {
      if (current.trim()) out.push(current.trim());
      current = "";
    }
  }
  if (depth !== 0) throw new SchemaParseError(`unbalanced parentheses near: ${current}`);
  return out;
}

function parseModel(name: string, body: string): Model {
  const model: Model = { name, fields: [], attributes: [] };
  for (const line of logicalLines(body)) {
    const c = new Cursor(tokenize(line), line);
    if (c.is("@@")) {
      model.attributes.push(...parseAttributes(c, "@@"));
      continue;
    }
    const fieldName = c.ident();
    const type = c.ident();
    let optional = false;
    let list = false;
    if (c.is("?")) {
      c.next();
      optional = true;
    } else if (c.is("[")) {
      c.next();
      c.expect("]");
      list = true;
    }
    model.fields.push({ name: fieldName, type, optional, list, attributes: parseAttributes(c, "@") });
  }
  return model;
}

function parseEnum(name: string, body: string): EnumDef {
  const def: EnumDef = { name, values: [], attributes: [] };
  for (const line of logicalLines(body)) {
    const c = new Cursor(tokenize(line), line);
    if (c.is("@@")) def.attributes.push(...parseAttributes(c, "@@"));
    else def.values.push({ name: c.ident(), attributes: parseAttributes(c, "@") });
  }
  return def;
}

export function parsePrismaSchema(text: string): PrismaSchema {
  const source = stripComments(text);
  const schema: PrismaSchema = { models: [], enums: [] };
  const header = /\s*(model|enum|generator|datasource|view|type)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{/y;
  let i = 0;
  while (source.slice(i).trim()) {
    header.lastIndex = i;
    const m = header.exec(source);
    if (!m) throw new SchemaParseError(`expected a block at: ${source.slice(i).trim().slice(0, 80)}`);
    const [, keyword, name] = m as unknown as [string, string, string];
    // The body ends at the first `}` outside a string literal.
    let j = header.lastIndex;
    let inString = false;
    for (; j < source.length; j++) {
      const ch = source[j];
      if (inString) {
        if (ch === "\\") j++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === "}") break;
    }
    if (j >= source.length) throw new SchemaParseError(`${keyword} ${name} is not closed`);
    const body = source.slice(header.lastIndex, j);
    i = j + 1;
    if (keyword === "model") schema.models.push(parseModel(name, body));
    else if (keyword === "enum") schema.enums.push(parseEnum(name, body));
    else if (keyword === "view" || keyword === "type")
      throw new SchemaParseError(`${keyword} blocks are not supported by this reader (${name})`);
  }
  return schema;
}

// ---------------------------------------------------------------------------
// What the schema implies for the database, under Prisma's conventions.

export interface ColumnShape {
  /** `format_type` spelling (`character(2)`, `numeric(18,2)`, `text[]`), or `enum:Name` / `enum:Name[]`. */
  type: string;
  nullable: boolean;
  /** Normalised default: `autoincrement`, `now`, a literal's text, or null for none. */
  default: string | null;
}

export interface IndexShape {
  name: string;
  columns: string[];
}

export interface ForeignKeyShape {
  name: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
}

export interface TableShape {
  columns: Record<string, ColumnShape>;
  primaryKey: IndexShape | null;
  uniques: IndexShape[];
  indexes: IndexShape[];
  foreignKeys: ForeignKeyShape[];
}

export interface DatabaseShape {
  tables: Record<string, TableShape>;
  enums: Record<string, string[]>;
}

const SCALARS = new Set(["String", "Int", "BigInt", "Boolean", "DateTime", "Decimal", "Json", "Float", "Bytes"]);

const attr = (attributes: Attribute[], name: string) => attributes.find((a) => a.name === name);

function argValue(a: Attribute | undefined, name: string, position?: number): Value | undefined {
  if (!a) return undefined;
  const named = a.args.find((x) => x.name === name);
  if (named) return named.value;
  if (position === undefined) return undefined;
  return a.args.filter((x) => x.name === undefined)[position]?.value;
}

function stringArg(a: Attribute | undefined, name: string, position?: number): string | undefined {
  const v = argValue(a, name, position);
  if (v === undefined) return undefined;
  if (v.kind !== "string") throw new SchemaParseError(`@${a!.name}: ${name} must be a string`);
  return v.value;
}

function numberArgs(a: Attribute): number[] {
  return a.args.map((x) => {
    if (x.value.kind !== "number") throw new SchemaParseError(`@${a.name}: arguments must be numbers`);
    return Number(x.value.value);
  });
}

/** Field names of `[a, b]` (a block attribute's `fields`, or a relation's). */
function fieldList(v: Value | undefined, where: string): string[] {
  if (!v || v.kind !== "array") throw new SchemaParseError(`${where}: expected a list of fields`);
  return v.items.map((item) => {
    if (item.kind === "ident") return item.name;
    throw new SchemaParseError(`${where}: only plain field names are supported (no sort, length or ops)`);
  });
}

export const tableName = (m: Model) => stringArg(attr(m.attributes, "map"), "name", 0) ?? m.name;
export const columnName = (f: Field) => stringArg(attr(f.attributes, "map"), "name", 0) ?? f.name;
export const enumTypeName = (e: EnumDef) => stringArg(attr(e.attributes, "map"), "name", 0) ?? e.name;

function columnType(f: Field, enums: Map<string, EnumDef>): string {
  const suffix = f.list ? "[]" : "";
  const e = enums.get(f.type);
  if (e) return `enum:${enumTypeName(e)}${suffix}`;
  const native = f.attributes.filter((a) => a.name.startsWith("db."));
  if (native.length > 1) throw new SchemaParseError(`${f.name}: more than one native type`);
  const db = native[0];
  const n = db ? numberArgs(db) : [];
  const nativeName = db?.name.slice(3);
  const unsupported = () =>
    new SchemaParseError(`${f.name}: native type @${db!.name} on ${f.type} is not supported by this reader`);
  let base: string;
  switch (f.type) {
    case "String":
      if (!db || nativeName === "Text") base = "text";
      else if (nativeName === "Char") base = `character(${n[0]})`;
      else if (nativeName === "VarChar") base = n.length ? `character varying(${n[0]})` : "character varying";
      else if (nativeName === "Uuid") base = "uuid";
      else throw unsupported();
      break;
    case "Int":
      if (!db || nativeName === "Integer") base = "integer";
      else if (nativeName === "SmallInt") base = "smallint";
      else throw unsupported();
      break;
    case "BigInt":
      if (db) throw unsupported();
      base = "bigint";
      break;
    case "Boolean":
      if (db) throw unsupported();
      base = "boolean";
      break;
    case "Float":
      if (db) throw unsupported();
      base = "double precision";
      break;
    case "Bytes":
      if (db) throw unsupported();
      base = "bytea";
      break;
    case "Json":
      if (!db || nativeName === "JsonB") base = "jsonb";
      else if (nativeName === "Json") base = "json";
      else throw unsupported();
      break;
    case "Decimal":
      if (!db) base = "numeric(65,30)";
      else if (nativeName === "Decimal") base = `numeric(${n[0]},${n[1]})`;
      else throw unsupported();
      break;
    case "DateTime":
      if (!db) base = "timestamp(3) without time zone";
      else if (nativeName === "Timestamptz") base = `timestamp(${n[0] ?? 6}) with time zone`;
      else if (nativeName === "Timestamp") base = `timestamp(${n[0] ?? 6}) without time zone`;
      else if (nativeName === "Date") base = "date";
      else throw unsupported();
      break;
    default:
      throw new SchemaParseError(`${f.name}: unknown type ${f.type}`);
  }
  return base + suffix;
}

/** The database default Prisma creates for `@default(...)`, normalised; null when it creates none. */
function columnDefault(f: Field): string | null {
  const d = attr(f.attributes, "default");
  if (!d) return null;
  const v = argValue(d, "value", 0);
  if (!v) throw new SchemaParseError(`${f.name}: @default without a value`);
  switch (v.kind) {
    case "call":
      if (v.name === "autoincrement") return "autoincrement";
      if (v.name === "now") return "now";
      if (["uuid", "cuid", "nanoid", "ulid"].includes(v.name)) return null; // made by the client, not the database
      if (v.name === "dbgenerated") return v.args[0]?.value.kind === "string" ? v.args[0].value.value : null;
      throw new SchemaParseError(`${f.name}: @default(${v.name}()) is not supported by this reader`);
    case "string":
    case "number":
      return normaliseLiteral(v.value);
    case "ident":
      return v.name; // true, false or an enum value
    case "array":
      throw new SchemaParseError(`${f.name}: list defaults are not supported by this reader`);
  }
}

/** Numbers compare by value (`0` and `0.00` are one default). */
export const normaliseLiteral = (s: string) => (/^-?\d+(\.\d+)?$/.test(s) ? String(Number(s)) : s);

const REFERENTIAL: Record<string, string> = {
  Cascade: "CASCADE",
  Restrict: "RESTRICT",
  NoAction: "NO ACTION",
  SetNull: "SET NULL",
  SetDefault: "SET DEFAULT",
};

export function expectedDatabase(schema: PrismaSchema): DatabaseShape {
  const enums = new Map(schema.enums.map((e) => [e.name, e]));
  const models = new Map(schema.models.map((m) => [m.name, m]));
  const shape: DatabaseShape = { tables: {}, enums: {} };
  for (const e of schema.enums)
    shape.enums[enumTypeName(e)] = e.values.map((v) => stringArg(attr(v.attributes, "map"), "name", 0) ?? v.name);

  for (const m of schema.models) {
    const table = tableName(m);
    const byField = new Map(m.fields.map((f) => [f.name, f]));
    const col = (fieldName: string, where = m.name) => {
      const f = byField.get(fieldName);
      if (!f) throw new SchemaParseError(`${where}: no field ${fieldName}`);
      return columnName(f);
    };
    const t: TableShape = { columns: {}, primaryKey: null, uniques: [], indexes: [], foreignKeys: [] };
    const isScalar = (f: Field) => SCALARS.has(f.type) || enums.has(f.type);

    for (const f of m.fields) {
      if (!isScalar(f)) {
        if (!models.has(f.type)) throw new SchemaParseError(`${m.name}.${f.name}: unknown type ${f.type}`);
        continue;
      }
      const name = columnName(f);
      t.columns[name] = { type: columnType(f, enums), nullable: f.optional || f.list, default: columnDefault(f) };
      const id = attr(f.attributes, "id");
      if (id) t.primaryKey = { name: stringArg(id, "map") ?? `${table}_pkey`, columns: [name] };
      const unique = attr(f.attributes, "unique");
      if (unique) t.uniques.push({ name: stringArg(unique, "map") ?? `${table}_${name}_key`, columns: [name] });
    }

    for (const a of m.attributes) {
      if (a.name === "map") continue;
      const columns = fieldList(argValue(a, "fields", 0), `${m.name} @@${a.name}`).map((f) => col(f));
      const mapped = stringArg(a, "map");
      if (a.name === "id") t.primaryKey = { name: mapped ?? `${table}_pkey`, columns };
      else if (a.name === "unique") t.uniques.push({ name: mapped ?? `${table}_${columns.join("_")}_key`, columns });
      else if (a.name === "index") {
        if (argValue(a, "type") !== undefined)
          throw new SchemaParseError(`${m.name} @@index: index types are not supported by this reader`);
        t.indexes.push({ name: mapped ?? `${table}_${columns.join("_")}_idx`, columns });
      } else throw new SchemaParseError(`${m.name}: @@${a.name} is not supported by this reader`);
    }

    for (const f of m.fields) {
      const rel = attr(f.attributes, "relation");
      if (!rel || argValue(rel, "fields") === undefined) continue;
      const target = models.get(f.type)!;
      const targetFields = new Map(target.fields.map((x) => [x.name, x]));
      const fieldNames = fieldList(argValue(rel, "fields"), `${m.name}.${f.name} @relation`);
      const columns = fieldNames.map((n) => col(n, `${m.name}.${f.name}`));
      const refColumns = fieldList(argValue(rel, "references"), `${m.name}.${f.name} @relation`).map((n) => {
        const rf = targetFields.get(n);
        if (!rf) throw new SchemaParseError(`${m.name}.${f.name}: ${target.name} has no field ${n}`);
        return columnName(rf);
      });
      const optional = fieldNames.some((n) => byField.get(n)!.optional);
      const action = (name: string, fallback: string) => {
        const v = argValue(rel, name);
        if (v === undefined) return fallback;
        if (v.kind !== "ident" || !(v.name in REFERENTIAL))
          throw new SchemaParseError(`${m.name}.${f.name}: bad ${name}`);
        return REFERENTIAL[v.name]!;
      };
      t.foreignKeys.push({
        name: stringArg(rel, "map") ?? `${table}_${columns.join("_")}_fkey`,
        columns,
        refTable: tableName(target),
        refColumns,
        // Prisma's defaults: an optional relation is cut on delete, a required one blocks it.
        onDelete: action("onDelete", optional ? "SET NULL" : "RESTRICT"),
        onUpdate: action("onUpdate", "CASCADE"),
      });
    }
    if (shape.tables[table]) throw new SchemaParseError(`two models map to table ${table}`);
    shape.tables[table] = t;
  }
  return shape;
}
