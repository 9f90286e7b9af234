import type { CatalogueKind } from "../assessment/types.ts";
import type { ProblemFieldError } from "../http/problem.ts";
import { type CsvRecord, parseCsv } from "./csv.ts";
import { FACILITY_COLUMN, LAYOUTS, type Layout, columnsRead, requiredColumns } from "./layouts.ts";

/**
 * A catalogue file in the agency's layout (layouts.ts) read into entries, or every bad row named by line and column.
 * Pure: bytes in, entries or field errors out. A file with any bad row is refused whole by the caller.
 */

/** More rows than a facility's largest catalogue holds (tens of thousands of drugs): refused with 413. */
export const MAX_ROWS = 100_000;
/** The errors a refusal lists (the problem's `errors` holds at most 1,000); the first ones, in line order. */
export const MAX_ERRORS = 1000;

const MAX_CODE = 255;
const MAX_TEXT = 1024;
const PRICE = /^[0-9]{1,15}(\.[0-9]{1,3})?$/;
const DAY = /^([0-9]{4})([0-9]{2})([0-9]{2})$/;

/** One entry as read, in the shape the table stores (days YYYY-MM-DD, prices as plain decimal text). */
export interface ParsedEntry {
  line: number;
  code: string;
  validFrom: string;
  validTo: string | null;
  name: string | null;
  concentration: string | null;
  registrationNumber: string | null;
  bidInfo: string | null;
  unitPrice: string | null;
  costGroup: string | null;
  suppliesIncluded: boolean | null;
  /** The column the start day came from (TU_NGAY, or TU_NGAY_HD): where an overlap is reported. */
  fromColumn: string;
}

export type ParseOutcome = { entries: ParsedEntry[] } | { errors: ProblemFieldError[] } | { tooManyRows: number };

export interface ParseInput {
  kind: CatalogueKind;
  facilityCode: string;
  /** The cost groups of rules/costs.json (MA_NHOM without leading zeros). */
  costGroups: ReadonlySet<string>;
}

/** `line[12].TU_NGAY`: where a field error is. */
const at = (line: number, column?: string) => (column ? `line[${line}].${column}` : `line[${line}]`);

interface Located {
  line: number;
  error: ProblemFieldError;
}

/** What one row's checks need: its cells by column name, and where its errors go. */
interface Row {
  line: number;
  cell: (column: string) => string;
  errors: Located[];
}

function fail(row: Row, error: ProblemFieldError) {
  row.errors.push({ line: row.line, error });
}

/** The first of `columns` with a value in the row, and its value; the first column with "" when none has. */
function firstFilled(row: Row, columns: readonly string[]): { column: string; value: string } {
  for (const column of columns) {
    const value = row.cell(column);
    if (value !== "") return { column, value };
  }
  return { column: columns[0]!, value: "" };
}

function required(row: Row, column: string) {
  fail(row, { path: at(row.line, column), code: "required", message: `${column} is required`, params: { column } });
}

/** A text field: trimmed, bounded, without NUL; null when empty (refused when required). */
function text(row: Row, columns: readonly string[], options: { required?: boolean; max: number }): string | null {
  const { column, value } = firstFilled(row, columns);
  if (value === "") {
    if (options.required) required(row, column);
    return null;
  }
  if (value.includes("\u0000"))
    fail(row, {
      path: at(row.line, column),
      code: "invalid_characters",
      message: "contains a NUL character (U+0000)",
      params: { reason: "nul" },
    });
  else if (value.length > options.max)
    fail(row, {
      path: at(row.line, column),
      code: "too_big",
      message: `at most ${options.max} characters`,
      params: { origin: "string", maximum: options.max, inclusive: true },
    });
  return value;
}

/** A unit price: at least 0, at most 3 decimals (the XML tables' rounding), a point as the decimal mark. */
function price(row: Row, columns: readonly string[]): string | null {
  const { column, value } = firstFilled(row, columns);
  if (value === "") required(row, column);
  else if (!PRICE.test(value))
    fail(row, {
      path: at(row.line, column),
      code: "invalid_number",
      message: `${column} must be a number >= 0 with at most 3 decimals and a point, e.g. "1500.5"`,
    });
  else return value;
  return null;
}

/** A day written yyyymmdd (20260101), as YYYY-MM-DD; null when empty or refused. */
function day(row: Row, column: string): string | null {
  const value = row.cell(column);
  if (value === "") return null;
  const match = DAY.exec(value);
  const [year, month, date] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const real = new Date(Date.UTC(year, month - 1, date));
  if (match && year >= 1900 && year <= 2100 && real.getUTCMonth() === month - 1 && real.getUTCDate() === date)
    return `${match[1]}-${match[2]}-${match[3]}`;
  fail(row, {
    path: at(row.line, column),
    code: "invalid_date",
    message: `${column} must be a day written yyyymmdd, e.g. 20260101`,
    params: { column },
  });
  return null;
}

/** The period in force: from the first pair whose start has a value; the end empty is open-ended. */
function period(row: Row, pairs: Layout["periods"]) {
  const [from, to] = pairs.find(([start]) => row.cell(start) !== "") ?? pairs[0]!;
  if (row.cell(from) === "") {
    required(row, from);
    return null;
  }
  const [validFrom, validTo] = [day(row, from), day(row, to)];
  if (validFrom && validTo && validTo < validFrom)
    fail(row, {
      path: at(row.line, to),
      code: "ends_before_start",
      message: `${to} is before ${from}`,
      params: { from, to },
    });
  return validFrom ? { validFrom, validTo, fromColumn: from } : null;
}

/** MA_NHOM as the rules know it ("04" is group "4"); null when the file gives none. */
function costGroup(row: Row, columns: readonly string[], known: ReadonlySet<string>): string | null {
  const { column, value } = firstFilled(row, columns);
  if (value === "") return null;
  const group = value.replace(/^0+(?=[0-9])/, "");
  if (known.has(group)) return group;
  fail(row, {
    path: at(row.line, column),
    code: "unknown_cost_group",
    message: `unknown cost group; allowed: ${[...known].join(", ")}`,
  });
  return null;
}

/** BAO_GOM_VTYT: 1 when the price includes the supplies, 0 or empty when not. */
function includes(row: Row, columns: readonly string[]): boolean {
  const { column, value } = firstFilled(row, columns);
  if (value === "" || value === "0") return false;
  if (value === "1") return true;
  fail(row, {
    path: at(row.line, column),
    code: "invalid_value",
    message: `${column} must be 0 or 1`,
    params: { values: ["0", "1"] },
  });
  return false;
}

function checkFacility(row: Row, facilityCode: string) {
  const value = row.cell(FACILITY_COLUMN);
  if (value !== "" && value !== facilityCode)
    fail(row, {
      path: at(row.line, FACILITY_COLUMN),
      code: "facility_mismatch",
      message: `must be ${facilityCode}, the facility the catalogue is loaded for, or empty`,
      params: { expected: facilityCode },
    });
}

/** One row as an entry, or null with its errors recorded. */
function entryOf(row: Row, layout: Layout, input: ParseInput): ParsedEntry | null {
  const before = row.errors.length;
  checkFacility(row, input.facilityCode);
  const code = text(row, layout.code, { required: true, max: MAX_CODE });
  const name = text(row, layout.name.columns, { required: layout.name.required, max: MAX_TEXT });
  const optional = (columns: readonly string[] | undefined) => (columns ? text(row, columns, { max: MAX_TEXT }) : null);
  const entry = {
    line: row.line,
    name,
    concentration: optional(layout.concentration),
    registrationNumber: optional(layout.registrationNumber),
    bidInfo: optional(layout.bidInfo),
    unitPrice: layout.unitPrice ? price(row, layout.unitPrice) : null,
    costGroup: layout.costGroup ? costGroup(row, layout.costGroup, input.costGroups) : null,
    suppliesIncluded: layout.suppliesIncluded ? includes(row, layout.suppliesIncluded) : null,
  };
  const validity = period(row, layout.periods);
  if (row.errors.length > before || !code || !validity) return null;
  return { ...entry, code, ...validity };
}

/** Entries of one code whose periods meet: each later one is named with the line it overlaps. */
function overlaps(entries: ParsedEntry[]): Located[] {
  const sorted = [...entries].sort((one, other) =>
    one.code === other.code ? one.validFrom.localeCompare(other.validFrom) : one.code < other.code ? -1 : 1,
  );
  const found: Located[] = [];
  sorted.forEach((entry, index) => {
    const before = sorted[index - 1];
    if (!before || before.code !== entry.code) return;
    if (before.validTo !== null && before.validTo < entry.validFrom) return;
    found.push({
      line: entry.line,
      error: {
        path: at(entry.line, entry.fromColumn),
        code: "overlapping_validity",
        message: `in force on days line ${before.line} is for the same code: periods of one code may not overlap`,
        params: { line: before.line },
      },
    });
  });
  return found;
}

/** The header's columns by name (trimmed, upper-cased), or the errors that make it unreadable. */
function readHeader(header: CsvRecord, layout: Layout): { columns: Map<string, number> } | { errors: Located[] } {
  const columns = new Map<string, number>();
  const read = new Set(columnsRead(layout));
  const errors: Located[] = [];
  const line = header.line;
  header.fields.forEach((field, index) => {
    const name = field.trim().toUpperCase();
    if (read.has(name) && columns.has(name))
      errors.push({
        line,
        error: {
          path: at(line, name),
          code: "malformed_csv",
          message: `the header names ${name} twice`,
          params: { reason: "duplicate_column" },
        },
      });
    if (!columns.has(name)) columns.set(name, index);
  });
  for (const options of requiredColumns(layout))
    if (!options.some((column) => columns.has(column)))
      errors.push({
        line,
        error: {
          path: at(line, options[0]),
          code: "required",
          message: `the header has no ${options.join(" or ")} column (${layout.form})`,
          params: { column: options.join(", ") },
        },
      });
  return errors.length ? { errors } : { columns };
}

/** The file as text: UTF-8, with or without a byte-order mark. */
function decode(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

const bodyError = (error: ProblemFieldError): ParseOutcome => ({ errors: [error] });

/** The rows under the header, blank ones left out, each checked to have the header's number of fields. */
function dataRows(records: CsvRecord[], width: number): { rows: CsvRecord[]; errors: Located[] } {
  const rows: CsvRecord[] = [];
  const errors: Located[] = [];
  for (const record of records.slice(1)) {
    if (record.fields.every((field) => field.trim() === "")) continue;
    if (record.fields.length === width) rows.push(record);
    else
      errors.push({
        line: record.line,
        error: {
          path: at(record.line),
          code: "malformed_csv",
          message: `has ${record.fields.length} fields; the header has ${width}`,
          params: { reason: "columns", expected: width, found: record.fields.length },
        },
      });
  }
  return { rows, errors };
}

/** The text's records, or why it is not a catalogue file at all. */
function records(bytes: Uint8Array): CsvRecord[] | ProblemFieldError | "too_many" {
  const text = decode(bytes);
  if (text === null)
    return {
      path: "(body)",
      code: "invalid_characters",
      message: "the file is not UTF-8",
      params: { reason: "utf8" },
    };
  const parsed = parseCsv(text, MAX_ROWS + 1);
  if ("error" in parsed)
    return {
      path: at(parsed.error.line),
      code: "malformed_csv",
      message: `not CSV (RFC 4180): ${parsed.error.reason.replace("_", " ")}`,
      params: { reason: parsed.error.reason },
    };
  if (!parsed.complete) return "too_many";
  if (parsed.records.length === 0)
    return { path: "(body)", code: "required", message: "the file is empty: send the header row and the entries" };
  return parsed.records;
}

/** Reads a catalogue file: its entries, or every bad row (the first MAX_ERRORS, in line order). */
export function parseCatalogue(bytes: Uint8Array, input: ParseInput): ParseOutcome {
  const layout = LAYOUTS[input.kind];
  const all = records(bytes);
  if (all === "too_many") return { tooManyRows: MAX_ROWS };
  if (!Array.isArray(all)) return bodyError(all);
  const header = readHeader(all[0]!, layout);
  if ("errors" in header) return { errors: header.errors.map((located) => located.error) };
  const { rows, errors } = dataRows(all, all[0]!.fields.length);
  if (rows.length + errors.length > MAX_ROWS) return { tooManyRows: MAX_ROWS };
  const entries: ParsedEntry[] = [];
  for (const record of rows) {
    const row: Row = { line: record.line, cell: cellsOf(header.columns, record), errors };
    const entry = entryOf(row, layout, input);
    if (entry) entries.push(entry);
  }
  errors.push(...overlaps(entries));
  if (errors.length === 0) return { entries };
  errors.sort((one, other) => one.line - other.line);
  return { errors: errors.slice(0, MAX_ERRORS).map((located) => located.error) };
}

/** A row's cells by column name, trimmed; "" for a column the file does not have. */
function cellsOf(columns: Map<string, number>, record: CsvRecord) {
  return (column: string) => {
    const index = columns.get(column);
    return index === undefined ? "" : record.fields[index]!.trim();
  };
}
