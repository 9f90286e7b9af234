import { createRoute, z } from "@hono/zod-openapi";
import { callerOf } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { router } from "../http/router.ts";
import { ProvinceCode, jsonOrCsv, readProblems } from "../http/schemas.ts";
import {
  ASSESSMENT_FACILITY_CSV,
  ASSESSMENT_RULE_CSV,
  AssessmentQuery,
  AssessmentReport,
  assessmentReport,
} from "./assessment.ts";
import { CSV_NOTE, csvResponse, toCsv, wantsCsv } from "./csv.ts";
import { LATE_CSV, LateQuery, LateReport, lateSubmissionReport } from "./late.ts";
import { OUTLIER_CSV, OutlierQuery, OutlierReport, outlierReport } from "./outliers.ts";
import {
  PROJECTION_CSV,
  ProjectionQuery,
  ProvinceProjection,
  projectionCsvRows,
  provinceProjection,
} from "./projection.ts";

/** JSON by default; CSV (Vietnamese headers, UTF-8 with BOM) with `Accept: text/csv`. */

const lateRoute = createRoute({
  operationId: "getLateSubmissionsReport",
  method: "get",
  path: "/reports/late-submissions",
  tags: ["Reports"],
  summary:
    "Facilities ranked by their share of late claims (central: all; province: its facilities; facility: its own " +
    "row)",
  description: [
    "For the claims discharged in the year (and month) in scope: by facility, how many, how many flagged " +
      "`late_submission`, the median and 90th percentile of hours from discharge to first receipt, and how many " +
      "flagged `citizen_id_mismatch`. Provinces are each claim's accounting province (a merged province's " +
      "claims count for its successor from the merger on).",
    CSV_NOTE,
  ].join("\n\n"),
  request: { query: LateQuery },
  responses: { 200: jsonOrCsv(LateReport, "one line per facility"), ...readProblems },
});

const outliersRoute = createRoute({
  operationId: "getOutliersReport",
  method: "get",
  path: "/reports/outliers",
  tags: ["Reports"],
  summary:
    "Facilities whose insured amount per claim stands far above their peers (central: all; province: its " +
    "facilities; facility: its own)",
  description: [
    "Each facility's mean claimed insurance amount per claim, by visit type, against the other facilities of the " +
      "same visit type in its province and nationally: robust z = 0.6745 (x - median) / MAD, in decimals. A " +
      "facility is an outlier when either score reaches rules.reports.outlierScore; one with fewer than " +
      "minClaimsForScore claims is listed as too few to score; a peer group with fewer than minPeersForScore " +
      "scored facilities gives no score. Each row also shows the share of the facility's claims flagged " +
      "`possible_duplicate`.",
    CSV_NOTE,
  ].join("\n\n"),
  request: { query: OutlierQuery },
  responses: { 200: jsonOrCsv(OutlierReport, "one line per facility and visit type"), ...readProblems },
});

const assessmentRoute = createRoute({
  operationId: "getAssessmentReport",
  method: "get",
  path: "/reports/assessment",
  tags: ["Reports"],
  summary:
    "What automated assessment proposes to cut, by rule and by facility against its province's others (central: " +
    "all; province: its own; facility: its own)",
  description: [
    "The findings of the claims discharged in the year and what they cut, read from the running aggregates: by " +
      "rule (its name, action, findings, claims, amount and the part on claims not yet decided) and by facility " +
      "with findings (its claims of the year, findings, amount, the cut per 1,000 claims, and the same for the " +
      "other facilities of its accounting province pooled, with the ratio of the two). Provinces are each claim's " +
      "accounting province.",
    CSV_NOTE + " `table=rules` makes the CSV one line per rule (default: one per facility).",
  ].join("\n\n"),
  request: { query: AssessmentQuery },
  responses: {
    200: jsonOrCsv(AssessmentReport, "one line per facility, or per rule with table=rules"),
    ...readProblems,
  },
});

const projectionRoute = createRoute({
  operationId: "getProvinceProjection",
  method: "get",
  path: "/provinces/{code}/projection",
  tags: ["Reports"],
  summary: "Year-end spending projection of a province, counting claims not yet received (central, or its province)",
  description: [
    "A chain-ladder on the arrival triangle (discharge month x months of delay) develops what has been received " +
      "to ultimate; the part of the year not yet discharged is added at the same pace. With too little history " +
      "(rules.projection.minHistoryMonths) the pace method is used and the response says so. docs/projection.md " +
      "states the method and its limits. The usage responses' projectedRatio is this projection. An unknown " +
      "province, or another than a province key's own, is 404; facility keys 403.",
    CSV_NOTE,
  ].join("\n\n"),
  request: { params: z.object({ code: ProvinceCode }), query: ProjectionQuery },
  responses: {
    200: jsonOrCsv(ProvinceProjection, "one line per discharge month so far, then one for the year"),
    ...readProblems,
  },
});

/**
 * Inspection targeting: late senders, cost outliers, automated assessment's proposed cuts, and the year-end
 * projection behind usage.
 */
export function reportsRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(lateRoute, async (ctx) => {
    const report = await lateSubmissionReport(deps, callerOf(ctx), ctx.req.valid("query"));
    if (wantsCsv(ctx.req.header("accept")))
      return csvResponse(toCsv(LATE_CSV, report.facilities), `late-submissions-${report.year}.csv`);
    return ctx.json(report, 200);
  });
  app.openapi(outliersRoute, async (ctx) => {
    const report = await outlierReport(deps, callerOf(ctx), ctx.req.valid("query"));
    if (wantsCsv(ctx.req.header("accept")))
      return csvResponse(toCsv(OUTLIER_CSV, report.facilities), `outliers-${report.year}.csv`);
    return ctx.json(report, 200);
  });
  app.openapi(assessmentRoute, async (ctx) => {
    const { table, ...query } = ctx.req.valid("query");
    const report = await assessmentReport(deps, callerOf(ctx), query);
    if (!wantsCsv(ctx.req.header("accept"))) return ctx.json(report, 200);
    if (table === "rules")
      return csvResponse(toCsv(ASSESSMENT_RULE_CSV, report.byRule), `assessment-rules-${report.year}.csv`);
    return csvResponse(toCsv(ASSESSMENT_FACILITY_CSV, report.byFacility), `assessment-${report.year}.csv`);
  });
  app.openapi(projectionRoute, async (ctx) => {
    const query = { code: ctx.req.valid("param").code, year: ctx.req.valid("query").year };
    const report = await provinceProjection(deps, callerOf(ctx), query);
    if (wantsCsv(ctx.req.header("accept")))
      return csvResponse(
        toCsv(PROJECTION_CSV, projectionCsvRows(report)),
        `projection-${report.provinceCode}-${report.year}.csv`,
      );
    return ctx.json(report, 200);
  });
  return app;
}
