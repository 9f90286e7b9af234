import { CsvError, parse as parseCsv } from "csv-parse/sync";
import type { CatalogueKind } from "../assessment/types.ts";
import type { ProblemFieldError } from "../http/problem.ts";
import { FACILITY_COLUMN, LAYOUTS, type Layout, columnsRead, requiredColumns } from "./layouts.ts";

/**
 * A catalogue file in the agency's layout (layouts.ts) read into entries, or every bad row named by line and column.
 * Pure: bytes in, entries or field errors out. A file with any bad row is refused whole by the caller. The CSV itself
 * is read by the csv-parse package (its sync API, which runs on Node and on Workers alike); the lines errors name are
 * counted here.
 */

/** More rows than a facility's largest catalogue holds (tens of thousands of drugs): refused with 413. */
export const MAX_ROWS = 100_000;
/** The errors a refusal lists (the problem's `errors` holds at most 1,000); the first ones, in line order. */
export const MAX_ERRORS = 1000;

/** A code's bound, and a TT_THAU's: both are parts of an entry's key (and of the list's cursor). */
export const MAX_CODE = 255;
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
    bidInfo: layout.bidInfo ? text(row, layout.bidInfo, { max: MAX_CODE }) : null,
    unitPrice: layout.unitPrice ? price(row, layout.unitPrice) : null,
    costGroup: layout.costGroup ? costGroup(row, layout.costGroup, input.costGroups) : null,
    suppliesIncluded: layout.suppliesIncluded ? includes(row, layout.suppliesIncluded) : null,
  };
  const validity = period(row, layout.periods);
  if (row.errors.length > before || !code || !validity) return null;
  return { ...entry, code, ...validity };
}

/** An entry's key (code, bid, first day) in the order the table keeps it; no bid is "", first. */
const keyOrder = (one: ParsedEntry, other: ParsedEntry) => {
  const [left, right] = [one, other].map((entry) => [entry.code, entry.bidInfo ?? "", entry.validFrom]);
  const differs = left!.findIndex((part, index) => part !== right![index]);
  return differs < 0 ? 0 : left![differs]! < right![differs]! ? -1 : 1;
};

/**
 * Entries of one code and bid (TT_THAU, or none) whose periods meet: each later one is named with the line it
 * overlaps. Two tenders of one code, each with its own TT_THAU, may be in force at once.
 */
function overlaps(entries: ParsedEntry[]): Located[] {
  const sorted = [...entries].sort(keyOrder);
  const found: Located[] = [];
  sorted.forEach((entry, index) => {
    const before = sorted[index - 1];
    if (!before || before.code !== entry.code || before.bidInfo !== entry.bidInfo) return;
    if (before.validTo !== null && before.validTo < entry.validFrom) return;
    const same = entry.bidInfo === null ? "code" : "code and TT_THAU";
    found.push({
      line: entry.line,
      error: {
        path: at(entry.line, entry.fromColumn),
        code: "overlapping_validity",
        message: `in force on days line ${before.line} is for the same ${same}: periods of one ${same} may not overlap`,
        params: { line: before.line, ...(entry.bidInfo === null ? {} : { bid: true }) },
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

/** One record of the file and the line it starts on (what a person finds in an editor, 1 for the first line). */
interface CsvRecord {
  line: number;
  fields: string[];
}

const LF = 10;
const CR = 13;
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * The line each record starts on, counted from the bytes as csv-parse reads them: its own line count is the line a
 * record ends on, and counts a CRLF inside a quoted field as two. Records come in order, so the count moves forward
 * only, in one pass over the file and without an index of its lines.
 */
function lineCounter(bytes: Uint8Array) {
  let offset = UTF8_BOM.every((byte, index) => bytes[index] === byte) ? UTF8_BOM.length : 0;
  let line = 1;
  let recordEnd = offset;
  return {
    /** The line of the record after the last one ended (or of the first): past the blank lines before it. */
    nextRecord(): number {
      let start = recordEnd;
      while (start < bytes.length && (bytes[start] === CR || bytes[start] === LF)) start++;
      for (; offset < start; offset++)
        if (bytes[offset] === LF || (bytes[offset] === CR && bytes[offset + 1] !== LF)) line++;
      return line;
    },
    /** A record ended before this byte (its line end included). */
    ended(at: number) {
      recordEnd = at;
    },
  };
}

/** Why a file is not CSV, by csv-parse's error: malformed_csv's reason (src/http/problem-messages.ts). */
const SYNTAX: Partial<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: "unclosed_quote",
  INVALID_OPENING_QUOTE: "stray_quote",
  CSV_INVALID_CLOSING_QUOTE: "after_quote",
};

/**
 * The file's records (csv-parse, RFC 4180: fields quoted with `"` when they hold a comma, a quote written twice or a
 * line break; lines ending in CRLF, LF or CR; a UTF-8 byte-order mark skipped; blank lines left out), each with the
 * line it starts on, or the first syntax error and the line of the record it is in. Stops after `maxRecords`, so a
 * huge file is not read to its end. Rows with another number of fields than the header are the caller's to name.
 */
function readCsv(bytes: Uint8Array, maxRecords: number): CsvRecord[] | { line: number; reason: string } {
  const lines = lineCounter(bytes);
  const starts: number[] = [];
  try {
    const fields = parseCsv(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      bom: true,
      record_delimiter: ["\r\n", "\n", "\r"],
      relax_column_count: true,
      skip_empty_lines: true,
      to: maxRecords,
      on_record: (record, context) => {
        starts.push(lines.nextRecord());
        lines.ended(context.bytes);
        return record;
      },
    });
    return fields.map((record, index) => ({ line: starts[index]!, fields: record }));
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    return { line: lines.nextRecord(), reason: SYNTAX[error.code] ?? "syntax" };
  }
}

/** Whether the file is UTF-8 (with or without a byte-order mark): csv-parse would read other bytes as U+FFFD. */
function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
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
  if (!isUtf8(bytes))
    return {
      path: "(body)",
      code: "invalid_characters",
      message: "the file is not UTF-8",
      params: { reason: "utf8" },
    };
  // The header and MAX_ROWS rows, and one more to tell a file that has more.
  const parsed = readCsv(bytes, MAX_ROWS + 2);
  if ("reason" in parsed)
    return {
      path: at(parsed.line),
      code: "malformed_csv",
      message: `not CSV (RFC 4180): ${parsed.reason.replace("_", " ")}`,
      params: { reason: parsed.reason },
    };
  if (parsed.length > MAX_ROWS + 1) return "too_many";
  if (parsed.length === 0)
    return { path: "(body)", code: "required", message: "the file is empty: send the header row and the entries" };
  return parsed;
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
