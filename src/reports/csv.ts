/**
 * Reports as CSV for spreadsheets: asked for with `Accept: text/csv`, headers
 * in Vietnamese, UTF-8 with a byte-order mark so Excel reads the diacritics,
 * CRLF line ends and RFC 4180 quoting.
 */

export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";

/** What an operation that also answers CSV says of it in /openapi.json. */
export const CSV_NOTE =
  "Send `Accept: text/csv` for the same report as CSV: Vietnamese headers, UTF-8 with a byte-order mark (Excel opens " +
  "it as is), CRLF lines.";
const BOM = "\uFEFF";

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
}

/** Whether the client asked for CSV (any text/csv media range in Accept with a non-zero q). */
export function wantsCsv(accept: string | undefined | null): boolean {
  if (!accept) return false;
  return accept.split(",").some((range) => {
    const [type, ...params] = range
      .trim()
      .split(";")
      .map((p) => p.trim());
    if (type?.toLowerCase() !== "text/csv") return false;
    const quality = params.find((p) => p.toLowerCase().startsWith("q="));
    return quality === undefined || Number(quality.slice(2)) > 0;
  });
}

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * One field: quoted when it holds a separator, quote or line break; text that a spreadsheet would run as a formula is
 * prefixed with '.
 */
function field(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The whole document: BOM, a header line, one line per row. */
export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  const lines = [columns.map((c) => field(c.header)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => field(c.value(row))).join(","));
  return `${BOM}${lines.join("\r\n")}\r\n`;
}

/** A CSV response, offered for download under `filename`. */
export function csvResponse(body: string, filename: string): Response {
  return new Response(body, {
    status: 200,
    headers: { "content-type": CSV_CONTENT_TYPE, "content-disposition": `attachment; filename="${filename}"` },
  });
}
