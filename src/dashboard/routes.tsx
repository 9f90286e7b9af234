/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { listAlerts } from "../alerts/service.ts";
import { alertContext, alertsPage, AlertTable, StepDone, transition } from "./alerts.tsx";
import { keyForSecret } from "../auth/caller.ts";
import { backlogReport } from "../backlog/report.ts";
import type { AppDeps } from "../deps.ts";
import { monthsShown, vietnamYearMonth } from "../domain/period.ts";
import { arrivedOverTls } from "../http/client-address.ts";
import { clientAborted, isClientAbort } from "../http/errors.ts";
import { Problem } from "../http/problem.ts";
import type { AppEnv } from "../http/router.ts";
import { assessmentReport } from "../reports/assessment.ts";
import { provinceProjection } from "../reports/projection.ts";
import { provinceUsageDetail, usageOverview } from "../usage/overview.ts";
import type { CostBreakdownOut, ItemsReportOut } from "../costs/contract.ts";
import { ITEMS_CSV, itemsReport } from "../costs/items-report.ts";
import type { LineKind } from "../costs/lines.ts";
import { facilityCosts, provinceCosts } from "../costs/read.ts";
import { COSTS_CSV, CostsSection, ITEM_KINDS, ItemRows } from "./costs.tsx";
import { ProjectionChart } from "./reports.tsx";
import { lateReportPage, outlierReportPage } from "./report-pages.tsx";
import { dictionaries } from "./i18n.ts";
import { PageError, problemMessage } from "./problems.ts";
import {
  AsOf,
  facilityColumns,
  Layout,
  LoginPage,
  OverviewPage,
  overviewColumns,
  ProvincePage,
  type ProvinceView,
  ScopePicker,
} from "./pages.tsx";
import { BacklogTables, backlogTable } from "./backlog.tsx";
import { CutsSection, cutFacilityColumns, cutRuleColumns, findingsHref } from "./assessment.tsx";
import { batchesPage, batchPage, hospitalHome } from "./hospital.tsx";
import { type Column, Downloads, exportFormat, type ExportFormat, exportRows, exportTable } from "./tables.tsx";
import { endSession, langOf, startSession } from "./session.ts";
import { claimPage, claimsListPage, decideFromPage, documentFromPage } from "./claims.tsx";
import { provinceChoices, checkCsrf, type Ctx, type Kit, orNotFound, page, type Page, render, yearOf } from "./kit.tsx";

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

/** National staff and provinces: usage by province. A hospital lands on its own workplace. */
async function overview(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx, ["central", "province", "facility"]);
  if (pageData instanceof Response) return pageData;
  if (pageData.caller.role === "facility") return hospitalHome(kit, ctx, pageData);
  const { deps } = kit;
  const year = yearOf(ctx, deps.clock.now());
  const usage = await usageOverview(deps, pageData.caller, year);
  const format = exportFormat(ctx);
  if (format) return exportTable(format, overviewColumns(pageData.w, pageData.lang), usage.provinces, `usage-${year}`);
  const threshold =
    deps.rules.usage.thresholds.find((t) => t.ratio === "0.85")?.ratio ?? deps.rules.usage.thresholds[0]!.ratio;
  return render(
    ctx,
    pageData,
    pageData.w.overview,
    <OverviewPage
      w={pageData.w}
      lang={pageData.lang}
      year={year}
      thisYear={vietnamYearMonth(deps.clock.now()).year}
      asOf={usage.asOf}
      rows={usage.provinces}
      threshold={threshold}
    />,
  );
}

async function provincePage(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx);
  if (pageData instanceof Response) return pageData;
  const { deps } = kit;
  const year = yearOf(ctx, deps.clock.now());
  const code = ctx.req.param("code") ?? "";
  const usage = /^\d{2}$/.test(code) ? await orNotFound(provinceUsageDetail(deps, pageData.caller, code, year)) : null;
  if (!usage) return render(ctx, pageData, pageData.w.notFound, <p class="error">{pageData.w.notFound}</p>, 404);
  const alerts = (await listAlerts(deps, pageData.caller, { province: code, year, limit: 100 })).data.filter(
    (alert) => alert.status !== "resolved",
  );
  const back = `/dashboard/provinces/${code}?year=${year}`;
  const alertsContext = await alertContext(kit, pageData, alerts, { back });
  const backlog = await backlogReport(deps, pageData.caller, { province: code, year });
  const cuts = await assessmentReport(deps, pageData.caller, { year, province: code });
  const now = deps.clock.now();
  const download = exportFormat(ctx);
  if (download) return provinceDownload(pageData, ctx.req.query("table") ?? "", download, { usage, backlog, cuts });
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
      thisYear={vietnamYearMonth(now).year}
      asOf={now.toISOString()}
      throughMonth={throughMonth}
      projection={<ProjectionChart p={projection} w={pageData.w} lang={pageData.lang} />}
      costs={costs}
      alerts={
        <>
          <StepDone w={pageData.w} done={ctx.req.query("done")} />
          <AlertTable w={pageData.w} lang={pageData.lang} alerts={alerts} context={alertsContext} />
          <Downloads w={pageData.w} href={`/dashboard/alerts?province=${code}&year=${year}`} />
        </>
      }
      backlog={<BacklogTables w={pageData.w} lang={pageData.lang} backlog={backlog} downloads={back} />}
      cuts={<CutsSection w={pageData.w} lang={pageData.lang} report={cuts} downloads={back} />}
    />,
  );
}

/** One of a province page's tables (`?table=`) as CSV or XLSX; an unknown table is 404. */
function provinceDownload(
  pageData: Page,
  table: string,
  format: ExportFormat,
  data: {
    usage: ProvinceView;
    backlog: Awaited<ReturnType<typeof backlogReport>>;
    cuts: Awaited<ReturnType<typeof assessmentReport>>;
  },
) {
  const { w: words, lang } = pageData;
  const name = `${table}-${data.usage.provinceCode}-${data.usage.year}`;
  if (table === "facilities") return exportTable(format, facilityColumns(words, lang), data.usage.byFacility, name);
  if (table === "cuts-rules") return exportTable(format, cutRuleColumns(words, lang), data.cuts.byRule, name);
  if (table === "cuts-facilities")
    return exportTable(format, cutFacilityColumns(words, lang), data.cuts.byFacility, name);
  const backlog = backlogTable(words, lang, data.backlog, table);
  if (!backlog) throw new Problem(404, "not_found", "no such table");
  return exportTable(format, backlog.columns as Column<unknown>[], backlog.rows, name);
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
      <AsOf w={pageData.w} at={deps.clock.now()} />
      <ScopePicker
        w={pageData.w}
        year={year}
        thisYear={vietnamYearMonth(deps.clock.now()).year}
        action={`/dashboard/facilities/${code}`}
      />
      <p>
        <a href={`/dashboard/claims?facility=${code}&year=${year}`}>{pageData.w.openClaims}</a>
        {" · "}
        <a href={findingsHref(code, year)}>{pageData.w.hasFindings}</a>
      </p>
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
  const provinces = pageData.caller.role === "central" ? await provinceChoices(kit, pageData.caller) : null;
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
      <AsOf w={words} at={kit.deps.clock.now()} />
      <ScopePicker
        w={words}
        year={report.year}
        thisYear={vietnamYearMonth(kit.deps.clock.now()).year}
        action="/dashboard/items"
        province={provinces ? { value: filters.province, choices: provinces } : undefined}
        keep={{ kind: filters.kind, facility: filters.facility, sort: filters.sort }}
      />
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
      <Downloads
        w={words}
        href={`/dashboard/items.csv?${query(report.sort)}`}
        xlsx={`/dashboard/items.xlsx?${query(report.sort)}`}
      />
    </>,
  );
}

/** The items view as CSV or XLSX, for the signed-in reviewer (the API answers the same CSV to a key). */
async function itemsDownload(kit: Kit, ctx: Ctx, format: ExportFormat) {
  const pageData = await page(kit, ctx);
  if (pageData instanceof Response) return pageData;
  const report = await itemsReport(kit.deps, pageData.caller, {
    ...itemFilters(ctx, kit.deps.clock.now()),
    limit: 500,
  });
  return exportRows(format, ITEMS_CSV, report.items, `items-${report.year}`);
}

/** A province's or facility's cost groups as CSV or XLSX. */
async function costsDownload(kit: Kit, ctx: Ctx, of: "province" | "facility", format: ExportFormat) {
  const pageData = await page(kit, ctx);
  if (pageData instanceof Response) return pageData;
  const code = ctx.req.param("code") ?? "";
  const year = yearOf(ctx, kit.deps.clock.now());
  const read = of === "province" ? provinceCosts : facilityCosts;
  const costs = /^\d{2}$|^\d{5}$/.test(code) ? await read(kit.deps, pageData.caller, code, { year }) : null;
  if (!costs) throw new Problem(404, "not_found", `${of} not found`);
  return exportRows(format, COSTS_CSV, costs.groups, `costs-${code}-${costs.year}`);
}

/** Browsers get a page, not problem+json: the same status, a short message, a way back. */
function errorPage(kit: Kit, err: Error, ctx: Ctx) {
  const known = err instanceof Problem || err instanceof PageError;
  if (!known && isClientAbort(ctx, err)) return clientAborted(kit.deps.logger, ctx.get("requestId"));
  const lang = langOf(ctx);
  const words = dictionaries[lang];
  const status = known ? err.status : 500;
  if (!known)
    kit.deps.logger.error("dashboard error", { requestId: ctx.get("requestId"), error: err.stack ?? String(err) });
  const message =
    err instanceof PageError
      ? err.message
      : err instanceof Problem
        ? status === 404
          ? words.notFound
          : problemMessage(err, lang).message
        : `${words.unexpected} ${ctx.get("requestId")}`;
  return ctx.html(
    <Layout w={words} lang={lang} title={words.errorTitle} url={ctx.req.url}>
      <h1>{words.errorTitle}</h1>
      <p class="error" role="alert">
        {message}
      </p>
      <p>
        <a href="/dashboard">{words.home}</a>
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
  app.get("/provinces/:code/costs.csv", (ctx) => costsDownload(kit, ctx, "province", "csv"));
  app.get("/provinces/:code/costs.xlsx", (ctx) => costsDownload(kit, ctx, "province", "xlsx"));
  app.get("/facilities/:code", (ctx) => facilityPage(kit, ctx));
  app.get("/facilities/:code/costs.csv", (ctx) => costsDownload(kit, ctx, "facility", "csv"));
  app.get("/facilities/:code/costs.xlsx", (ctx) => costsDownload(kit, ctx, "facility", "xlsx"));
  app.get("/claims", (ctx) => claimsListPage(kit, ctx));
  app.get("/batches", (ctx) => batchesPage(kit, ctx));
  app.get("/batches/:batchId", (ctx) => batchPage(kit, ctx));
  app.get("/claims/:facilityCode/:claimId", (ctx) => claimPage(kit, ctx));
  app.post("/claims/:facilityCode/:claimId/decision", (ctx) => decideFromPage(kit, ctx));
  app.post("/claims/:facilityCode/:claimId/documents", (ctx) => documentFromPage(kit, ctx));
  app.get("/items", (ctx) => itemsPage(kit, ctx));
  app.get("/items.csv", (ctx) => itemsDownload(kit, ctx, "csv"));
  app.get("/items.xlsx", (ctx) => itemsDownload(kit, ctx, "xlsx"));
  app.get("/alerts", (ctx) => alertsPage(kit, ctx));
  app.get("/reports/late", (ctx) => lateReportPage(kit, ctx));
  app.get("/reports/outliers", (ctx) => outlierReportPage(kit, ctx));
  app.post("/alerts/:id/transition", (ctx) => transition(kit, ctx));
  app.onError((err, ctx) => errorPage(kit, err, ctx));
  return app;
}
