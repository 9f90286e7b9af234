/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { Hono } from "hono";
import { listAlerts, transitionAlert } from "../alerts/service.ts";
import { type Caller, callerForKey, keyForSecret } from "../auth/caller.ts";
import { backlogReport } from "../backlog/report.ts";
import type { AppDeps } from "../deps.ts";
import { vietnamYearMonth } from "../domain/period.ts";
import { Problem } from "../http/problem.ts";
import type { AppEnv } from "../http/router.ts";
import { lateSubmissionReport } from "../reports/late.ts";
import { outlierReport } from "../reports/outliers.ts";
import { provinceProjection } from "../reports/projection.ts";
import { provinceUsageDetail, usageOverview } from "../usage/overview.ts";
import { lateColumns, outlierColumns, ProjectionChart, SortableTable, sortRows } from "./reports.tsx";
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

/**
 * Server-rendered pages for reviewers and national staff, on the same queries
 * and scope rules as the API: a province reviewer sees only their province.
 */
export function dashboardRoutes(deps: AppDeps, sessionSecret: string) {
  const app = new Hono<AppEnv>();

  app.get("/login", (ctx) => {
    const lang = langOf(ctx);
    const words = dictionaries[lang];
    return ctx.html(
      <Layout w={words} lang={lang} title={words.signIn}>
        <LoginPage w={words} />
      </Layout>,
    );
  });

  app.post("/login", async (ctx) => {
    const lang = langOf(ctx);
    const words = dictionaries[lang];
    const form = await ctx.req.parseBody();
    const key = typeof form.key === "string" ? await keyForSecret(deps.db, form.key.trim()) : null;
    if (!key)
      return ctx.html(
        <Layout w={words} lang={lang} title={words.signIn}>
          <LoginPage w={words} error />
        </Layout>,
        401,
      );
    await startSession(ctx, sessionSecret, key.id, deps.clock.now());
    return ctx.redirect("/dashboard", 303);
  });

  // Everything below needs a session; a POST also needs its CSRF token.
  const page = async (ctx: Context<AppEnv>): Promise<Page | Response> => {
    const lang = langOf(ctx);
    const session = await readSession(ctx, sessionSecret, deps.clock.now());
    const caller = session && (await callerForKey(deps.db, session.keyId));
    if (!session || !caller) return ctx.redirect("/dashboard/login", 303);
    if (caller.role === "facility")
      throw new Problem(403, "forbidden", "the dashboard is for central and provincial reviewers");
    ctx.set("caller", caller);
    return { w: dictionaries[lang], lang, caller, session, csrf: csrfToken(sessionSecret, session) };
  };
  const render = (c: Context<AppEnv>, p: Page, title: string, body: unknown, status: 200 | 404 = 200) =>
    c.html(
      <Layout w={p.w} lang={p.lang} title={title} signedIn={{ csrf: p.csrf, label: label(p.caller) }}>
        {body as never}
      </Layout>,
      status,
    );

  app.post("/logout", async (ctx) => {
    const pageData = await page(ctx);
    if (pageData instanceof Response) return pageData;
    const form = await ctx.req.parseBody();
    if (!validCsrf(sessionSecret, pageData.session, form._csrf))
      throw new Problem(403, "csrf", "the form has expired; reload the page");
    endSession(ctx);
    return ctx.redirect("/dashboard/login", 303);
  });

  app.get("/", async (ctx) => {
    const pageData = await page(ctx);
    if (pageData instanceof Response) return pageData;
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
  });

  app.get("/provinces/:code", async (ctx) => {
    const pageData = await page(ctx);
    if (pageData instanceof Response) return pageData;
    const year = yearOf(ctx, deps.clock.now());
    const code = ctx.req.param("code");
    const usage = /^\d{2}$/.test(code)
      ? await provinceUsageDetail(deps, pageData.caller, code, year).catch((e) =>
          e instanceof Problem && e.status === 404 ? null : Promise.reject(e),
        )
      : null;
    if (!usage) return render(ctx, pageData, pageData.w.notFound, <p class="error">{pageData.w.notFound}</p>, 404);
    const alerts = await listAlerts(deps, pageData.caller, { province: code, year, limit: 100 });
    const backlog = await backlogReport(deps, pageData.caller, { province: code, year });
    const projection = await provinceProjection(deps, pageData.caller, { code, year });
    const back = `/dashboard/provinces/${code}?year=${year}`;
    const today = vietnamYearMonth(deps.clock.now());
    const throughMonth = year < today.year ? 12 : year === today.year ? today.month : 0;
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
        alerts={alerts.data.filter((a) => a.status !== "resolved")}
        backlog={backlog}
        csrf={pageData.csrf}
        back={back}
      />,
    );
  });

  app.get("/alerts", async (ctx) => {
    const pageData = await page(ctx);
    if (pageData instanceof Response) return pageData;
    const query = ctx.req.query();
    const filters = {
      status: ["open", "acknowledged", "resolved"].includes(query.status ?? "") ? (query.status as "open") : undefined,
      kind: ["usage_threshold", "projected_overrun", "stuck_backlog"].includes(query.kind ?? "")
        ? (query.kind as "usage_threshold")
        : undefined,
      province: /^\d{2}$/.test(query.province ?? "") ? query.province : undefined,
      year: /^\d{4}$/.test(query.year ?? "") ? Number(query.year) : undefined,
    };
    const alerts = await listAlerts(deps, pageData.caller, { ...filters, limit: 200 });
    const back = `/dashboard/alerts${new URL(ctx.req.url).search}`;
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
        back={back}
      />,
    );
  });

  // The inspection reports, as tables sorted on the server by any column.
  const sortOf = (c: Context<AppEnv>) => ({
    sort: c.req.query("sort"),
    dir: c.req.query("dir") === "asc" ? ("asc" as const) : ("desc" as const),
  });
  const province = (c: Context<AppEnv>) =>
    /^\d{2}$/.test(c.req.query("province") ?? "") ? c.req.query("province") : undefined;
  const linkTo = (path: string, params: Record<string, string | number | undefined>) => (sort: string, dir: string) =>
    `${path}?${new URLSearchParams(
      Object.entries({ ...params, sort, dir })
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    )}`;

  app.get("/reports/late", async (ctx) => {
    const pageData = await page(ctx);
    if (pageData instanceof Response) return pageData;
    const year = yearOf(ctx, deps.clock.now());
    const report = await lateSubmissionReport(deps, pageData.caller, { year, province: province(ctx) });
    const columns = lateColumns(pageData.w, pageData.lang);
    const { sort, dir } = sortOf(ctx);
    const rows = sortRows(
      report.facilities,
      columns.find((x) => x.key === sort),
      dir,
    );
    return render(
      ctx,
      pageData,
      pageData.w.lateReport,
      <>
        <h1>{`${pageData.w.lateReport} ${year}`}</h1>
        <p>
          {`${pageData.w.claims}: ${report.totals.claims} · ${pageData.w.late}: ${report.totals.late} ` +
            `(${percent(report.totals.lateShare, pageData.lang)})`}
        </p>
        <SortableTable
          columns={columns}
          rows={rows}
          sort={sort}
          dir={dir}
          link={linkTo("/dashboard/reports/late", { year, province: province(ctx) })}
        />
      </>,
    );
  });

  app.get("/reports/outliers", async (ctx) => {
    const pageData = await page(ctx);
    if (pageData instanceof Response) return pageData;
    const year = yearOf(ctx, deps.clock.now());
    const report = await outlierReport(deps, pageData.caller, { year, province: province(ctx), list: "all" });
    const columns = outlierColumns(pageData.w, pageData.lang);
    const { sort, dir } = sortOf(ctx);
    const rows = sortRows(
      report.facilities,
      columns.find((x) => x.key === sort),
      dir,
    );
    return render(
      ctx,
      pageData,
      pageData.w.outlierReport,
      <>
        <h1>{`${pageData.w.outlierReport} ${year}`}</h1>
        <p class="muted">
          {`${pageData.w.outlierMeasure(report.rules.minClaimsForScore)} · ${pageData.w.score} ≥ ` +
            `${report.rules.outlierScore}`}
        </p>
        <SortableTable
          columns={columns}
          rows={rows}
          sort={sort}
          dir={dir}
          link={linkTo("/dashboard/reports/outliers", { year, province: province(ctx) })}
          rowClass={(r) => (r.status === "outlier" ? "over" : "")}
        />
      </>,
    );
  });

  app.post("/alerts/:id/transition", async (ctx) => {
    const pageData = await page(ctx);
    if (pageData instanceof Response) return pageData;
    const form = await ctx.req.parseBody();
    if (!validCsrf(sessionSecret, pageData.session, form._csrf))
      throw new Problem(403, "csrf", "the form has expired; reload the page");
    const action = form.action === "acknowledge" || form.action === "resolve" ? form.action : null;
    const note = typeof form.note === "string" ? form.note.trim() : "";
    if (!action || !note)
      throw new Problem(422, "validation_failed", "choose an action and write a note", [
        { path: "note", code: "required", message: "a note is required" },
      ]);
    await transitionAlert(deps, pageData.caller, ctx.req.param("id"), action, note, ctx.get("requestId"));
    return ctx.redirect(safeBack(form.back), 303);
  });

  // Browsers get a page, not problem+json: the same status, a short message, a way back.
  app.onError((err, ctx) => {
    const lang = langOf(ctx);
    const words = dictionaries[lang];
    const status = err instanceof Problem ? err.status : 500;
    if (!(err instanceof Problem))
      deps.logger.error("dashboard error", {
        requestId: ctx.get("requestId"),
        error: (err as Error).stack ?? String(err),
      });
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
  });

  return app;
}
