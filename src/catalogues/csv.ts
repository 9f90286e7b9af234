/**
 * RFC 4180 CSV as the agency's catalogue exports are written: comma-separated, a field quoted with `"` when it holds a
 * comma, a quote (written twice) or a line break; lines end in CRLF, LF or CR. Pure: text in, records out, each with
 * the line of the file it starts on (what a person finds in an editor, 1 for the first line).
 */

/** One record of the file and the line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Why a file is not CSV: an unclosed quote, a quote inside an unquoted field, text after a closing quote. */
export interface CsvSyntaxError {
  line: number;
  reason: "unclosed_quote" | "stray_quote" | "after_quote";
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** Where the reader stands in the text, and on which line. */
interface Cursor {
  text: string;
  at: number;
  line: number;
}

/** A quoted field from the opening quote at `cursor.at`; the cursor ends after its closing quote. */
function quotedField(cursor: Cursor, start: number): string | CsvSyntaxError {
  const { text } = cursor;
  let value = "";
  let from = cursor.at + 1;
  for (let index = from; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      value += text.slice(from, index);
      if (text.charCodeAt(index + 1) !== QUOTE) {
        cursor.at = index + 1;
        return value;
      }
      value += '"';
      from = ++index + 1;
    } else if (code === LF || (code === CR && text.charCodeAt(index + 1) !== LF)) cursor.line++;
  }
  return { line: start, reason: "unclosed_quote" };
}

/** A plain field up to the next comma or line end; a quote inside it is refused. */
function plainField(cursor: Cursor, start: number): string | CsvSyntaxError {
  const { text } = cursor;
  let index = cursor.at;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === COMMA || code === LF || code === CR) break;
    if (code === QUOTE) return { line: start, reason: "stray_quote" };
    index++;
  }
  const value = text.slice(cursor.at, index);
  cursor.at = index;
  return value;
}

/** Steps over a line end at the cursor (CRLF, LF or CR); false when there is none. */
function lineEnd(cursor: Cursor): boolean {
  const code = cursor.text.charCodeAt(cursor.at);
  if (code === CR) cursor.at += cursor.text.charCodeAt(cursor.at + 1) === LF ? 2 : 1;
  else if (code === LF) cursor.at += 1;
  else return false;
  cursor.line++;
  return true;
}

/** One record from the cursor, which ends at the start of the next one. */
function record(cursor: Cursor): CsvRecord | CsvSyntaxError {
  const start = cursor.line;
  const fields: string[] = [];
  for (;;) {
    const quoted = cursor.text.charCodeAt(cursor.at) === QUOTE;
    const field = quoted ? quotedField(cursor, start) : plainField(cursor, start);
    if (typeof field !== "string") return field;
    fields.push(field);
    if (cursor.at >= cursor.text.length || lineEnd(cursor)) return { line: start, fields };
    if (cursor.text.charCodeAt(cursor.at) !== COMMA) return { line: start, reason: "after_quote" };
    cursor.at++;
  }
}

/**
 * The file's records, blank lines left out, or the first syntax error. Stops after `maxRecords` (`complete` false:
 * the caller refuses a file with more), so a huge file is not held twice over.
 */
export function parseCsv(
  text: string,
  maxRecords: number,
): { records: CsvRecord[]; complete: boolean } | { error: CsvSyntaxError } {
  const cursor: Cursor = { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, at: 0, line: 1 };
  const records: CsvRecord[] = [];
  for (;;) {
    if (lineEnd(cursor)) continue;
    if (cursor.at >= cursor.text.length) return { records, complete: true };
    if (records.length === maxRecords) return { records, complete: false };
    const next = record(cursor);
    if ("reason" in next) return { error: next };
    records.push(next);
  }
}
