/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { Dec } from "../domain/money.ts";
import { MonthChart, type UsageBar, UsageBars } from "./charts.tsx";
import { money, percent, vnTime } from "./format.ts";
import type { Lang, Words } from "./i18n.ts";

export const CSS = `
:root{--ink:#1a1a1a;--muted:#4a4a4a;--line:#c9c9c9;--brand:#0b4f8a;--bar:#1f5fa8;--over:#b3261e;
  --bg:#fff;--soft:#f3f5f8}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{background:var(--brand);color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.2rem;
  align-items:center}
header a,header button{color:#fff;font:inherit}header .title{font-weight:700;margin-right:auto}
header form{display:inline}
header button{background:none;border:1px solid #fff;border-radius:4px;padding:.15rem .6rem;cursor:pointer}
main{max-width:1200px;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
.table-wrap{overflow-x:auto}table{border-collapse:collapse;width:100%;min-width:520px}
th,td{border-bottom:1px solid var(--line);padding:.4rem .5rem;text-align:left;vertical-align:top}
th{background:var(--soft)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.over td{background:#fdecea}
.badge{display:inline-block;padding:0 .4rem;border-radius:3px;background:var(--over);color:#fff;font-size:.85rem}
.chart .label{font-size:13px;fill:var(--ink)}.chart .value{font-size:13px;fill:var(--ink);font-weight:600}
.chart .track{fill:var(--soft)}.chart .bar{fill:var(--bar)}.chart .bar.over{fill:var(--over)}
.chart .rest{fill:#9db7d5}.legend{margin-right:.8rem}
.legend.bar::before,.legend.band::before,.legend.rest::before{content:"■ "}
.legend.bar::before{color:var(--bar)}.legend.band::before{color:#b36b00}.legend.rest::before{color:#9db7d5}
.chart .threshold{stroke:var(--over);stroke-width:2;stroke-dasharray:6 4}.chart .pace{stroke:#e08600;stroke-width:3}
.chart .axis{stroke:var(--muted)}
form.inline{display:flex;flex-wrap:wrap;gap:.4rem;align-items:end}
label{display:flex;flex-direction:column;font-size:.9rem;color:var(--muted)}
input,select,textarea,button{font:inherit;padding:.35rem .5rem;border:1px solid var(--muted);border-radius:4px;
  color:var(--ink);background:#fff}
button.primary{background:var(--brand);color:#fff;border-color:var(--brand);cursor:pointer}
.error{color:var(--over);font-weight:600}.muted{color:var(--muted)}
.login{max-width:420px;margin:3rem auto}.login input{width:100%}
@media (max-width:600px){main{padding:.6rem}h1{font-size:1.25rem}}
`;

export function Layout(props: {
  w: Words;
  lang: Lang;
  title: string;
  signedIn?: { csrf: string; label: string };
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
          <span class="title">{words.title}</span>
          {props.signedIn ? (
            <>
              <a href="/dashboard">{words.overview}</a>
              <a href="/dashboard/alerts">{words.alerts}</a>
              <a href="/dashboard/reports/late">{words.lateReport}</a>
              <a href="/dashboard/reports/outliers">{words.outlierReport}</a>
              <span>{props.signedIn.label}</span>
            </>
          ) : null}
          <a href={`?lang=${lang === "vi" ? "en" : "vi"}`} lang={lang === "vi" ? "en" : "vi"}>
            {words.language}
          </a>
          {props.signedIn ? (
            <form method="post" action="/dashboard/logout">
              <input type="hidden" name="_csrf" value={props.signedIn.csrf} />
              <button type="submit">{words.signOut}</button>
            </form>
          ) : null}
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
}

function YearPicker({ w: words, year, action }: { w: Words; year: number; action: string }) {
  return (
    <form class="inline" method="get" action={action}>
      <label for="year">
        {words.year}
        <input id="year" name="year" type="number" min="2000" max="2100" value={String(year)} />
      </label>
      <button type="submit">{words.show}</button>
    </form>
  );
}

/** A table's header row: each cell's text, and "num" for a column of numbers (right-aligned). */
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

export function OverviewPage({
  w: words,
  lang,
  year,
  rows,
  threshold,
}: {
  w: Words;
  lang: Lang;
  year: number;
  rows: OverviewRow[];
  threshold: string;
}) {
  const isOver = (r: OverviewRow) => r.ratio !== null && new Dec(r.ratio).gte(threshold);
  return (
    <>
      <h1>{`${words.overview} ${year}`}</h1>
      <YearPicker w={words} year={year} action="/dashboard" />
      {rows.length ? <UsageBars rows={rows} threshold={threshold} w={words} lang={lang} /> : <p>{words.none}</p>}
      <div class="table-wrap">
        <table>
          <HeadRow
            cells={[
              [words.province],
              [words.estimate, "num"],
              [words.spent, "num"],
              [words.ratio, "num"],
              [words.elapsed, "num"],
              [words.projected, "num"],
              [words.pending, "num"],
              [words.openAlerts, "num"],
            ]}
          />
          <tbody>
            {rows.map((r) => (
              <tr class={isOver(r) ? "over" : ""} data-province={r.provinceCode}>
                <td>
                  <a href={`/dashboard/provinces/${r.provinceCode}?year=${year}`}>{`${r.provinceCode} ${r.name}`}</a>
                  {isOver(r) ? (
                    <>
                      {" "}
                      <span class="badge">{words.overThreshold}</span>
                    </>
                  ) : null}
                </td>
                <td class="num">{r.estimate === null ? words.noEstimate : money(r.estimate, lang)}</td>
                <td class="num">{money(r.spent, lang)}</td>
                <td class="num">{percent(r.ratio, lang)}</td>
                <td class="num">{percent(r.elapsedRatio, lang)}</td>
                <td class="num">{percent(r.projectedRatio, lang)}</td>
                <td class="num">{money(r.pendingDocumentationAmount, lang)}</td>
                <td class="num">{String(r.openAlerts)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export interface AlertItem {
  id: string;
  kind: "usage_threshold" | "projected_overrun" | "stuck_backlog";
  provinceCode: string;
  year: number;
  threshold: string | null;
  severity: string;
  ratioAtRaise: string | null;
  raisedAt: string;
  status: "open" | "acknowledged" | "resolved";
  notes: { action: string; note: string; at: string }[];
}

/** The form that takes an alert a step further, with the note the step needs. */
function AlertSteps({ w: words, alert, csrf, back }: { w: Words; alert: AlertItem; csrf: string; back: string }) {
  return (
    <form class="inline" method="post" action={`/dashboard/alerts/${alert.id}/transition`}>
      <input type="hidden" name="_csrf" value={csrf} />
      <input type="hidden" name="back" value={back} />
      <label for={`note-${alert.id}`}>
        {words.note}
        <input id={`note-${alert.id}`} name="note" required maxlength={2000} />
      </label>
      {alert.status === "open" ? (
        <button type="submit" name="action" value="acknowledge">
          {words.acknowledge}
        </button>
      ) : null}
      <button class="primary" type="submit" name="action" value="resolve">
        {words.resolve}
      </button>
    </form>
  );
}

export function AlertTable({
  w: words,
  lang,
  alerts,
  csrf,
  back,
}: {
  w: Words;
  lang: Lang;
  alerts: AlertItem[];
  csrf: string;
  back: string;
}) {
  if (!alerts.length) return <p>{words.none}</p>;
  return (
    <div class="table-wrap">
      <table>
        <HeadRow
          cells={[
            [words.kind],
            [words.province],
            [words.ratio, "num"],
            [words.severity],
            [words.raisedAt],
            [words.status],
            [words.note],
          ]}
        />
        <tbody>
          {alerts.map((a) => (
            <tr data-alert={a.id}>
              <td>{`${words.kinds[a.kind] ?? a.kind}${a.threshold ? ` ${percent(a.threshold, lang)}` : ""}`}</td>
              <td>
                <a href={`/dashboard/provinces/${a.provinceCode}?year=${a.year}`}>{`${a.provinceCode} · ${a.year}`}</a>
              </td>
              <td class="num">{percent(a.ratioAtRaise, lang)}</td>
              <td>{a.severity}</td>
              <td>{vnTime(a.raisedAt)}</td>
              <td>{words.statuses[a.status] ?? a.status}</td>
              <td>
                {a.notes.map((n) => (
                  <div class="muted">{`${vnTime(n.at)} · ${n.note}`}</div>
                ))}
                {a.status !== "resolved" ? <AlertSteps w={words} alert={a} csrf={csrf} back={back} /> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
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

export interface BacklogView {
  stuckAfterDays: number;
  count: number;
  amount: string;
  byFacility: { facilityCode: string; count: number; amount: string; oldestPendingSince: string | null }[];
  byAge: { fromDays: number; toDays: number | null; count: number; amount: string }[];
}

export function ProvincePage(props: {
  w: Words;
  lang: Lang;
  usage: ProvinceView;
  throughMonth: number;
  projection: Child;
  costs: Child;
  alerts: AlertItem[];
  backlog: BacklogView | null;
  csrf: string;
  back: string;
}) {
  const { w: words, lang, usage: usage } = props;
  return (
    <>
      <h1>{`${usage.provinceCode} ${usage.name} · ${usage.year}`}</h1>
      <YearPicker w={words} year={usage.year} action={`/dashboard/provinces/${usage.provinceCode}`} />
      <p>
        {`${words.spent}: ${money(usage.spent, lang)} / ` +
          `${usage.estimate === null ? words.noEstimate : money(usage.estimate, lang)} · ${words.ratio}: ` +
          `${percent(usage.ratio, lang)} · ${words.elapsed}: ${percent(usage.elapsedRatio, lang)} · ` +
          `${words.projected}: ${percent(usage.projectedRatio, lang)}`}
      </p>
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
      <h2>{words.alerts}</h2>
      <AlertTable w={words} lang={lang} alerts={props.alerts} csrf={props.csrf} back={props.back} />
      <h2>{words.topFacilities}</h2>
      <div class="table-wrap">
        <table>
          <HeadRow cells={[[words.facility], [words.spent, "num"], [words.share, "num"]]} />
          <tbody>
            {usage.byFacility.slice(0, 10).map((f) => (
              <tr>
                <td>
                  <a href={`/dashboard/facilities/${f.facilityCode}?year=${usage.year}`}>
                    {`${f.facilityCode} ${f.name ?? ""}`}
                  </a>
                </td>
                <td class="num">{money(f.spent, lang)}</td>
                <td class="num">{percent(f.share, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>{words.backlog}</h2>
      {props.backlog ? <BacklogTables w={words} lang={lang} backlog={props.backlog} /> : <p>{words.none}</p>}
    </>
  );
}

function BacklogTables({ w: words, lang, backlog: backlog }: { w: Words; lang: Lang; backlog: BacklogView }) {
  return (
    <>
      <p>{`${words.count}: ${backlog.count} · ${words.amount}: ${money(backlog.amount, lang)}`}</p>
      <div class="table-wrap">
        <table>
          <HeadRow cells={[[words.facility], [words.count, "num"], [words.amount, "num"], [words.oldest]]} />
          <tbody>
            {backlog.byFacility.map((f) => (
              <tr>
                <td>{f.facilityCode}</td>
                <td class="num">{String(f.count)}</td>
                <td class="num">{money(f.amount, lang)}</td>
                <td>{vnTime(f.oldestPendingSince)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="table-wrap">
        <table>
          <HeadRow cells={[[words.age], [words.count, "num"], [words.amount, "num"]]} />
          <tbody>
            {backlog.byAge.map((a) => (
              <tr>
                <td>
                  {a.toDays === null ? `${a.fromDays}+ ${words.days}` : `${a.fromDays}–${a.toDays} ${words.days}`}
                </td>
                <td class="num">{String(a.count)}</td>
                <td class="num">{money(a.amount, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

interface AlertFilters {
  status?: string | undefined;
  kind?: string | undefined;
  province?: string | undefined;
  year?: number | undefined;
}

/** The alert list's filters, as a GET form. */
function AlertFilterForm({ w: words, filters }: { w: Words; filters: AlertFilters }) {
  return (
    <form class="inline" method="get" action="/dashboard/alerts">
      <label for="f-status">
        {words.status}
        <select id="f-status" name="status">
          <option value="">{words.all}</option>
          {(["open", "acknowledged", "resolved"] as const).map((s) => (
            <option value={s} selected={filters.status === s}>
              {words.statuses[s]}
            </option>
          ))}
        </select>
      </label>
      <label for="f-kind">
        {words.kind}
        <select id="f-kind" name="kind">
          <option value="">{words.all}</option>
          {(["usage_threshold", "projected_overrun", "stuck_backlog"] as const).map((k) => (
            <option value={k} selected={filters.kind === k}>
              {words.kinds[k]}
            </option>
          ))}
        </select>
      </label>
      <label for="f-province">
        {words.province}
        <input id="f-province" name="province" pattern="\d{2}" size={3} value={filters.province ?? ""} />
      </label>
      <label for="f-year">
        {words.year}
        <input
          id="f-year"
          name="year"
          type="number"
          min="2000"
          max="2100"
          value={filters.year ? String(filters.year) : ""}
        />
      </label>
      <button type="submit">{words.filter}</button>
    </form>
  );
}

export function AlertsPage(props: {
  w: Words;
  lang: Lang;
  alerts: AlertItem[];
  csrf: string;
  back: string;
  filters: AlertFilters;
}) {
  const { w: words, filters: filters } = props;
  return (
    <>
      <h1>{words.alerts}</h1>
      <AlertFilterForm w={words} filters={filters} />
      <AlertTable w={words} lang={props.lang} alerts={props.alerts} csrf={props.csrf} back={props.back} />
    </>
  );
}
