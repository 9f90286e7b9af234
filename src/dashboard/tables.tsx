/** @jsxImportSource hono/jsx */
import writeXlsxFile, { type SheetData } from "write-excel-file/universal";
import { Dec } from "../domain/money.ts";
import { type CsvColumn, csvResponse, toCsv } from "../reports/csv.ts";
import type { Ctx } from "./kit.tsx";
import type { Words } from "./i18n.ts";

/**
 * A column of a dashboard table: its header, its cell as the page shows it, the value it sorts by, and the value a
 * download carries (numbers unformatted). The page, its CSV and its XLSX are made from the same columns, so they use
 * the same words.
 */
export interface Column<T> {
  key: string;
  label: string;
  cell: (row: T) => string;
  sort: (row: T) => string | number | null;
  num?: boolean;
  /** What a download holds; default: the sort value of a number column, the cell of any other. */
  value?: (row: T) => string | number | null;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Sorts rows by one column; decimal strings compare as decimals, nulls last. */
export function sortRows<T>(rows: readonly T[], column: Column<T> | undefined, dir: "asc" | "desc"): T[] {
  if (!column) return [...rows];
  const sign = dir === "asc" ? 1 : -1;
  return [...rows].sort((left, right) => {
    const leftKey = column.sort(left);
    const rightKey = column.sort(right);
    if (leftKey === null || rightKey === null) return leftKey === rightKey ? 0 : leftKey === null ? 1 : -1;
    if (typeof leftKey === "string" && typeof rightKey === "string" && DECIMAL.test(leftKey) && DECIMAL.test(rightKey))
      return sign * new Dec(leftKey).comparedTo(rightKey);
    return sign * (leftKey < rightKey ? -1 : leftKey > rightKey ? 1 : 0);
  });
}

/**
 * A table sorted on the server: each header is a link that sorts by it (again
 * to reverse), so it works without JavaScript; aria-sort tells screen readers.
 */
export function SortableTable<T>(props: {
  columns: Column<T>[];
  rows: T[];
  sort: string | undefined;
  dir: "asc" | "desc";
  link: (sort: string, dir: "asc" | "desc") => string;
  rowClass?: (row: T) => string;
}) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            {props.columns.map((ctx) => {
              const active = props.sort === ctx.key;
              const next = active && props.dir === "desc" ? "asc" : "desc";
              return (
                <th
                  scope="col"
                  class={ctx.num ? "num" : ""}
                  aria-sort={active ? (props.dir === "asc" ? "ascending" : "descending") : "none"}
                >
                  <a
                    href={props.link(ctx.key, next)}
                  >{`${ctx.label}${active ? (props.dir === "asc" ? " ▲" : " ▼") : ""}`}</a>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr class={props.rowClass?.(r) ?? ""}>
              {props.columns.map((c) => (
                <td class={c.num ? "num" : ""}>{c.cell(r)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export type ExportFormat = "csv" | "xlsx";

/** `?format=csv|xlsx` asks a table's page for its download. */
export const exportFormat = (ctx: Ctx): ExportFormat | null => {
  const format = ctx.req.query("format");
  return format === "csv" || format === "xlsx" ? format : null;
};

const exported = <T,>(column: Column<T>, row: T) =>
  column.value ? column.value(row) : column.num ? column.sort(row) : column.cell(row);

/** A decimal string Excel holds exactly as a number (15 significant digits), else the text itself. */
function cellValue(value: string | number | boolean | null) {
  if (typeof value !== "string" || !/^-?\d+(\.\d+)?$/.test(value)) return value;
  const digits = value.replace(/^-|\./g, "").replace(/^0+/, "");
  return digits.length <= 15 ? new Dec(value).toNumber() : value;
}

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Rows as CSV (the API's CSV conventions) or as an XLSX workbook of one sheet, offered for download. */
export async function exportRows<T>(
  format: ExportFormat,
  columns: readonly CsvColumn<T>[],
  rows: readonly T[],
  name: string,
) {
  if (format === "csv") return csvResponse(toCsv(columns, rows), `${name}.csv`);
  const header = columns.map((column) => ({ value: column.header, fontWeight: "bold" as const }));
  const body = rows.map((row) =>
    columns.map((column) => {
      const value = cellValue(column.value(row) ?? null);
      return value === null ? null : { value };
    }),
  );
  const sheet: SheetData = [header, ...body];
  const blob = await writeXlsxFile(sheet, { sheet: name.slice(0, 31) }).toBlob();
  return new Response(blob, {
    headers: { "content-type": XLSX_TYPE, "content-disposition": `attachment; filename="${name}.xlsx"` },
  });
}

/** A dashboard table's rows for download, under the same headers as the page. */
export const exportTable = <T,>(format: ExportFormat, columns: Column<T>[], rows: readonly T[], name: string) =>
  exportRows(
    format,
    columns.map((column) => ({ header: column.label, value: (row: T) => exported(column, row) })),
    rows,
    name,
  );

/** The download links under a table: the same rows as CSV and as Excel. */
export function Downloads({ w: words, href, xlsx }: { w: Words; href: string; xlsx?: string }) {
  const join = href.includes("?") ? "&" : "?";
  return (
    <p class="downloads">
      <a href={xlsx ? href : `${href}${join}format=csv`} download>
        {words.downloadCsv}
      </a>
      <a href={xlsx ?? `${href}${join}format=xlsx`} download>
        {words.downloadXlsx}
      </a>
    </p>
  );
}

/**
 * A table of rows by its columns: numbers right-aligned, the first cell a link when `link` is given, and the
 * attributes each row carries (a data- key tests and scripts find it by; "over" for a row that needs attention).
 */
export function DataTable<T>(props: {
  columns: Column<T>[];
  rows: readonly T[];
  caption?: string;
  link?: (row: T) => string;
  rowAttrs?: (row: T) => Record<string, string>;
}) {
  const { columns } = props;
  return (
    <div class="table-wrap">
      <table>
        {props.caption ? <caption>{props.caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" class={column.num ? "num" : ""}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr {...(props.rowAttrs?.(row) ?? {})}>
              {columns.map((column, index) => (
                <td class={column.num ? "num" : ""}>
                  {index === 0 && props.link ? <a href={props.link(row)}>{column.cell(row)}</a> : column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
