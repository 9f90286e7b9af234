/** @jsxImportSource hono/jsx */
import { Dec } from "../domain/money.ts";
import type { LateReport } from "../reports/late.ts";
import type { OutlierReport } from "../reports/outliers.ts";
import type { ProvinceProjection } from "../reports/projection.ts";
import { money, percent } from "./format.ts";
import type { Lang, Words } from "./i18n.ts";

/** A column of a sortable table: its header, its cell, and the value it sorts by. */
export interface Column<T> {
  key: string;
  label: string;
  cell: (row: T) => string;
  sort: (row: T) => string | number | null;
  num?: boolean;
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

type LateRow = LateReport["facilities"][number];
export function lateColumns(words: Words, lang: Lang): Column<LateRow>[] {
  return [
    {
      key: "facility",
      label: words.facility,
      cell: (r) => `${r.facilityCode} ${r.name ?? ""}`,
      sort: (r) => r.facilityCode,
    },
    { key: "province", label: words.province, cell: (r) => r.provinceCode, sort: (r) => r.provinceCode },
    { key: "claims", label: words.claims, cell: (r) => String(r.claims), sort: (r) => r.claims, num: true },
    { key: "late", label: words.late, cell: (r) => String(r.late), sort: (r) => r.late, num: true },
    {
      key: "lateShare",
      label: words.lateShare,
      cell: (r) => percent(r.lateShare, lang),
      sort: (r) => r.lateShare,
      num: true,
    },
    { key: "medianHours", label: words.medianHours, cell: (r) => r.medianHours, sort: (r) => r.medianHours, num: true },
    { key: "p90Hours", label: words.p90Hours, cell: (r) => r.p90Hours, sort: (r) => r.p90Hours, num: true },
    {
      key: "mismatches",
      label: words.mismatches,
      cell: (r) => String(r.citizenIdMismatches),
      sort: (r) => r.citizenIdMismatches,
      num: true,
    },
  ];
}

type OutlierRow = OutlierReport["facilities"][number];
export function outlierColumns(words: Words, lang: Lang): Column<OutlierRow>[] {
  return [
    {
      key: "facility",
      label: words.facility,
      cell: (r) => `${r.facilityCode} ${r.name ?? ""}`,
      sort: (r) => r.facilityCode,
    },
    { key: "province", label: words.province, cell: (r) => r.provinceCode, sort: (r) => r.provinceCode },
    { key: "visitType", label: words.visitType, cell: (r) => r.visitType, sort: (r) => r.visitType },
    {
      key: "status",
      label: words.status,
      cell: (r) => words.outlierStatuses[r.status] ?? r.status,
      sort: (r) => r.status,
    },
    { key: "claims", label: words.claims, cell: (r) => String(r.claims), sort: (r) => r.claims, num: true },
    {
      key: "perClaim",
      label: words.perClaim,
      cell: (r) => money(r.perClaim, lang),
      sort: (r) => r.perClaim,
      num: true,
    },
    { key: "score", label: words.score, cell: (r) => r.score ?? "—", sort: (r) => r.score, num: true },
    {
      key: "duplicates",
      label: words.duplicates,
      cell: (r) => percent(r.duplicateShare, lang),
      sort: (r) => r.duplicateShare,
      num: true,
    },
  ];
}

/** The estimate as a vertical line across the bar, labelled below it. */
function EstimateMark({ at, children }: { at: number; children: string }) {
  return (
    <g>
      <line x1={at} x2={at} y1={8} y2={72} class="threshold" />
      <text x={at} y={88} text-anchor="middle" class="label">
        {children}
      </text>
    </g>
  );
}

/** What each part of the bar is, and the projected ratio with the method behind it. */
function ProjectionLegend(props: {
  parts: { label: string; value: Dec; cls: string }[];
  projection: ProvinceProjection;
  w: Words;
  lang: Lang;
}) {
  const { parts, projection, w: words, lang } = props;
  return (
    <figcaption>
      {parts.map((part) => (
        <span class={`legend ${part.cls}`}>{`${part.label}: ${money(part.value.toDecimalPlaces(0), lang)} `}</span>
      ))}
      <span>
        {`· ${words.projected}: ${percent(projection.projectedRatio, lang)} (${words.method}: ` +
          `${projection.method}${projection.fallbackReason ? ` — ${projection.fallbackReason}` : ""})`}
      </span>
    </figcaption>
  );
}

/**
 * Spending to date, the estimate of claims discharged but not yet received
 * (hatched band), and the rest of the year at the current pace, stacked
 * against the estimate line.
 */
export function ProjectionChart({ p: projection, w: words, lang }: { p: ProvinceProjection; w: Words; lang: Lang }) {
  const left = 20;
  const width = 700;
  const parts = [
    { label: words.received, value: new Dec(projection.receivedToDate), cls: "bar" },
    { label: words.notYetReceived, value: new Dec(projection.notYetReceived), cls: "band" },
    { label: words.notYetDischarged, value: new Dec(projection.notYetDischarged), cls: "rest" },
  ];
  const total = parts.reduce((s, x) => s.plus(x.value), new Dec(0));
  const max = Dec.max(new Dec(1), total, new Dec(projection.estimate ?? 0)).times("1.1");
  const xOf = (v: Dec) => left + Number(v.div(max).times(width).toDecimalPlaces(1).toString());
  let at = new Dec(0);
  return (
    <figure>
      <svg
        viewBox={`0 0 ${left + width + 20} 110`}
        role="img"
        aria-labelledby="projection-title"
        class="chart"
        width="100%"
      >
        <title id="projection-title">
          {`${words.projection}: ` +
            `${projection.projectedYearEnd ? money(projection.projectedYearEnd, lang) : "—"} (${words.method}: ` +
            `${projection.method})`}
        </title>
        <defs>
          <pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="8" height="8" fill="#f4c27a" />
            <line x1="0" y1="0" x2="0" y2="8" stroke="#b36b00" stroke-width="3" />
          </pattern>
        </defs>
        {parts.map((part) => {
          const from = at;
          at = at.plus(part.value);
          return (
            <rect
              x={xOf(from)}
              y={20}
              width={Math.max(0, xOf(at) - xOf(from))}
              height={40}
              class={part.cls}
              fill={part.cls === "band" ? "url(#hatch)" : undefined}
            />
          );
        })}
        {projection.estimate !== null ? (
          <EstimateMark at={xOf(new Dec(projection.estimate))}>
            {`${words.estimate}: ${money(projection.estimate, lang)}`}
          </EstimateMark>
        ) : null}
      </svg>
      <ProjectionLegend parts={parts} projection={projection} w={words} lang={lang} />
    </figure>
  );
}
