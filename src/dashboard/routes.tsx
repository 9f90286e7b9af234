/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { Hono } from "hono";
import { listAlerts, transitionAlert } from "../alerts/service.ts";
import { type Caller, callerForKey, keyForSecret } from "../auth/caller.ts";
import { backlogReport } from "../backlog/report.ts";
import type { AppDeps } from "../deps.ts";
import { monthsShown, vietnamYearMonth } from "../domain/period.ts";
import { arrivedOverTls } from "../http/client-address.ts";
import { clientAborted, isClientAbort } from "../http/errors.ts";
import { Problem } from "../http/problem.ts";
import type { AppEnv } from "../http/router.ts";
import { lateSubmissionReport } from "../reports/late.ts";
import { outlierReport } from "../reports/outliers.ts";
import { provinceProjection } from "../reports/projection.ts";
import { provinceUsageDetail, usageOverview } from "../usage/overview.ts";
import type { CostBreakdownOut, ItemsReportOut } from "../costs/contract.ts";
import { ITEMS_CSV, itemsReport } from "../costs/items-report.ts";
import type { LineKind } from "../costs/lines.ts";
import { facilityCosts, provinceCosts } from "../costs/read.ts";
import { csvResponse, toCsv } from "../reports/csv.ts";
import { COSTS_CSV, CostsSection, ITEM_KINDS, ItemRows } from "./costs.tsx";
import { type Column, lateColumns, outlierColumns, ProjectionChart, SortableTable, sortRows } from "./reports.tsx";
import { percent } from "./format.ts";
import { dictionaries, type Lang, type Words } from "./i18n.ts";
import { AlertsPage, Layout, LoginPage, OverviewPage, ProvincePage } from "./pages.tsx";
import { csrfToken, endSession, langOf, readSession, type Session, startSession, validCsrf } from "./session.ts";

type Page = { w: Words; lang: Lang; caller: Caller; session: Session; csrf: string };

const label = (caller: Caller) =>
  caller.role === "central"
    ? "central"
    : caller.role === "province"
      ? `province ${caller.provinceCode}`
      : `facility ${caller.facilityCode}`;

/** `?year=` when it is a sane year, else the current Vietnam-time year. */
function yearOf(ctx: Context<AppEnv>, now: Date): number {
  const asked = Number(ctx.req.query("year"));
  return Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : vietnamYearMonth(now).year;
}

/** Only paths inside the dashboard are followed after a form, never another site. */
const safeBack = (back: unknown) =>
  typeof back === "string" && /^\/dashboard(\/[\w/?=&%.-]*)?$/.test(back) ? back : "/dashboard";

/** What every dashboard handler needs: the app's dependencies and the secret that signs sessions. */
interface Kit {
  deps: AppDeps;
  sessionSecret: string;
}

type Ctx = Context<AppEnv>;

/** A session is open while its key's generation has not moved on (signing out moves it). */
async function sessionOpen(kit: Kit, session: Session): Promise<boolean> {
  const key = await kit.deps.db.prisma.apiKey.findUnique({
    where: { id: session.keyId },
    select: { sessionGeneration: true },
  });
  return key?.sessionGeneration === session.generation;
}

/** The signed-in page's context, or a redirect to sign in; facility keys are refused. */
async function page(kit: Kit, ctx: Ctx): Promise<Page | Response> {
  const lang = langOf(ctx);
  const session = await readSession(ctx, kit.sessionSecret, kit.deps.clock.now());
  const caller = session && (await sessionOpen(kit, session)) && (await callerForKey(kit.deps.db, session.keyId));
  if (!session || !caller) return ctx.redirect("/dashboard/login", 303);
  if (caller.role === "facility")
    throw new Problem(403, "forbidden", "the dashboard is for central and provincial reviewers");
  ctx.set("caller", caller);
  return { w: dictionaries[lang], lang, caller, session, csrf: csrfToken(kit.sessionSecret, session) };
}

function render(ctx: Ctx, pageData: Page, title: string, body: unknown, status: 200 | 404 = 200) {
  return ctx.html(
    <Layout
      w={pageData.w}
      lang={pageData.lang}
      title={title}
      signedIn={{ csrf: pageData.csrf, label: label(pageData.caller) }}
    >
      {body as never}
    </Layout>,
    status,
  );
}

/** A form's CSRF token must be the session's. */
function checkCsrf(kit: Kit, pageData: Page, token: unknown) {
  if (!validCsrf(kit.sessionSecret, pageData.session, token))
    throw new Problem(403, "csrf", "the form has expired; reload the page");
}

function loginPage(ctx: Ctx, error = false) {
  const lang = langOf(ctx);
  const words = dictionaries[lang];
  return ctx.html(
    <Layout w={words} lang={lang} title={words.signIn}>
      <LoginPage w={words} error={error} />
    </Layout>,
    error ? 401 : 200,
  );
}

async function login(kit: Kit, ctx: Ctx) {
  const form = await ctx.req.parseBody();
  const key = typeof form.key === "string" ? await keyForSecret(kit.deps.db, form.key.trim()) : null;
  if (!key) return loginPage(ctx, true);
  const secure = arrivedOverTls(ctx, kit.deps.trustedProxies);
  await startSession(
    ctx,
    kit.sessionSecret,
    { id: key.id, generation: key.sessionGeneration, secure },
    kit.deps.clock.now(),
  );
  return ctx.redirect("/dashboard", 303);
}

async function logout(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx);
  if (pageData instanceof Response) return pageData;
  checkCsrf(kit, pageData, (await ctx.req.parseBody())._csrf);
  // Ends the session on the server: this cookie, and every other of the key's sessions, is refused from now on.
  await kit.deps.db.prisma.apiKey.update({
    where: { id: pageData.session.keyId },
    data: { sessionGeneration: { increment: 1 } },
  });
  endSession(ctx, arrivedOverTls(ctx, kit.deps.trustedProxies));
  return ctx.redirect("/dashboard/login", 303);
}

async function overview(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx);
  if (pageData instanceof Response) return pageData;
  const { deps } = kit;
  const year = yearOf(ctx, deps.clock.now());
  const usage = await usageOverview(deps, pageData.caller, year);
  const threshold =
    deps.rules.usage.thresholds.find((t) => t.ratio === "0.85")?.ratio ?? deps.rules.usage.thresholds[0]!.ratio;
  return render(
    ctx,
    pageData,
    pageData.w.overview,
    <OverviewPage w={pageData.w} lang={pageData.lang} year={year} rows={usage.provinces} threshold={threshold} />,
  );
}

/** A 404 page for what is not there or not the caller's to see; anything else goes on as an error. */
const orNotFound = <T,>(read: Promise<T>): Promise<T | null> =>
  read.catch((err) => (err instanceof Problem && err.status === 404 ? null : Promise.reject(err)));

async function provincePage(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx);
  if (pageData instanceof Response) return pageData;
  const { deps } = kit;
  const year = yearOf(ctx, deps.clock.now());
  const code = ctx.req.param("code") ?? "";
  const usage = /^\d{2}$/.test(code) ? await orNotFound(provinceUsageDetail(deps, pageData.caller, code, year)) : null;
  if (!usage) return render(ctx, pageData, pageData.w.notFound, <p class="error">{pageData.w.notFound}</p>, 404);
  const alerts = await listAlerts(deps, pageData.caller, { province: code, year, limit: 100 });
  const backlog = await backlogReport(deps, pageData.caller, { province: code, year });
  const projection = await provinceProjection(deps, pageData.caller, { code, year });
  const throughMonth = monthsShown(year, deps.clock.now());
  const costs = await costsSection(kit, pageData, await provinceCosts(deps, pageData.caller, code, { year }), {
    province: code,
  });
  return render(
    ctx,
    pageData,
    `${code} ${usage.name}`,
    <ProvincePage
      w={pageData.w}
      lang={pageData.lang}
      usage={usage}
      throughMonth={throughMonth}
      projection={<ProjectionChart p={projection} w={pageData.w} lang={pageData.lang} />}
      costs={costs}
      alerts={alerts.data.filter((alert) => alert.status !== "resolved")}
      backlog={backlog}
      csrf={pageData.csrf}
      back={`/dashboard/provinces/${code}?year=${year}`}
    />,
  );
}

/** The costs section of a province's or facility's page: its cost groups, and its top items of each kind. */
async function costsSection(
  kit: Kit,
  pageData: Page,
  breakdown: CostBreakdownOut,
  scope: { province: string } | { facility: string },
) {
  const items = {} as Record<LineKind, ItemsReportOut["items"]>;
  for (const kind of ITEM_KINDS)
    items[kind] = (
      await itemsReport(kit.deps, pageData.caller, { ...scope, kind, year: breakdown.year, sort: "amount", limit: 5 })
    ).items;
  const query = new URLSearchParams(scope).toString();
  const costsCsv =
    "province" in scope
      ? `/dashboard/provinces/${scope.province}/costs.csv?year=${breakdown.year}`
      : `/dashboard/facilities/${scope.facility}/costs.csv?year=${breakdown.year}`;
  return (
    <CostsSection
      costs={breakdown}
      items={items}
      costsCsv={costsCsv}
      query={query}
      w={pageData.w}
      lang={pageData.lang}
    />
  );
}

/** One facility: what its money went on (the cost groups and top items), for its province and central. */
async function facilityPage(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx);
  if (pageData instanceof Response) return pageData;
  const { deps } = kit;
  const year = yearOf(ctx, deps.clock.now());
  const code = ctx.req.param("code") ?? "";
  const costs = /^\d{5}$/.test(code) ? await orNotFound(facilityCosts(deps, pageData.caller, code, { year })) : null;
  if (!costs) return render(ctx, pageData, pageData.w.notFound, <p class="error">{pageData.w.notFound}</p>, 404);
  const facility = await deps.db.prisma.facility.findUnique({ where: { code }, select: { name: true } });
  const section = await costsSection(kit, pageData, costs, { facility: code });
  return render(
    ctx,
    pageData,
    `${code} ${facility?.name ?? ""}`,
    <>
      <h1>{`${code} ${facility?.name ?? ""} · ${year}`}</h1>
      {section}
    </>,
  );
}

/** The items view's filters from the query string; anything not understood is no filter. */
function itemFilters(ctx: Ctx, now: Date) {
  const query = ctx.req.query();
  const kinds: readonly string[] = ITEM_KINDS;
  return {
    year: yearOf(ctx, now),
    province: /^\d{2}$/.test(query.province ?? "") ? query.province : undefined,
    facility: /^\d{5}$/.test(query.facility ?? "") ? query.facility : undefined,
    kind: kinds.includes(query.kind ?? "") ? (query.kind as LineKind) : undefined,
    sort: ["quantity", "growth"].includes(query.sort ?? "") ? (query.sort as "quantity") : ("amount" as const),
    limit: 100,
  };
}

/** The items view: the top 100 items of a scope and kind, sorted as asked, with the same as CSV. */
async function itemsPage(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx);
  if (pageData instanceof Response) return pageData;
  const { w: words, lang } = pageData;
  const filters = itemFilters(ctx, kit.deps.clock.now());
  const report = await orNotFound(itemsReport(kit.deps, pageData.caller, filters));
  if (!report) return render(ctx, pageData, words.notFound, <p class="error">{words.notFound}</p>, 404);
  const query = (sort: string) =>
    new URLSearchParams(
      Object.entries({ ...filters, sort, limit: undefined })
        .filter(([, value]) => value !== undefined)
        .map(([name, value]) => [name, String(value)]),
    ).toString();
  const scope = report.facilityCode ?? report.provinceCode ?? "";
  const title = `${report.kind ? words.itemKinds[report.kind] : words.items} ${scope}`;
  return render(
    ctx,
    pageData,
    words.items,
    <>
      <h1>{`${title} · ${report.year} (1–${report.through})`}</h1>
      <p>
        {`${words.sortBy}: `}
        {(["amount", "quantity", "growth"] as const).map((sort) =>
          sort === report.sort ? (
            <strong>{`${words.itemSorts[sort]} `}</strong>
          ) : (
            <a href={`/dashboard/items?${query(sort)}`}>{`${words.itemSorts[sort]} `}</a>
          ),
        )}
      </p>
      <div class="table-wrap">
        <ItemRows items={report.items} w={words} lang={lang} />
      </div>
      <p>
        <a href={`/dashboard/items.csv?${query(report.sort)}`} download>
          {words.downloadCsv}
        </a>
      </p>
    </>,
  );
}

/** The items view as CSV, for the signed-in reviewer (the API answers the same to a key). */
async function itemsCsv(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx);
  if (pageData instanceof Response) return pageData;
  const report = await itemsReport(kit.deps, pageData.caller, {
    ...itemFilters(ctx, kit.deps.clock.now()),
    limit: 500,
  });
  return csvResponse(toCsv(ITEMS_CSV, report.items), `items-${report.year}.csv`);
}

/** A province's or facility's cost groups as CSV. */
async function costsCsv(kit: Kit, ctx: Ctx, of: "province" | "facility") {
  const pageData = await page(kit, ctx);
  if (pageData instanceof Response) return pageData;
  const code = ctx.req.param("code") ?? "";
  const year = yearOf(ctx, kit.deps.clock.now());
  const read = of === "province" ? provinceCosts : facilityCosts;
  const costs = /^\d{2}$|^\d{5}$/.test(code) ? await read(kit.deps, pageData.caller, code, { year }) : null;
  if (!costs) throw new Problem(404, "not_found", `${of} not found`);
  return csvResponse(toCsv(COSTS_CSV, costs.groups), `costs-${code}-${costs.year}.csv`);
}

/** The alert list's filters from the query string; anything not understood is no filter. */
function alertFilters(query: Record<string, string>) {
  return {
    status: ["open", "acknowledged", "resolved"].includes(query.status ?? "") ? (query.status as "open") : undefined,
    kind: ["usage_threshold", "projected_overrun", "stuck_backlog"].includes(query.kind ?? "")
      ? (query.kind as "usage_threshold")
      : undefined,
    province: /^\d{2}$/.test(query.province ?? "") ? query.province : undefined,
    year: /^\d{4}$/.test(query.year ?? "") ? Number(query.year) : undefined,
  };
}

async function alertsPage(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx);
  if (pageData instanceof Response) return pageData;
  const filters = alertFilters(ctx.req.query());
  const alerts = await listAlerts(kit.deps, pageData.caller, { ...filters, limit: 200 });
  return render(
    ctx,
    pageData,
    pageData.w.alerts,
    <AlertsPage
      w={pageData.w}
      lang={pageData.lang}
      alerts={alerts.data}
      filters={filters}
      csrf={pageData.csrf}
      back={`/dashboard/alerts${new URL(ctx.req.url).search}`}
    />,
  );
}

// The inspection reports, as tables sorted on the server by any column.
/** A report's rows sorted as the query asks (`?sort=` a column key, `?dir=asc|desc`). */
function sortedAsAsked<Row>(ctx: Ctx, columns: Column<Row>[], rows: readonly Row[]) {
  const sort = ctx.req.query("sort");
  const dir = ctx.req.query("dir") === "asc" ? ("asc" as const) : ("desc" as const);
  const column = columns.find((candidate) => candidate.key === sort);
  return { sort, dir, rows: sortRows(rows, column, dir) };
}
const provinceOf = (ctx: Ctx) =>
  /^\d{2}$/.test(ctx.req.query("province") ?? "") ? ctx.req.query("province") : undefined;
const linkTo = (path: string, params: Record<string, string | number | undefined>) => (sort: string, dir: string) =>
  `${path}?${new URLSearchParams(
    Object.entries({ ...params, sort, dir })
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [name, String(value)]),
  )}`;

async function lateReportPage(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx);
  if (pageData instanceof Response) return pageData;
  const { w: words, lang } = pageData;
  const year = yearOf(ctx, kit.deps.clock.now());
  const report = await lateSubmissionReport(kit.deps, pageData.caller, { year, province: provinceOf(ctx) });
  const columns = lateColumns(words, lang);
  const { sort, dir, rows } = sortedAsAsked(ctx, columns, report.facilities);
  const { totals } = report;
  return render(
    ctx,
    pageData,
    words.lateReport,
    <>
      <h1>{`${words.lateReport} ${year}`}</h1>
      <p>{`${words.claims}: ${totals.claims} · ${words.late}: ${totals.late} (${percent(totals.lateShare, lang)})`}</p>
      <SortableTable
        columns={columns}
        rows={rows}
        sort={sort}
        dir={dir}
        link={linkTo("/dashboard/reports/late", { year, province: provinceOf(ctx) })}
      />
    </>,
  );
}

async function outlierReportPage(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx);
  if (pageData instanceof Response) return pageData;
  const { w: words, lang } = pageData;
  const year = yearOf(ctx, kit.deps.clock.now());
  const report = await outlierReport(kit.deps, pageData.caller, { year, province: provinceOf(ctx), list: "all" });
  const columns = outlierColumns(words, lang);
  const { sort, dir, rows } = sortedAsAsked(ctx, columns, report.facilities);
  return render(
    ctx,
    pageData,
    words.outlierReport,
    <>
      <h1>{`${words.outlierReport} ${year}`}</h1>
      <p class="muted">
        {`${words.outlierMeasure(report.rules.minClaimsForScore)} · ${words.score} ≥ ${report.rules.outlierScore}`}
      </p>
      <SortableTable
        columns={columns}
        rows={rows}
        sort={sort}
        dir={dir}
        link={linkTo("/dashboard/reports/outliers", { year, province: provinceOf(ctx) })}
        rowClass={(row) => (row.status === "outlier" ? "over" : "")}
      />
    </>,
  );
}

async function transition(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx);
  if (pageData instanceof Response) return pageData;
  const form = await ctx.req.parseBody();
  checkCsrf(kit, pageData, form._csrf);
  const action = form.action === "acknowledge" || form.action === "resolve" ? form.action : null;
  const note = typeof form.note === "string" ? form.note.trim() : "";
  if (!action || !note)
    throw new Problem(422, "validation_failed", "choose an action and write a note", [
      { path: "note", code: "required", message: "a note is required" },
    ]);
  await transitionAlert(kit.deps, pageData.caller, ctx.req.param("id") ?? "", action, note, ctx.get("requestId"));
  return ctx.redirect(safeBack(form.back), 303);
}

/** Browsers get a page, not problem+json: the same status, a short message, a way back. */
function errorPage(kit: Kit, err: Error, ctx: Ctx) {
  if (!(err instanceof Problem) && isClientAbort(ctx, err)) return clientAborted(kit.deps.logger, ctx.get("requestId"));
  const lang = langOf(ctx);
  const words = dictionaries[lang];
  const status = err instanceof Problem ? err.status : 500;
  if (!(err instanceof Problem))
    kit.deps.logger.error("dashboard error", { requestId: ctx.get("requestId"), error: err.stack ?? String(err) });
  const message =
    err instanceof Problem ? (status === 404 ? words.notFound : err.detail) : `Error ${ctx.get("requestId")}`;
  return ctx.html(
    <Layout w={words} lang={lang} title={String(status)}>
      <p class="error" role="alert">
        {message}
      </p>
      <p>
        <a href="/dashboard">{words.overview}</a>
      </p>
    </Layout>,
    status as 400,
  );
}

/**
 * A form posted from another site (sign-in included, which no session token can defend) is refused. Browsers say
 * where a request comes from in Sec-Fetch-Site; only this origin, or a person typing the address, may post. Without
 * it (an older browser) the Origin must be this host when it names one (with Referrer-Policy no-referrer a
 * same-origin form sends "null").
 */
const refuseCrossSite = async (ctx: Ctx, next: () => Promise<void>) => {
  if (ctx.req.method === "POST") {
    const site = ctx.req.header("sec-fetch-site");
    const origin = ctx.req.header("origin");
    const host = ctx.req.header("host") ?? new URL(ctx.req.url).host;
    const crossSite =
      site !== undefined
        ? site !== "same-origin" && site !== "none"
        : origin !== undefined && URL.canParse(origin) && new URL(origin).host !== host;
    if (crossSite) throw new Problem(403, "cross_site", "a form may only be posted from this site's own pages");
  }
  await next();
};

/**
 * Server-rendered pages for reviewers and national staff, on the same queries
 * and scope rules as the API: a province reviewer sees only their province.
 * Everything but signing in needs a session; a POST also needs its CSRF token.
 */
export function dashboardRoutes(deps: AppDeps, sessionSecret: string) {
  const kit: Kit = { deps, sessionSecret };
  const app = new Hono<AppEnv>();
  app.use("*", refuseCrossSite);
  app.get("/login", (ctx) => loginPage(ctx));
  app.post("/login", (ctx) => login(kit, ctx));
  app.post("/logout", (ctx) => logout(kit, ctx));
  app.get("/", (ctx) => overview(kit, ctx));
  app.get("/provinces/:code", (ctx) => provincePage(kit, ctx));
  app.get("/provinces/:code/costs.csv", (ctx) => costsCsv(kit, ctx, "province"));
  app.get("/facilities/:code", (ctx) => facilityPage(kit, ctx));
  app.get("/facilities/:code/costs.csv", (ctx) => costsCsv(kit, ctx, "facility"));
  app.get("/items", (ctx) => itemsPage(kit, ctx));
  app.get("/items.csv", (ctx) => itemsCsv(kit, ctx));
  app.get("/alerts", (ctx) => alertsPage(kit, ctx));
  app.get("/reports/late", (ctx) => lateReportPage(kit, ctx));
  app.get("/reports/outliers", (ctx) => outlierReportPage(kit, ctx));
  app.post("/alerts/:id/transition", (ctx) => transition(kit, ctx));
  app.onError((err, ctx) => errorPage(kit, err, ctx));
  return app;
}
