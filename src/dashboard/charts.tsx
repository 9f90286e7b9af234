/** @jsxImportSource hono/jsx */
import { Dec, type DecValue } from "../domain/money.ts";
import { money, percent } from "./format.ts";
import type { Lang, Words } from "./i18n.ts";

/** Pixel positions come from decimal ratios; only the final coordinate becomes a number. */
const px = (value: Dec) => Number(value.toDecimalPlaces(1).toString());

export interface UsageBar {
  provinceCode: string;
  name: string;
  spent: string;
  estimate: string | null;
  ratio: string | null;
  openAlerts: number;
}

/** A vertical reference line across the bars, its label above the plot so it meets no bar or value. */
function Mark(props: { x: number; top: number; bottom: number; cls: string; label: string; labelY: number }) {
  return (
    <g>
      <line x1={props.x} x2={props.x} y1={props.top} y2={props.bottom} class={props.cls} />
      <text x={props.x} y={props.labelY} text-anchor="middle" class="label">
        {props.label}
      </text>
    </g>
  );
}

/** One province's bar, its value in the column at the right. */
function UsageRow(props: {
  row: UsageBar;
  rowTop: number;
  layout: { left: number; width: number; xOf: (ratio: DecValue) => number };
  over: boolean;
  w: Words;
  lang: Lang;
}) {
  const { row, rowTop, over } = props;
  const { left, width, xOf } = props.layout;
  return (
    <g data-province={row.provinceCode}>
      <text x={left - 8} y={rowTop + 16} text-anchor="end" class="label">
        {`${row.provinceCode} ${row.name}`.slice(0, 24)}
      </text>
      <rect x={left} y={rowTop} width={width} height={22} class="track" />
      {row.ratio !== null ? (
        <rect
          x={left}
          y={rowTop}
          width={Math.min(width, xOf(row.ratio) - left)}
          height={22}
          class={over ? "bar over" : "bar"}
        />
      ) : null}
      <text x={left + width + 12} y={rowTop + 16} class="value">
        {row.ratio === null ? props.w.noEstimate : `${percent(row.ratio, props.lang)}${over ? " ▲" : ""}`}
      </text>
    </g>
  );
}

/**
 * One horizontal bar per province: spending against its estimate, with the threshold (dashed) and 100% of the
 * estimate (solid) drawn across, bars past the threshold in red. Scale: 0 to the larger of 120% and the highest
 * ratio, so an overrun stays visible. The values stand in their own column at the right, where no line crosses them;
 * the lines' labels stand above and below the plot.
 */
export function UsageBars({
  rows,
  threshold,
  w: words,
  lang,
}: {
  rows: UsageBar[];
  threshold: string;
  w: Words;
  lang: Lang;
}) {
  const rowH = 34;
  const left = 190;
  const width = 520;
  const top = 30;
  const max = Dec.max(new Dec("1.2"), ...rows.map((r) => new Dec(r.ratio ?? 0)));
  const xOf = (ratio: DecValue) => left + px(new Dec(ratio).div(max).times(width));
  const bottom = top + rows.length * rowH;
  const isOver = (row: UsageBar) => row.ratio !== null && new Dec(row.ratio).gte(threshold);
  return (
    <figure>
      <div class="chart-wrap">
        <svg
          viewBox={`0 0 ${left + width + 150} ${bottom + 30}`}
          role="img"
          aria-labelledby="usage-title"
          class="chart"
          width="100%"
        >
          <title id="usage-title">{`${words.ratio} — ${words.thresholdLine}`}</title>
          {rows.map((row, index) => (
            <UsageRow
              row={row}
              rowTop={top + index * rowH + 6}
              layout={{ left, width, xOf }}
              over={isOver(row)}
              w={words}
              lang={lang}
            />
          ))}
          <Mark
            x={xOf(threshold)}
            top={top}
            bottom={bottom}
            cls="threshold"
            label={percent(threshold, lang)}
            labelY={top - 10}
          />
          <Mark x={xOf(1)} top={top} bottom={bottom} cls="full" label="100%" labelY={bottom + 20} />
        </svg>
      </div>
      <figcaption>
        <span class="legend bar">{words.ratio}</span>
        <span class="legend threshold">{words.thresholdLine}</span>
        <span class="legend full">{words.fullEstimate}</span>
      </figcaption>
    </figure>
  );
}

/** The estimate's straight-line pace from 0 to 100% at December, and 100% of the estimate across the chart. */
function EstimateLines(props: { left: number; width: number; zero: number; full: number }) {
  const right = props.left + props.width;
  return (
    <g>
      <line x1={props.left} y1={props.zero} x2={right} y2={props.full} class="pace" />
      <line x1={props.left} x2={right} y1={props.full} y2={props.full} class="full" />
      <text x={props.left - 6} y={props.full + 5} text-anchor="end" class="label">
        100%
      </text>
    </g>
  );
}

/** Spending to the end of each month of the year. */
function cumulate(months: { month: number; spent: string }[]) {
  let running = new Dec(0);
  return Array.from({ length: 12 }, (_, index) => {
    running = running.plus(months.find((entry) => entry.month === index + 1)?.spent ?? 0);
    return running;
  });
}

/** What the month chart's bars and lines are. */
function MonthLegend({ w: words, lang, estimate }: { w: Words; lang: Lang; estimate: string | null }) {
  return (
    <figcaption>
      <span class="legend bar">{words.cumulative}</span>
      {estimate !== null ? (
        <>
          <span class="legend pace">{words.paceLine}</span>
          <span class="legend full">{`${words.fullEstimate}: ${money(estimate, lang)}`}</span>
        </>
      ) : null}
      <span>{` · ${words.month} 1–12`}</span>
    </figcaption>
  );
}

/**
 * Cumulative spending by month (through `throughMonth`) as bars, with the estimate's straight-line
 * pace (estimate x month / 12) as a line: bars above the line spend faster
 * than the year allows.
 */
export function MonthChart(props: {
  months: { month: number; spent: string }[];
  estimate: string | null;
  throughMonth: number;
  w: Words;
  lang: Lang;
}) {
  const { estimate, throughMonth, w: words, lang } = props;
  const left = 110;
  const width = 600;
  const height = 260;
  const top = 20;
  const plot = height - 50;
  const cumulative = cumulate(props.months);
  const max = Dec.max(new Dec(1), cumulative[11]!, new Dec(estimate ?? 0)).times("1.05");
  const yOf = (v: Dec) => top + plot - px(v.div(max).times(plot));
  const slot = width / 12;
  return (
    <figure>
      <div class="chart-wrap">
        <svg
          viewBox={`0 0 ${left + width + 20} ${height}`}
          role="img"
          aria-labelledby="month-title"
          class="chart"
          width="100%"
        >
          <title id="month-title">{words.byMonth}</title>
          <line x1={left} x2={left + width} y1={top + plot} y2={top + plot} class="axis" />
          {cumulative.map((value, index) =>
            // Months still to come have no spending yet: no bar rather than a flat one.
            index < throughMonth ? (
              <rect
                x={left + index * slot + 6}
                y={yOf(value)}
                width={slot - 12}
                height={top + plot - yOf(value)}
                class="bar"
              />
            ) : null,
          )}
          {cumulative.map((_, index) => (
            <text x={left + index * slot + slot / 2} y={height - 14} text-anchor="middle" class="label">
              {String(index + 1)}
            </text>
          ))}
          <text x={left - 6} y={top + plot + 5} text-anchor="end" class="label">
            0
          </text>
          {estimate !== null ? (
            <EstimateLines left={left} width={width} zero={yOf(new Dec(0))} full={yOf(new Dec(estimate))} />
          ) : null}
        </svg>
      </div>
      <MonthLegend w={words} lang={lang} estimate={estimate} />
    </figure>
  );
}
