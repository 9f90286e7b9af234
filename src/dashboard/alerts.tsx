/** @jsxImportSource hono/jsx */
import { type AlertFilters, listAlerts, transitionAlert } from "../alerts/service.ts";
import { KINDS, STATUSES } from "../alerts/view.ts";
import { vietnamYearMonth } from "../domain/period.ts";
import { Problem } from "../http/problem.ts";
import { usageOverview } from "../usage/overview.ts";
import { count, percent, vnTime } from "./format.ts";
import type { Lang, Words } from "./i18n.ts";
import { checkCsrf, type Ctx, type Kit, page, type Page, provinceChoices, render, safeBack } from "./kit.tsx";
import { Choice, HeadRow } from "./pages.tsx";
import { problemMessage } from "./problems.ts";
import { type Column, Downloads, exportFormat, exportTable } from "./tables.tsx";

type AlertItem = Awaited<ReturnType<typeof listAlerts>>["data"][number];

/** A step's refusal, shown on the alert it was taken on, with the note that was typed. */
interface StepError {
  alertId: string;
  note: string;
  message: string;
}

/** What the alert tables show beside each alert: usage today, and who wrote each note. */
export interface AlertContext {
  usageToday: Map<string, string | null>;
  authors: Map<string, string>;
  csrf: string;
  back: string;
  error?: StepError | undefined;
}

/** Today's usage of every province and year the alerts are about, and the names of the keys that wrote notes. */
export async function alertContext(
  kit: Kit,
  pageData: Page,
  alerts: AlertItem[],
  form: { back: string; error?: StepError | undefined },
): Promise<AlertContext> {
  const usageToday = new Map<string, string | null>();
  for (const year of new Set(alerts.map((alert) => alert.year)))
    for (const row of (await usageOverview(kit.deps, pageData.caller, year)).provinces)
      usageToday.set(`${row.provinceCode}:${year}`, row.ratio);
  const ids = [...new Set(alerts.flatMap((alert) => alert.notes.map((note) => note.keyId)))].filter(
    (id): id is string => id !== null,
  );
  const keys = ids.length
    ? await kit.deps.db.prisma.apiKey.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })
    : [];
  return {
    usageToday,
    authors: new Map(keys.map((key) => [key.id, key.name])),
    csrf: pageData.csrf,
    back: form.back,
    error: form.error,
  };
}

/** The form that takes an alert a step further, with the note the step needs; a refusal keeps the note typed. */
function AlertSteps({ w: words, alert, context }: { w: Words; alert: AlertItem; context: AlertContext }) {
  const error = context.error?.alertId === alert.id ? context.error : undefined;
  return (
    <form class="inline" method="post" action={`/dashboard/alerts/${alert.id}/transition`}>
      <input type="hidden" name="_csrf" value={context.csrf} />
      <input type="hidden" name="back" value={context.back} />
      <label for={`note-${alert.id}`}>
        {words.note}
        <input
          id={`note-${alert.id}`}
          name="note"
          required
          maxlength={2000}
          value={error?.note ?? ""}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? `note-${alert.id}-error` : undefined}
        />
      </label>
      {alert.status === "open" ? (
        <button type="submit" name="action" value="acknowledge">
          {words.acknowledge}
        </button>
      ) : null}
      <button class="primary" type="submit" name="action" value="resolve">
        {words.resolve}
      </button>
      {error ? (
        <span class="field-error" id={`note-${alert.id}-error`} role="alert">
          {error.message}
        </span>
      ) : null}
    </form>
  );
}

/** The notes taken on an alert: when, which step, by whom, what. */
function Notes({ w: words, alert, authors }: { w: Words; alert: AlertItem; authors: Map<string, string> }) {
  return (
    <>
      {alert.notes.map((note) => (
        <div class="muted note">
          {`${vnTime(note.at)} · ${words.steps[note.action]} ${words.by} ` +
            `${(note.keyId && authors.get(note.keyId)) ?? "—"}: ${note.note}`}
        </div>
      ))}
    </>
  );
}

export function AlertTable(props: { w: Words; lang: Lang; alerts: AlertItem[]; context: AlertContext }) {
  const { w: words, lang, context } = props;
  if (!props.alerts.length) return <p>{words.none}</p>;
  return (
    <div class="table-wrap">
      <table>
        <HeadRow
          cells={[
            [words.kind],
            [words.province],
            [words.severity],
            [words.ratioAtRaise, "num"],
            [words.usageToday, "num"],
            [words.raisedAt],
            [words.status],
            [words.note],
          ]}
        />
        <tbody>
          {props.alerts.map((alert) => (
            <tr data-alert={alert.id}>
              <td>{`${words.kinds[alert.kind]}${alert.threshold ? ` ${percent(alert.threshold, lang)}` : ""}`}</td>
              <td>
                <a href={`/dashboard/provinces/${alert.provinceCode}?year=${alert.year}`}>
                  {`${alert.provinceCode} · ${alert.year}`}
                </a>
              </td>
              <td>
                <span class={`badge ${alert.severity}`}>{words.severities[alert.severity] ?? alert.severity}</span>
              </td>
              <td class="num">{percent(alert.ratioAtRaise, lang)}</td>
              <td class="num">
                {percent(context.usageToday.get(`${alert.provinceCode}:${alert.year}`) ?? null, lang)}
              </td>
              <td>{vnTime(alert.raisedAt)}</td>
              <td>{words.statuses[alert.status]}</td>
              <td>
                <Notes w={words} alert={alert} authors={context.authors} />
                {alert.status !== "resolved" ? <AlertSteps w={words} alert={alert} context={context} /> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The alert list's filters from the query string; anything not understood is no filter. */
function alertFilters(query: Record<string, string>) {
  return {
    status: (STATUSES as readonly string[]).includes(query.status ?? "") ? (query.status as "open") : undefined,
    kind: (KINDS as readonly string[]).includes(query.kind ?? "") ? (query.kind as "usage_threshold") : undefined,
    province: /^\d{2}$/.test(query.province ?? "") ? query.province : undefined,
    year: /^\d{4}$/.test(query.year ?? "") ? Number(query.year) : undefined,
  } satisfies Omit<AlertFilters, "limit">;
}

type Filters = ReturnType<typeof alertFilters>;

/** The alert list's filters, as a GET form: every choice from a list. */
function AlertFilterForm(props: {
  w: Words;
  filters: Filters;
  provinces: { code: string; name: string }[];
  thisYear: number;
}) {
  const { w: words, filters } = props;
  const years = Array.from({ length: 6 }, (_, index) => String(props.thisYear + 1 - index));
  return (
    <form class="filters" method="get" action="/dashboard/alerts">
      <Choice
        id="f-status"
        name="status"
        label={words.status}
        anyLabel={words.all}
        value={filters.status}
        options={STATUSES.map((status) => [status, words.statuses[status]])}
      />
      <Choice
        id="f-kind"
        name="kind"
        label={words.kind}
        anyLabel={words.all}
        value={filters.kind}
        options={KINDS.map((kind) => [kind, words.kinds[kind]])}
      />
      <Choice
        id="f-province"
        name="province"
        label={words.province}
        anyLabel={words.all}
        value={filters.province}
        options={props.provinces.map((province) => [province.code, `${province.code} ${province.name}`])}
      />
      <Choice
        id="f-year"
        name="year"
        label={words.year}
        anyLabel={words.all}
        value={filters.year ? String(filters.year) : undefined}
        options={years.map((year) => [year, year])}
      />
      <button type="submit">{words.filter}</button>
    </form>
  );
}

/** The confirmation a step leaves on the page it returns to. */
export function StepDone({ w: words, done }: { w: Words; done: string | undefined }) {
  return done === "acknowledge" || done === "resolve" ? (
    <p class="notice" role="status">
      {words.stepDone[done]}
    </p>
  ) : null;
}

/** The alerts as a download: what the table shows, the notes as text. */
function alertColumns(words: Words, lang: Lang, context: AlertContext): Column<AlertItem>[] {
  const text = (key: string, label: string, cell: (alert: AlertItem) => string): Column<AlertItem> => ({
    key,
    label,
    cell,
    sort: cell,
  });
  const usage = (alert: AlertItem) => context.usageToday.get(`${alert.provinceCode}:${alert.year}`) ?? null;
  return [
    text("kind", words.kind, (alert) => words.kinds[alert.kind]),
    text("province", words.province, (alert) => alert.provinceCode),
    text("year", words.year, (alert) => String(alert.year)),
    text("severity", words.severity, (alert) => words.severities[alert.severity] ?? alert.severity),
    {
      key: "ratio",
      label: words.ratioAtRaise,
      cell: (alert) => percent(alert.ratioAtRaise, lang),
      sort: (alert) => alert.ratioAtRaise,
      num: true,
    },
    { key: "usage", label: words.usageToday, cell: (alert) => percent(usage(alert), lang), sort: usage, num: true },
    text("raisedAt", words.raisedAt, (alert) => vnTime(alert.raisedAt)),
    text("status", words.status, (alert) => words.statuses[alert.status]),
    text("notes", words.note, (alert) =>
      alert.notes.map((note) => `${vnTime(note.at)} ${words.steps[note.action]}: ${note.note}`).join(" | "),
    ),
  ];
}

/** The alerts page: counts by status, the filters, the list; `error` when a step was refused. */
async function showAlerts(kit: Kit, ctx: Ctx, pageData: Page, filters: Filters, error?: StepError) {
  const { w: words, lang } = pageData;
  const alerts = await listAlerts(kit.deps, pageData.caller, { ...filters, limit: 200 });
  const query = new URLSearchParams(
    Object.entries(filters).flatMap(([name, value]) => (value === undefined ? [] : [[name, String(value)]])),
  );
  const context = await alertContext(kit, pageData, alerts.data, { back: `/dashboard/alerts?${query}`, error });
  const format = exportFormat(ctx);
  if (format) return exportTable(format, alertColumns(words, lang, context), alerts.data, "alerts");
  const open = alerts.data.filter((alert) => alert.status === "open").length;
  const acknowledged = alerts.data.filter((alert) => alert.status === "acknowledged").length;
  return render(
    ctx,
    pageData,
    words.alerts,
    <>
      <h1>{words.alerts}</h1>
      <StepDone w={words} done={ctx.req.query("done")} />
      <p class="counts">
        {`${words.statuses.open}: ${count(open, lang)} · ${words.acknowledgedAlerts}: ${count(acknowledged, lang)}`}
      </p>
      <AlertFilterForm
        w={words}
        filters={filters}
        provinces={await provinceChoices(kit, pageData.caller)}
        thisYear={vietnamYearMonth(kit.deps.clock.now()).year}
      />
      <AlertTable w={words} lang={lang} alerts={alerts.data} context={context} />
      <Downloads w={words} href={`/dashboard/alerts?${query}`} />
    </>,
    error ? 422 : 200,
  );
}

export async function alertsPage(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx);
  if (pageData instanceof Response) return pageData;
  return showAlerts(kit, ctx, pageData, alertFilters(ctx.req.query()));
}

/** A step on an alert; back where it was taken with a confirmation, or the alerts page with the refusal. */
export async function transition(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx);
  if (pageData instanceof Response) return pageData;
  const form = await ctx.req.parseBody();
  checkCsrf(kit, pageData, form._csrf);
  const action = form.action === "acknowledge" || form.action === "resolve" ? form.action : "acknowledge";
  const note = typeof form.note === "string" ? form.note.trim() : "";
  const alertId = ctx.req.param("id") ?? "";
  const back = safeBack(form.back);
  const refused = (message: string) => {
    const query = Object.fromEntries(new URL(back, "http://x").searchParams);
    return showAlerts(kit, ctx, pageData, alertFilters(query), { alertId, note: note.slice(0, 2000), message });
  };
  if (!note) return refused(pageData.w.noteRequired);
  try {
    await transitionAlert(kit.deps, pageData.caller, alertId, action, note, ctx.get("requestId"));
  } catch (err) {
    if (err instanceof Problem && (err.status === 422 || err.status === 409))
      return refused(problemMessage(err, pageData.lang).message);
    throw err;
  }
  return ctx.redirect(`${back}${back.includes("?") ? "&" : "?"}done=${action}`, 303);
}
