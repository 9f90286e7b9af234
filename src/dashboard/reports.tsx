/** @jsxImportSource hono/jsx */
import { Dec } from "../domain/money.ts";
import type { LateReport } from "../reports/late.ts";
import type { OutlierReport } from "../reports/outliers.ts";
import type { ProvinceProjection } from "../reports/projection.ts";
import { count, decimal, money, percent } from "./format.ts";
import type { Column } from "./tables.tsx";
import type { Lang, Words } from "./i18n.ts";

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
    { key: "claims", label: words.claims, cell: (r) => count(r.claims, lang), sort: (r) => r.claims, num: true },
    { key: "late", label: words.late, cell: (r) => count(r.late, lang), sort: (r) => r.late, num: true },
    {
      key: "lateShare",
      label: words.lateShare,
      cell: (r) => percent(r.lateShare, lang),
      sort: (r) => r.lateShare,
      num: true,
    },
    {
      key: "medianHours",
      label: words.medianHours,
      cell: (r) => decimal(r.medianHours, 1, lang),
      sort: (r) => r.medianHours,
      num: true,
    },
    {
      key: "p90Hours",
      label: words.p90Hours,
      cell: (r) => decimal(r.p90Hours, 1, lang),
      sort: (r) => r.p90Hours,
      num: true,
    },
    {
      key: "mismatches",
      label: words.mismatches,
      cell: (r) => count(r.citizenIdMismatches, lang),
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
    {
      key: "visitType",
      label: words.visitType,
      cell: (r) => words.visitTypes[r.visitType],
      sort: (r) => r.visitType,
    },
    {
      key: "status",
      label: words.status,
      cell: (r) => words.outlierStatuses[r.status] ?? r.status,
      sort: (r) => r.status,
    },
    { key: "claims", label: words.claims, cell: (r) => count(r.claims, lang), sort: (r) => r.claims, num: true },
    {
      key: "perClaim",
      label: words.perClaim,
      cell: (r) => money(r.perClaim, lang),
      sort: (r) => r.perClaim,
      num: true,
    },
    { key: "score", label: words.score, cell: (r) => decimal(r.score, 2, lang), sort: (r) => r.score, num: true },
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
          `${words.methods[projection.method]})`}
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
    <figure id="projection">
      <div class="chart-wrap">
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
              `${words.methods[projection.method]})`}
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
      </div>
      <ProjectionLegend parts={parts} projection={projection} w={words} lang={lang} />
    </figure>
  );
}
