/** @jsxImportSource hono/jsx */
import { CATEGORY_WORDS, TERMS } from "../domain/glossary.ts";
import type { CostBreakdownOut, ItemsReportOut } from "../costs/contract.ts";
import type { LineKind } from "../costs/lines.ts";
import { Dec } from "../domain/money.ts";
import type { CsvColumn } from "../reports/csv.ts";
import { Downloads } from "./tables.tsx";
import { money, percent } from "./format.ts";
import { HeadRow } from "./pages.tsx";
import type { Lang, Words } from "./i18n.ts";

/** Pixel positions come from decimal ratios; only the final coordinate becomes a number. */
const px = (value: Dec) => Number(value.toDecimalPlaces(1).toString());

/** A change as a signed percentage: "+208,33%", "−12,00%"; "—" when last year had nothing. */
export const signedChange = (change: string | null, lang: Lang) =>
  change === null ? "—" : `${new Dec(change).isNegative() ? "" : "+"}${percent(change, lang)}`;

/**
 * Spending by category this year against the same months last year: two bars a category (this year dark, last year
 * light), the change at the end, the largest first. Read in five seconds: which cost grew, and by how much.
 */
export function CostChart({ costs, w: words, lang }: { costs: CostBreakdownOut; w: Words; lang: Lang }) {
  const rows = costs.categories.slice(0, 8);
  if (rows.length === 0) return <p>{words.none}</p>;
  const left = 170;
  const width = 480;
  const rowH = 44;
  const max = Dec.max(new Dec(1), ...rows.flatMap((row) => [new Dec(row.spent), new Dec(row.previousSpent)]));
  const length = (amount: string) => px(new Dec(amount).div(max).times(width));
  const height = rows.length * rowH + 30;
  return (
    <div class="chart-wrap">
      <svg viewBox={`0 0 ${left + width + 150} ${height}`} role="img" aria-labelledby="costs-title" class="chart">
        <title id="costs-title">{`${words.costsByCategory} ${costs.year} / ${costs.year - 1}`}</title>
        {rows.map((row, index) => {
          const top = 10 + index * rowH;
          const grew = row.change !== null && new Dec(row.change).greaterThan(0);
          return (
            <g data-category={row.category}>
              <text x={left - 8} y={top + 20} text-anchor="end" class="label">
                {words.categories[row.category] ?? row.category}
              </text>
              <rect x={left} y={top} width={length(row.spent)} height={16} class={grew ? "bar over" : "bar"} />
              <rect x={left} y={top + 18} width={length(row.previousSpent)} height={10} class="track" />
              <text x={left + length(row.spent) + 6} y={top + 13} class="value">
                {`${money(row.spent, lang)} (${signedChange(row.change, lang)})`}
              </text>
            </g>
          );
        })}
        <text x={left} y={height - 4} class="label">{`■ ${costs.year}   ▬ ${words.sameMonthsLastYear}`}</text>
      </svg>
    </div>
  );
}

/** The cost groups as a table, with a link to the same as CSV. */
export function CostTable({
  costs,
  csv,
  w: words,
  lang,
}: {
  costs: CostBreakdownOut;
  csv: string;
  w: Words;
  lang: Lang;
}) {
  return (
    <>
      <div class="table-wrap">
        <table>
          <HeadRow
            cells={[
              [words.costGroup],
              [`${words.spent} ${costs.year}`, "num"],
              [words.share, "num"],
              [words.sameMonthsLastYear, "num"],
              [words.change, "num"],
            ]}
          />
          <tbody>
            {costs.groups.map((group) => (
              <tr>
                <td>
                  {`${/^\d+$/.test(group.costGroup) ? `${group.costGroup} · ` : ""}` +
                    (lang === "vi" ? group.name : group.nameEn)}
                </td>
                <td class="num">{money(group.spent, lang)}</td>
                <td class="num">{percent(group.share, lang)}</td>
                <td class="num">{money(group.previousSpent, lang)}</td>
                <td class="num">{signedChange(group.change, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Downloads w={words} href={csv} xlsx={csv.replace(".csv?", ".xlsx?")} />
    </>
  );
}

/** The top items of one kind, each linking to the items view where it is ranked with the rest. */
export function TopItems(props: { items: ItemsReportOut["items"]; more: string; csv: string; w: Words; lang: Lang }) {
  const { w: words, lang } = props;
  return (
    <>
      <div class="table-wrap">
        <ItemRows items={props.items} w={words} lang={lang} />
      </div>
      <p>
        <a href={props.more}>{words.allItems}</a>
      </p>
      <Downloads w={words} href={props.csv} xlsx={props.csv.replace(".csv?", ".xlsx?")} />
    </>
  );
}

/** Items as table rows: what they cost, how much, how often, and the spread of the facilities' unit prices. */
export function ItemRows({ items, w: words, lang }: { items: ItemsReportOut["items"]; w: Words; lang: Lang }) {
  if (items.length === 0) return <p>{words.none}</p>;
  return (
    <table>
      <HeadRow
        cells={[
          [words.item],
          [words.amount, "num"],
          [words.quantity, "num"],
          [words.claims, "num"],
          [words.averageUnitPrice, "num"],
          [words.unitPriceSpread, "num"],
          [words.change, "num"],
        ]}
      />
      <tbody>
        {items.map((item) => (
          <tr data-item={item.itemCode}>
            <td>{`${item.itemCode} · ${item.name ?? ""}`}</td>
            <td class="num">{money(item.amount, lang)}</td>
            <td class="num">{item.quantity}</td>
            <td class="num">{String(item.claims)}</td>
            <td class="num">{item.averageUnitPrice === null ? "—" : money(item.averageUnitPrice, lang)}</td>
            <td class="num">
              {item.unitPrice.lowest === null
                ? "—"
                : `${money(item.unitPrice.lowest, lang)} – ${money(item.unitPrice.highest!, lang)}`}
            </td>
            <td class="num">{signedChange(item.change, lang)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The kinds of line the pages rank, in the order a briefing names them. */
export const ITEM_KINDS: readonly LineKind[] = ["drug", "supply", "service"];

/** The cost groups as CSV: one line per group, Vietnamese headers. */
export const COSTS_CSV: CsvColumn<CostBreakdownOut["groups"][number]>[] = [
  { header: TERMS.costGroupCode.vi, value: (group) => group.costGroup },
  { header: TERMS.costGroup.vi, value: (group) => group.name },
  { header: TERMS.category.vi, value: (group) => CATEGORY_WORDS[group.category].vi },
  { header: TERMS.spent.vi, value: (group) => group.spent },
  { header: TERMS.share.vi, value: (group) => group.share },
  { header: TERMS.previousYear.vi, value: (group) => group.previousSpent },
  { header: TERMS.change.vi, value: (group) => group.change },
];

/**
 * What a province's or a facility's money went on: the categories against last year, the groups (CSV), and the top
 * drugs, supplies and services, each linking to the items view. `query` names the scope in the links
 * (province=01 or facility=01001).
 */
export function CostsSection(props: {
  costs: CostBreakdownOut;
  items: Record<LineKind, ItemsReportOut["items"]>;
  costsCsv: string;
  query: string;
  w: Words;
  lang: Lang;
}) {
  const { w: words, lang, costs } = props;
  const itemsLink = (kind: LineKind, path: string) => `${path}?${props.query}&kind=${kind}&year=${costs.year}`;
  return (
    <section id="costs">
      <h2>{words.costs}</h2>
      <p>
        {`${words.spent} ${costs.year} (1–${costs.through}): ${money(costs.spent, lang)} · ` +
          `${words.sameMonthsLastYear}: ${money(costs.previousSpent, lang)} · ${words.change}: ` +
          signedChange(costs.change, lang)}
      </p>
      <CostChart costs={costs} w={words} lang={lang} />
      <CostTable costs={costs} csv={props.costsCsv} w={words} lang={lang} />
      {ITEM_KINDS.map((kind) => (
        <>
          <h3>{words.topItems[kind]}</h3>
          <TopItems
            items={props.items[kind]}
            more={itemsLink(kind, "/dashboard/items")}
            csv={itemsLink(kind, "/dashboard/items.csv")}
            w={words}
            lang={lang}
          />
        </>
      ))}
    </section>
  );
}
