/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { vietnamYearMonth } from "../domain/period.ts";
import { lateSubmissionReport } from "../reports/late.ts";
import { outlierReport } from "../reports/outliers.ts";
import { count, decimal, percent } from "./format.ts";
import { type Ctx, type Kit, page, type Page, provinceChoices, queryMatching, render, yearOf } from "./kit.tsx";
import { AsOf, ScopePicker } from "./pages.tsx";
import { lateColumns, outlierColumns } from "./reports.tsx";
import { type Column, Downloads, exportFormat, exportTable, SortableTable, sortRows } from "./tables.tsx";

// The inspection reports, as tables sorted on the server by any column, for a year and a province or the nation.

/** What a report page is asked for: year, province, sort and direction. */
function reportQuery(ctx: Ctx, pageData: Page, now: Date) {
  const asked = queryMatching(ctx, "province", /^\d{2}$/);
  return {
    year: yearOf(ctx, now),
    // A province's reviewer sees their own province; the picker is for national staff.
    province: pageData.caller.role === "province" ? pageData.caller.provinceCode : asked,
    sort: ctx.req.query("sort"),
    dir: ctx.req.query("dir") === "asc" ? ("asc" as const) : ("desc" as const),
  };
}
type ReportQuery = ReturnType<typeof reportQuery>;

/** A link to the same report with other parameters. */
const linkTo = (path: string, params: Record<string, string | number | undefined>) =>
  `${path}?${new URLSearchParams(
    Object.entries(params).flatMap(([name, value]) => (value === undefined ? [] : [[name, String(value)]])),
  )}`;

/** The page around a report's table: title, as-of, the year and province pickers, the table, its downloads. */
async function reportPage<Row>(
  kit: Kit,
  ctx: Ctx,
  pageData: Page,
  report: { path: string; title: string; query: ReportQuery; columns: Column<Row>[]; rows: readonly Row[] },
  extra: {
    intro?: Child;
    controls?: Child;
    keep?: Record<string, string | undefined>;
    rowClass?: (row: Row) => string;
  },
) {
  const { w: words } = pageData;
  const { query, columns, path } = report;
  const now = kit.deps.clock.now();
  const params = { year: query.year, province: query.province, ...extra.keep };
  const rows = sortRows(
    report.rows,
    columns.find((column) => column.key === query.sort),
    query.dir,
  );
  const format = exportFormat(ctx);
  if (format) return exportTable(format, columns, rows, `${path.split("/").pop()}-${query.year}`);
  const provinces = pageData.caller.role === "central" ? await provinceChoices(kit, pageData.caller) : null;
  return render(
    ctx,
    pageData,
    report.title,
    <>
      <h1>{`${report.title} ${query.year}${query.province ? ` · ${query.province}` : ""}`}</h1>
      <AsOf w={words} at={now} />
      <ScopePicker
        w={words}
        year={query.year}
        thisYear={vietnamYearMonth(now).year}
        action={path}
        province={provinces ? { value: query.province, choices: provinces } : undefined}
        keep={{ sort: query.sort, dir: query.sort ? query.dir : undefined }}
      >
        {extra.controls}
      </ScopePicker>
      {extra.intro}
      <SortableTable
        columns={columns}
        rows={rows}
        sort={query.sort}
        dir={query.dir}
        link={(sort, dir) => linkTo(path, { ...params, sort, dir })}
        rowClass={extra.rowClass}
      />
      <Downloads w={words} href={linkTo(path, { ...params, sort: query.sort, dir: query.dir })} />
    </>,
  );
}

export async function lateReportPage(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx);
  if (pageData instanceof Response) return pageData;
  const { w: words, lang } = pageData;
  const query = reportQuery(ctx, pageData, kit.deps.clock.now());
  const report = await lateSubmissionReport(kit.deps, pageData.caller, query);
  const { totals } = report;
  return reportPage(
    kit,
    ctx,
    pageData,
    {
      path: "/dashboard/reports/late",
      title: words.lateReport,
      query,
      columns: lateColumns(words, lang),
      rows: report.facilities,
    },
    {
      intro: (
        <p class="headline">
          {`${words.claims}: ${count(totals.claims, lang)} · ${words.late}: ${count(totals.late, lang)} ` +
            `(${percent(totals.lateShare, lang)})`}
        </p>
      ),
    },
  );
}

/** The outliers: every facility and visit type scored, or (`only=outliers`) the outliers alone. */
export async function outlierReportPage(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx);
  if (pageData instanceof Response) return pageData;
  const { w: words, lang } = pageData;
  const query = reportQuery(ctx, pageData, kit.deps.clock.now());
  const only = ctx.req.query("only") === "outliers";
  const report = await outlierReport(kit.deps, pageData.caller, { ...query, list: "all" });
  const rows = only ? report.facilities.filter((row) => row.status === "outlier") : report.facilities;
  return reportPage(
    kit,
    ctx,
    pageData,
    {
      path: "/dashboard/reports/outliers",
      title: words.outlierReport,
      query,
      columns: outlierColumns(words, lang),
      rows,
    },
    {
      intro: (
        <p class="muted">
          {`${words.outlierMeasure(report.rules.minClaimsForScore)} · ${words.score} ≥ ` +
            decimal(report.rules.outlierScore, 1, lang)}
        </p>
      ),
      controls: (
        <label class="check" for="only">
          <input id="only" type="checkbox" name="only" value="outliers" checked={only} />
          {words.outliersOnly}
        </label>
      ),
      keep: { only: only ? "outliers" : undefined },
      rowClass: (row) => (row.status === "outlier" ? "over" : ""),
    },
  );
}
