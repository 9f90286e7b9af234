/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import type { Role } from "../domain/caller.ts";
import { Dec, formatMoney, ratio as ratioOf } from "../domain/money.ts";
import { MonthChart, type UsageBar, UsageBars } from "./charts.tsx";
import { count, money, percent, vnTime } from "./format.ts";
import { FIRST_CLAIM_YEAR } from "../domain/period.ts";
import { type Column, DataTable, Downloads } from "./tables.tsx";
import type { Lang, Words } from "./i18n.ts";

export const CSS = `
:root{--ink:#1b1f24;--muted:#4d5560;--line:#d5d9df;--brand:#0b4f8a;--brand-dark:#083b68;--bar:#1f5fa8;
  --over:#b3261e;--warn:#8a4b00;--ok:#1e6b35;--bg:#fff;--soft:#f3f5f8;--space:.75rem;--radius:6px}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif;
  color:var(--ink);background:var(--bg)}
a{color:var(--brand)}a:hover{color:var(--brand-dark)}
header{background:var(--brand);color:#fff}
header a,header button{color:#fff;font:inherit}header a:hover{color:#fff}
header .bar{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center;padding:.45rem 1rem;max-width:1200px;
  margin:0 auto}
header .title{font-weight:700;margin-right:auto;text-decoration:none}
header .who{font-size:.85rem;opacity:.95}
header form{display:inline;margin:0}
header button{background:none;border:1px solid #fff;border-radius:4px;padding:.1rem .6rem;cursor:pointer}
header nav{display:flex;gap:1.1rem;overflow-x:auto;white-space:nowrap;padding:.35rem 1rem;max-width:1200px;
  margin:0 auto;font-size:.92rem}
header nav a{text-decoration:none;padding-bottom:.15rem;border-bottom:2px solid transparent}
header nav a:hover{border-bottom-color:#fff}
main{max-width:1200px;margin:0 auto;padding:1rem}
h1{font-size:1.45rem;line-height:1.25;margin:.4rem 0 .6rem}h2{font-size:1.15rem;margin:1.6rem 0 .5rem}
h3{font-size:1rem;margin:1.1rem 0 .4rem}
.muted{color:var(--muted)}.as-of{margin:0 0 .6rem;font-size:.9rem}.headline{font-size:1.02rem}
.table-wrap{overflow-x:auto;margin:.4rem 0 .8rem;border:1px solid var(--line);border-radius:var(--radius)}
table{border-collapse:collapse;width:100%}
caption{text-align:left;font-weight:600;padding:.45rem .6rem;background:var(--soft)}
th,td{border-bottom:1px solid var(--line);padding:.4rem .6rem;text-align:left;vertical-align:top}
thead th{background:var(--soft);font-weight:600;font-size:.9rem}
tbody tr:nth-child(even) td{background:#fafbfc}
tfoot th,tfoot td{font-weight:700;background:var(--soft);border-top:2px solid var(--line)}
th a{color:inherit}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.over td,tbody tr.over:nth-child(even) td{background:#fdecea}
tbody tr:target td,tbody tr:target:nth-child(even) td{background:#fff3c4}
.badge{display:inline-block;margin-left:.35rem;padding:0 .45rem;border-radius:999px;font-size:.8rem;
  font-weight:600;color:#fff;background:var(--muted);white-space:nowrap}
.badge.high,.badge.critical{background:var(--over)}.badge.warning{background:var(--warn)}
.notice{border-left:4px solid var(--ok);background:#e8f3ec;padding:.5rem .75rem;border-radius:var(--radius)}
.error{color:var(--over);font-weight:600}
.field-error{display:block;color:var(--over);font-size:.85rem;font-weight:600}
form.inline,form.filters{display:flex;flex-wrap:wrap;gap:.5rem .75rem;align-items:end;margin:.4rem 0 .8rem}
form.stack{display:flex;flex-direction:column;gap:.6rem;max-width:36rem}
label{display:flex;flex-direction:column;gap:.15rem;font-size:.88rem;color:var(--muted)}
label.check{flex-direction:row;align-items:center;gap:.35rem;color:var(--ink)}
input,select,textarea,button{font:inherit;font-size:.95rem;padding:.35rem .55rem;border:1px solid #8b939c;
  border-radius:4px;color:var(--ink);background:#fff}
input:focus,select:focus,textarea:focus,button:focus,a:focus{outline:3px solid #7fb0e0;outline-offset:1px}
button{cursor:pointer}
button.primary{background:var(--brand);color:#fff;border-color:var(--brand)}
button.danger{background:#fff;color:var(--over);border-color:var(--over)}
.actions{display:flex;gap:.6rem;flex-wrap:wrap}
.card{border:1px solid var(--line);border-radius:var(--radius);padding:.4rem 1rem 1rem;margin:1rem 0;background:#fff}
dl.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.5rem 1rem;margin:.5rem 0}
dl.facts dt{font-size:.82rem;color:var(--muted)}dl.facts dd{margin:0;font-weight:500}
ul.history{padding-left:1.1rem}.note{font-size:.88rem}
.grid-2{display:grid;grid-template-columns:1fr;gap:0 1rem}
@media (min-width:900px){.grid-2{grid-template-columns:1fr 1fr}}
.pager,.downloads{display:flex;gap:1rem;flex-wrap:wrap;margin:.4rem 0 1rem}
figure{margin:.5rem 0 1rem}figcaption{font-size:.9rem;color:var(--muted)}
.chart-wrap{overflow-x:auto}.chart-wrap svg{min-width:680px;display:block}
.chart .label{font-size:14px;fill:var(--ink)}.chart .value{font-size:14px;fill:var(--ink);font-weight:600}
.chart .track{fill:var(--soft)}.chart .bar{fill:var(--bar)}.chart .bar.over{fill:var(--over)}
.chart .rest{fill:#9db7d5}.legend{display:inline-block;margin-right:.9rem;white-space:nowrap}
.legend.bar::before,.legend.band::before,.legend.rest::before,.legend.full::before,.legend.threshold::before,
.legend.pace::before{content:"■ "}
.legend.bar::before{color:var(--bar)}.legend.band::before{color:#b36b00}.legend.rest::before{color:#9db7d5}
.legend.full::before{content:"│ ";color:var(--ink);font-weight:700}
.legend.threshold::before{content:"┆ ";color:var(--over);font-weight:700}
.legend.pace::before{content:"╱ ";color:#c06a00;font-weight:700}
.chart .threshold{stroke:var(--over);stroke-width:2;stroke-dasharray:6 4}.chart .pace{stroke:#c06a00;stroke-width:3}
.chart .full{stroke:var(--ink);stroke-width:2}.chart .axis{stroke:var(--muted)}
.login{max-width:420px;margin:3rem auto}.login input{width:100%}
@media (max-width:600px){body{font-size:15px}main{padding:.6rem}h1{font-size:1.2rem}header .bar{padding:.35rem .6rem}
  header nav{padding:.25rem .6rem}header .who{display:none}th,td{padding:.35rem .45rem}}
`;

/** The same page in the other language: the path and every query parameter kept, `lang` switched. */
function otherLanguage(url: string | undefined, lang: Lang) {
  const other = lang === "vi" ? "en" : "vi";
  if (!url) return `?lang=${other}`;
  const { pathname, searchParams } = new URL(url);
  searchParams.set("lang", other);
  return `${pathname}?${searchParams}`;
}

/** The header's links: a facility sees its own workplace, reviewers the province and national views. */
function Nav({ w: words, role }: { w: Words; role: Role }) {
  const links: [string, string][] =
    role === "facility"
      ? [
          ["/dashboard", words.workplace],
          ["/dashboard/batches", words.batches],
          ["/dashboard/claims?status=pending_documentation", words.waitingDocuments],
        ]
      : [
          ["/dashboard", words.overview],
          ["/dashboard/claims", words.claimsList],
          ["/dashboard/alerts", words.alerts],
          ["/dashboard/items", words.items],
          ["/dashboard/reports/late", words.lateReport],
          ["/dashboard/reports/outliers", words.outlierReport],
        ];
  return (
    <nav aria-label={words.menu}>
      {links.map(([href, text]) => (
        <a href={href}>{text}</a>
      ))}
    </nav>
  );
}

export function Layout(props: {
  w: Words;
  lang: Lang;
  title: string;
  url?: string;
  signedIn?: { csrf: string; label: string; role: Role };
  children?: Child;
}) {
  const { w: words, lang } = props;
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${words.title}`}</title>
        {/* Raw: a style element's text is not HTML (escaped, "a > b" would be a broken selector and another hash). */}
        <style dangerouslySetInnerHTML={{ __html: CSS }} />
      </head>
      <body>
        <header>
          <div class="bar">
            <a class="title" href="/dashboard">
              {words.title}
            </a>
            {props.signedIn ? <span class="who">{props.signedIn.label}</span> : null}
            <a href={otherLanguage(props.url, lang)} lang={lang === "vi" ? "en" : "vi"}>
              {words.language}
            </a>
            {props.signedIn ? (
              <form method="post" action="/dashboard/logout">
                <input type="hidden" name="_csrf" value={props.signedIn.csrf} />
                <button type="submit">{words.signOut}</button>
              </form>
            ) : null}
          </div>
          {props.signedIn ? <Nav w={words} role={props.signedIn.role} /> : null}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

export function LoginPage({ w: words, error }: { w: Words; error?: boolean }) {
  return (
    <div class="login">
      <h1>{words.signIn}</h1>
      {error ? (
        <p class="error" role="alert">
          {words.badKey}
        </p>
      ) : null}
      <form method="post" action="/dashboard/login">
        <label for="key">
          {words.apiKey}
          <input id="key" name="key" type="password" autocomplete="off" required aria-describedby="key-help" />
        </label>
        <p id="key-help" class="muted">
          {words.apiKeyHelp}
        </p>
        <button class="primary" type="submit">
          {words.signIn}
        </button>
      </form>
    </div>
  );
}

export interface OverviewRow extends UsageBar {
  pendingDocumentationAmount: string;
  elapsedRatio: string;
  projectedRatio: string | null;
  acknowledgedAlerts: number;
}

/**
 * The year (and, where the page covers several provinces, the province) a page shows, picked from lists; the page's
 * other parameters (sort, filters) are kept.
 */
export function ScopePicker(props: {
  w: Words;
  year: number;
  thisYear: number;
  action: string;
  province?: { value: string | undefined; choices: { code: string; name: string }[] };
  keep?: Record<string, string | undefined>;
  children?: Child;
}) {
  const { w: words } = props;
  const years = Array.from({ length: Math.max(1, props.thisYear + 2 - FIRST_CLAIM_YEAR) }, (_, index) =>
    String(props.thisYear + 1 - index),
  );
  return (
    <form class="filters" method="get" action={props.action}>
      <label for="year">
        {words.year}
        <select id="year" name="year">
          {years.map((year) => (
            <option value={year} selected={year === String(props.year)}>
              {year}
            </option>
          ))}
        </select>
      </label>
      {props.province ? (
        <label for="province">
          {words.province}
          <select id="province" name="province">
            <option value="">{words.nation}</option>
            {props.province.choices.map((choice) => (
              <option value={choice.code} selected={choice.code === props.province?.value}>
                {`${choice.code} ${choice.name}`}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {props.children}
      {Object.entries(props.keep ?? {}).map(([name, value]) =>
        value === undefined ? null : <input type="hidden" name={name} value={value} />,
      )}
      <button type="submit">{words.show}</button>
    </form>
  );
}

/** A filter picked from a list, "any" first; its field is named `name` (default: its id). */
export function Choice(props: {
  id: string;
  name?: string;
  label: string;
  value: string | undefined;
  anyLabel: string;
  options: [string, string][];
}) {
  return (
    <label for={props.id}>
      {props.label}
      <select id={props.id} name={props.name ?? props.id}>
        <option value="">{props.anyLabel}</option>
        {props.options.map(([value, text]) => (
          <option value={value} selected={props.value === value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/** When the figures were read, as the page's first line. */
export const AsOf = ({ w: words, at }: { w: Words; at: string | Date }) => (
  <p class="muted as-of">{`${words.asOf} ${vnTime(at)}`}</p>
);

/** A table's header row: each cell's text, and "num" for a right-aligned number column. */
export function HeadRow({ cells }: { cells: ([string] | [string, "num"])[] }) {
  return (
    <thead>
      <tr>
        {cells.map(([text, kind]) => (
          <th scope="col" class={kind}>
            {text}
          </th>
        ))}
      </tr>
    </thead>
  );
}

const sumOf = (values: (string | null)[]) => values.reduce<Dec>((sum, value) => sum.plus(value ?? 0), new Dec(0));

/** The nation's row: sums of the provinces shown; its usage is the spending of those with an estimate over them. */
export function nationalTotal(rows: OverviewRow[]) {
  const withEstimate = rows.filter((row) => row.estimate !== null);
  const estimate = sumOf(withEstimate.map((row) => row.estimate));
  return {
    estimate: withEstimate.length ? formatMoney(estimate) : null,
    spent: formatMoney(sumOf(rows.map((row) => row.spent))),
    ratio: ratioOf(sumOf(withEstimate.map((row) => row.spent)), estimate),
    pending: formatMoney(sumOf(rows.map((row) => row.pendingDocumentationAmount))),
    openAlerts: rows.reduce((sum, row) => sum + row.openAlerts - row.acknowledgedAlerts, 0),
    acknowledgedAlerts: rows.reduce((sum, row) => sum + row.acknowledgedAlerts, 0),
  };
}

/** The overview's columns: the page, its CSV and its XLSX. Usage comes second so a phone shows it. */
export function overviewColumns(words: Words, lang: Lang): Column<OverviewRow>[] {
  const ratio = (pick: (row: OverviewRow) => string | null) => ({
    cell: (row: OverviewRow) => percent(pick(row), lang),
    sort: pick,
    num: true,
  });
  const amount = (pick: (row: OverviewRow) => string | null) => ({
    cell: (row: OverviewRow) => (pick(row) === null ? words.noEstimate : money(pick(row)!, lang)),
    sort: pick,
    num: true,
  });
  const alerts = (pick: (row: OverviewRow) => number) => ({
    cell: (row: OverviewRow) => count(pick(row), lang),
    sort: pick,
    num: true,
  });
  return [
    {
      key: "province",
      label: words.province,
      cell: (row) => `${row.provinceCode} ${row.name}`,
      sort: (row) => row.provinceCode,
    },
    { key: "ratio", label: words.ratio, ...ratio((row) => row.ratio) },
    { key: "spent", label: words.spent, ...amount((row) => row.spent) },
    { key: "estimate", label: words.estimate, ...amount((row) => row.estimate) },
    { key: "elapsed", label: words.elapsed, ...ratio((row) => row.elapsedRatio) },
    { key: "projected", label: words.projected, ...ratio((row) => row.projectedRatio) },
    { key: "pending", label: words.pending, ...amount((row) => row.pendingDocumentationAmount) },
    { key: "openAlerts", label: words.openAlerts, ...alerts((row) => row.openAlerts - row.acknowledgedAlerts) },
    { key: "acknowledgedAlerts", label: words.acknowledgedAlerts, ...alerts((row) => row.acknowledgedAlerts) },
  ];
}

/** The nation's row under the provinces. */
function TotalRow({ w: words, lang, rows }: { w: Words; lang: Lang; rows: OverviewRow[] }) {
  const total = nationalTotal(rows);
  return (
    <tfoot>
      <tr data-province="total">
        <th scope="row">{words.nation}</th>
        <td class="num">{percent(total.ratio, lang)}</td>
        <td class="num">{money(total.spent, lang)}</td>
        <td class="num">{total.estimate === null ? words.noEstimate : money(total.estimate, lang)}</td>
        <td class="num">{percent(rows[0]?.elapsedRatio ?? null, lang)}</td>
        <td class="num">—</td>
        <td class="num">{money(total.pending, lang)}</td>
        <td class="num">{count(total.openAlerts, lang)}</td>
        <td class="num">{count(total.acknowledgedAlerts, lang)}</td>
      </tr>
    </tfoot>
  );
}

export function OverviewPage(props: {
  w: Words;
  lang: Lang;
  year: number;
  thisYear: number;
  asOf: string;
  rows: OverviewRow[];
  threshold: string;
}) {
  const { w: words, lang, year, rows } = props;
  const isOver = (row: OverviewRow) => row.ratio !== null && new Dec(row.ratio).gte(props.threshold);
  const columns = overviewColumns(words, lang);
  return (
    <>
      <h1>{`${words.overview} ${year}`}</h1>
      <AsOf w={words} at={props.asOf} />
      <ScopePicker w={words} year={year} thisYear={props.thisYear} action="/dashboard" />
      {rows.length ? <UsageBars rows={rows} threshold={props.threshold} w={words} lang={lang} /> : <p>{words.none}</p>}
      <div class="table-wrap">
        <table>
          <HeadRow cells={columns.map((column) => (column.num ? [column.label, "num"] : [column.label]))} />
          <tbody>
            {rows.map((row) => (
              <tr class={isOver(row) ? "over" : ""} data-province={row.provinceCode}>
                <td>
                  <a
                    href={`/dashboard/provinces/${row.provinceCode}?year=${year}`}
                  >{`${row.provinceCode} ${row.name}`}</a>
                  {isOver(row) ? <span class="badge high">{words.overThreshold}</span> : null}
                </td>
                {columns.slice(1).map((column) => (
                  <td class="num">{column.cell(row)}</td>
                ))}
              </tr>
            ))}
          </tbody>
          {rows.length > 1 ? <TotalRow w={words} lang={lang} rows={rows} /> : null}
        </table>
      </div>
      <Downloads w={words} href={`/dashboard?year=${year}`} />
    </>
  );
}

export interface ProvinceView {
  provinceCode: string;
  name: string;
  year: number;
  estimate: string | null;
  spent: string;
  ratio: string | null;
  elapsedRatio: string;
  projectedRatio: string | null;
  byFacility: { facilityCode: string; name: string | null; spent: string; share: string | null }[];
  byMonth: { month: number; spent: string }[];
}

/** The ten facilities with the largest insurance spending, each opening its page. */
/** The province's facilities by spending: the page shows the top ten, the download has them all. */
export function facilityColumns(words: Words, lang: Lang): Column<ProvinceView["byFacility"][number]>[] {
  return [
    {
      key: "facility",
      label: words.facility,
      cell: (row) => `${row.facilityCode} ${row.name ?? ""}`,
      sort: (row) => row.facilityCode,
    },
    { key: "spent", label: words.spent, cell: (row) => money(row.spent, lang), sort: (row) => row.spent, num: true },
    { key: "share", label: words.share, cell: (row) => percent(row.share, lang), sort: (row) => row.share, num: true },
  ];
}

function TopFacilities({ w: words, lang, usage }: { w: Words; lang: Lang; usage: ProvinceView }) {
  return (
    <>
      <DataTable
        columns={facilityColumns(words, lang)}
        rows={usage.byFacility.slice(0, 10)}
        link={(row) => `/dashboard/facilities/${row.facilityCode}?year=${usage.year}`}
      />
      <Downloads w={words} href={`/dashboard/provinces/${usage.provinceCode}?year=${usage.year}&table=facilities`} />
    </>
  );
}

export function ProvincePage(props: {
  w: Words;
  lang: Lang;
  usage: ProvinceView;
  thisYear: number;
  asOf: string;
  throughMonth: number;
  projection: Child;
  costs: Child;
  alerts: Child;
  backlog: Child;
  cuts: Child;
}) {
  const { w: words, lang, usage } = props;
  return (
    <>
      <h1>{`${usage.provinceCode} ${usage.name} · ${usage.year}`}</h1>
      <AsOf w={words} at={props.asOf} />
      <ScopePicker
        w={words}
        year={usage.year}
        thisYear={props.thisYear}
        action={`/dashboard/provinces/${usage.provinceCode}`}
      />
      <p class="headline">
        {`${words.spent}: ${money(usage.spent, lang)} / ` +
          `${usage.estimate === null ? words.noEstimate : money(usage.estimate, lang)} · ${words.ratio}: ` +
          `${percent(usage.ratio, lang)} · ${words.elapsed}: ${percent(usage.elapsedRatio, lang)} · ` +
          `${words.projected}: ${percent(usage.projectedRatio, lang)}`}
      </p>
      <h2>{words.alerts}</h2>
      {props.alerts}
      <h2>{words.backlog}</h2>
      {props.backlog}
      {props.cuts}
      <h2>{words.byMonth}</h2>
      <MonthChart
        months={usage.byMonth}
        estimate={usage.estimate}
        throughMonth={props.throughMonth}
        w={words}
        lang={lang}
      />
      <h2>{words.projection}</h2>
      {props.projection}
      {props.costs}
      <h2>{words.topFacilities}</h2>
      <TopFacilities w={words} lang={lang} usage={usage} />
    </>
  );
}
