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

/**
 * One horizontal bar per province: spending against its estimate, the
 * threshold drawn as a dashed line, bars past it in red. Scale: 0 to the
 * larger of 120% and the highest ratio, so an overrun stays visible.
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
  const width = 560;
  const max = Dec.max(new Dec("1.2"), ...rows.map((r) => new Dec(r.ratio ?? 0)));
  const xOf = (ratio: DecValue) => left + px(new Dec(ratio).div(max).times(width));
  const height = rows.length * rowH + 40;
  return (
    <svg
      viewBox={`0 0 ${left + width + 90} ${height}`}
      role="img"
      aria-labelledby="usage-title"
      class="chart"
      width="100%"
    >
      <title id="usage-title">{`${words.ratio} — ${words.thresholdLine}`}</title>
      {rows.map((row, index) => {
        const rowTop = 20 + index * rowH;
        const over = row.ratio !== null && new Dec(row.ratio).gte(threshold);
        return (
          <g>
            <text
              x={left - 8}
              y={rowTop + 17}
              text-anchor="end"
              class="label"
            >{`${row.provinceCode} ${row.name}`}</text>
            <rect x={left} y={rowTop} width={width} height={22} class="track" />
            {row.ratio !== null ? (
              <rect x={left} y={rowTop} width={xOf(row.ratio) - left} height={22} class={over ? "bar over" : "bar"} />
            ) : null}
            <text x={row.ratio === null ? left + 6 : xOf(row.ratio) + 6} y={rowTop + 16} class="value">
              {row.ratio === null
                ? words.noEstimate
                : `${percent(row.ratio, lang)}${over ? ` ▲ ${words.overThreshold}` : ""}`}
            </text>
          </g>
        );
      })}
      <line x1={xOf(threshold)} x2={xOf(threshold)} y1={10} y2={height - 10} class="threshold" />
      <text x={xOf(threshold)} y={height - 2} text-anchor="middle" class="label">{`${percent(threshold, lang)}`}</text>
    </svg>
  );
}

/** The estimate's straight-line pace across the chart, labelled at its end. */
function PaceLine({ from, to, children }: { from: [number, number]; to: [number, number]; children: string }) {
  return (
    <g>
      <line x1={from[0]} y1={from[1]} x2={to[0]} y2={to[1]} class="pace" />
      <text x={to[0]} y={to[1] - 6} text-anchor="end" class="label">
        {children}
      </text>
    </g>
  );
}

/**
 * Cumulative spending by month (through `throughMonth`) as bars, with the estimate's straight-line
 * pace (estimate x month / 12) as a line: bars above the line spend faster
 * than the year allows.
 */
export function MonthChart({
  months,
  estimate,
  throughMonth,
  w: words,
  lang,
}: {
  months: { month: number; spent: string }[];
  estimate: string | null;
  throughMonth: number;
  w: Words;
  lang: Lang;
}) {
  const left = 110;
  const width = 600;
  const height = 260;
  const top = 20;
  const plot = height - 50;
  let running = new Dec(0);
  const cumulative = Array.from({ length: 12 }, (_, index) => {
    running = running.plus(months.find((m) => m.month === index + 1)?.spent ?? 0);
    return running;
  });
  const max = Dec.max(new Dec(1), running, new Dec(estimate ?? 0)).times("1.05");
  const yOf = (v: Dec) => top + plot - px(v.div(max).times(plot));
  const slot = width / 12;
  return (
    <svg
      viewBox={`0 0 ${left + width + 20} ${height}`}
      role="img"
      aria-labelledby="month-title"
      class="chart"
      width="100%"
    >
      <title id="month-title">{words.byMonth}</title>
      <line x1={left} x2={left + width} y1={top + plot} y2={top + plot} class="axis" />
      <text x={left - 6} y={top + 4} text-anchor="end" class="label">
        {money(max.toDecimalPlaces(0), lang)}
      </text>
      {cumulative.map((v, i) => (
        <g>
          {/* Months still to come have no spending yet: no bar rather than a flat one. */}
          {i < throughMonth ? (
            <rect x={left + i * slot + 6} y={yOf(v)} width={slot - 12} height={top + plot - yOf(v)} class="bar" />
          ) : null}
          <text x={left + i * slot + slot / 2} y={height - 14} text-anchor="middle" class="label">
            {String(i + 1)}
          </text>
        </g>
      ))}
      {estimate !== null ? (
        <PaceLine from={[left, yOf(new Dec(0))]} to={[left + width, yOf(new Dec(estimate))]}>
          {`${words.paceLine}: ${money(estimate, lang)}`}
        </PaceLine>
      ) : null}
    </svg>
  );
}
