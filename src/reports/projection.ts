import { z } from "@hono/zod-openapi";
import { type Caller, canSeeProvince, requireRole } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { type YearProjection, projectYear, projectedUsageOf } from "../domain/chain-ladder.ts";
import { fixed, formatMoney } from "../domain/money.ts";
import { elapsedRatio, vietnamYearMonth } from "../domain/period.ts";
import { notFound } from "../http/problem.ts";
import { Text, Count, MoneyOut, RatioOut, Timestamp, Year } from "../http/schemas.ts";
import { loadTriangles } from "../spending/triangle.ts";
import * as sql from "./sql.ts";
import type { CsvColumn } from "./csv.ts";

type Deps = Pick<AppDeps, "db" | "clock" | "rules">;

export const ProjectionQuery = z.object({
  year: Year.optional().openapi({ description: "financial (calendar) year in Vietnam time; default the current one" }),
});

const money2 = (d: { toString(): string }) => formatMoney(fixed(d.toString(), 2));

export const ProvinceProjection = z
  .object({
    provinceCode: Text,
    name: Text,
    year: Count,
    asOf: Timestamp,
    method: z.enum(["chain_ladder", "pace"]).openapi({
      description:
        "`chain_ladder` (arrivals developed to ultimate, then pace for the rest of the year) or `pace` (spent / " +
        "elapsed share) when history is too short",
    }),
    fallbackReason: Text.nullable().openapi({ description: "why the pace method was used; null for the chain-ladder" }),
    estimate: MoneyOut.nullable(),
    spent: MoneyOut.openapi({ description: "spending of the year so far (the usage figure)" }),
    elapsedRatio: RatioOut,
    receivedToDate: MoneyOut.openapi({
      description: "amounts of the year's claims received so far, as the triangle counts them (equal to spent)",
    }),
    notYetReceived: MoneyOut.openapi({
      description: "estimate of claims already discharged but not yet received (0 under the pace method), 2 decimals",
    }),
    notYetDischarged: MoneyOut.openapi({
      description: "pace estimate for the part of the year still to come, 2 decimals",
    }),
    projectedYearEnd: MoneyOut.nullable().openapi({
      description: "receivedToDate + notYetReceived + notYetDischarged, 2 decimals; null before the year starts",
    }),
    projectedRatio: RatioOut.nullable().openapi({
      description:
        "projectedYearEnd / estimate, 4 decimals from unrounded values; null without a positive estimate. The figure " +
        "usage shows.",
    }),
    history: z.object({
      originMonths: Count.openapi({
        description: "discharge months in the window with at least one complete month of arrivals",
      }),
      minHistoryMonths: Count,
      historyMonths: Count,
      maxDelayMonths: Count,
    }),
    developmentFactors: z
      .array(
        z.object({
          fromDelay: Count,
          toDelay: Count,
          factor: Text.openapi({ example: "1.042311", description: "6 decimals" }),
          origins: Count,
        }),
      )
      .max(120)
      .openapi({
        description:
          "volume-weighted: sum C(o, d + 1) / sum C(o, d) over the complete pairs of the window; 1 (origins 0) where " +
          "none exists. Empty under the pace method.",
      }),
    months: z
      .array(
        z.object({
          month: Count,
          received: MoneyOut,
          completeDelay: Count.nullable().openapi({
            description: "delay column at the end of last month; null for the current month",
          }),
          basis: MoneyOut.openapi({
            description: "what is developed: received by the end of last month (the current month: so far)",
          }),
          toUltimate: Text.openapi({ description: "product of the factors from that column on, 6 decimals" }),
          developed: MoneyOut.openapi({ description: "basis x toUltimate, never below received; 2 decimals" }),
        }),
      )
      .max(120)
      .openapi({ description: "the year's discharge months so far (chain-ladder only)" }),
  })
  .openapi("ProvinceProjection");
export type ProvinceProjection = z.infer<typeof ProvinceProjection>;

/**
 * The year-end projection of several provinces in one read of the stored
 * triangle (never the claims): what usage shows as projectedRatio.
 * `rows` carry each province's spent and estimate total.
 */
export async function projectionsOf(
  deps: Deps,
  rows: readonly { provinceCode: string; spent: string; estimate: string | null }[],
  year: number,
): Promise<Map<string, { projection: YearProjection; ratio: string | null }>> {
  const now = deps.clock.now();
  const cells = await loadTriangles(
    deps.db.sql,
    rows.map((r) => r.provinceCode),
    year,
    now,
    deps.rules.projection,
  );
  return new Map(
    rows.map((row) => {
      const projection = projectYear({
        year,
        now,
        spent: row.spent,
        cells: cells.get(row.provinceCode) ?? [],
        rules: deps.rules.projection,
      });
      const usage = projectedUsageOf(projection, row.estimate);
      return [row.provinceCode, { projection, ratio: usage === null ? null : fixed(usage, 4) }];
    }),
  );
}

/** Just the projected ratios (4 decimals or null), by province code. */
export async function projectedRatios(
  deps: Deps,
  rows: readonly { provinceCode: string; spent: string; estimate: string | null }[],
  year: number,
): Promise<Map<string, string | null>> {
  return new Map([...(await projectionsOf(deps, rows, year))].map(([k, v]) => [k, v.ratio]));
}

/**
 * One province's year-end projection with the figures behind it (central, or
 * that province; otherwise or unknown: 404; facility 403). Two statements on
 * the aggregates (spending and estimate; the triangle).
 */
export async function provinceProjection(
  deps: Deps,
  caller: Caller,
  query: { code: string; year?: number | undefined },
): Promise<ProvinceProjection> {
  requireRole(caller, "central", "province");
  if (!canSeeProvince(caller, query.code)) throw notFound("province");
  const now = deps.clock.now();
  const year = query.year ?? vietnamYearMonth(now).year;
  const [row] = await deps.db.sql.query<{ provinceCode: string; name: string; spent: string; estimate: string | null }>(
    sql.PROVINCE_FIGURES,
    [query.code, year],
  );
  if (!row) throw notFound("province");
  const { projection: projection, ratio } = (await projectionsOf(deps, [row], year)).get(row.provinceCode)!;
  const rules = deps.rules.projection;
  return {
    provinceCode: row.provinceCode,
    name: row.name,
    year,
    asOf: now.toISOString(),
    method: projection.method,
    fallbackReason: projection.fallbackReason,
    estimate: row.estimate === null ? null : formatMoney(row.estimate),
    spent: formatMoney(row.spent),
    elapsedRatio: elapsedRatio(year, now),
    receivedToDate: money2(projection.received),
    notYetReceived: money2(projection.notYetReceived),
    notYetDischarged: money2(projection.notYetDischarged),
    projectedYearEnd: projection.projectedYearEnd && money2(projection.projectedYearEnd),
    projectedRatio: ratio,
    history: {
      originMonths: projection.historyMonths,
      minHistoryMonths: rules.minHistoryMonths,
      historyMonths: rules.historyMonths,
      maxDelayMonths: rules.maxDelayMonths,
    },
    developmentFactors: projection.factors.map((f) => ({
      fromDelay: f.fromDelay,
      toDelay: f.toDelay,
      factor: fixed(f.factor, 6),
      origins: f.origins,
    })),
    months: projection.months.map((m) => ({
      month: m.month,
      received: money2(m.received),
      completeDelay: m.completeDelay,
      basis: money2(m.basis),
      toUltimate: fixed(m.toUltimate, 6),
      developed: money2(m.developed),
    })),
  };
}

/** CSV lines: one per discharge month so far, then the year (method, estimates and projection). */
export interface ProjectionCsvRow {
  period: string;
  received: string;
  completeDelay: number | null;
  toUltimate: string | null;
  developed: string | null;
  notYetReceived: string | null;
  notYetDischarged: string | null;
  projectedYearEnd: string | null;
  projectedRatio: string | null;
  method: string | null;
}

export function projectionCsvRows(projection: ProvinceProjection): ProjectionCsvRow[] {
  const method = projection.method === "chain_ladder" ? "Chain-ladder" : "Theo tốc độ chi (pace)";
  return [
    ...projection.months.map((m) => ({
      period: `${projection.year}-${String(m.month).padStart(2, "0")}`,
      received: m.received,
      completeDelay: m.completeDelay,
      toUltimate: m.toUltimate,
      developed: m.developed,
      notYetReceived: null,
      notYetDischarged: null,
      projectedYearEnd: null,
      projectedRatio: null,
      method: null,
    })),
    {
      period: String(projection.year),
      received: projection.receivedToDate,
      completeDelay: null,
      toUltimate: null,
      developed: null,
      notYetReceived: projection.notYetReceived,
      notYetDischarged: projection.notYetDischarged,
      projectedYearEnd: projection.projectedYearEnd,
      projectedRatio: projection.projectedRatio,
      method,
    },
  ];
}

export const PROJECTION_CSV: CsvColumn<ProjectionCsvRow>[] = [
  { header: "Kỳ (tháng ra viện / năm)", value: (r) => r.period },
  { header: "Đã nhận", value: (r) => r.received },
  { header: "Số tháng đã hoàn tất", value: (r) => r.completeDelay },
  { header: "Hệ số phát triển đến cuối", value: (r) => r.toUltimate },
  { header: "Ước tính khi nhận đủ", value: (r) => r.developed },
  { header: "Ước tính chưa nhận", value: (r) => r.notYetReceived },
  { header: "Ước tính các tháng chưa ra viện", value: (r) => r.notYetDischarged },
  { header: "Dự báo chi cả năm", value: (r) => r.projectedYearEnd },
  { header: "Tỷ lệ dự báo so với dự toán", value: (r) => r.projectedRatio },
  { header: "Phương pháp", value: (r) => r.method },
];
