import { z } from "@hono/zod-openapi";
import { ChangeOut, Text, Count, MoneyOut, RatioOut, Timestamp, Year } from "../http/schemas.ts";

/** What the usage routes answer: spending against each province's estimate. */
const ROUNDING = "4 decimals, rounded half up from the unrounded values";

export const UsageQuery = z.object({
  year: Year.optional().openapi({ description: "financial (calendar) year in Vietnam time; default: the current one" }),
});

export const ProvinceUsage = z
  .object({
    provinceCode: Text,
    name: Text,
    estimate: MoneyOut.nullable().openapi({
      description: "the estimate total (initial + adjustments); null when none is set",
    }),
    spent: MoneyOut.openapi({
      description:
        'insurance amounts of the year\'s claims not denied (approved amount where decided); "0" when nothing was ' +
        "claimed",
    }),
    pendingDocumentationAmount: MoneyOut.openapi({
      description: "the part of `spent` whose claims still wait for documents",
    }),
    ratio: RatioOut.nullable().openapi({
      description: `spent / estimate, ${ROUNDING}; null without an estimate or with an estimate of zero`,
    }),
    proposedCuts: MoneyOut.openapi({
      description:
        "what automated assessment proposes to cut of the claims not yet decided (they count in `spent` at their " +
        "claimed amount until decided): GET /v1/reports/assessment has them by rule and facility",
    }),
    ratioIfUpheld: RatioOut.nullable().openapi({
      description: `(spent − proposedCuts) / estimate, ${ROUNDING}: the ratio should every proposed cut be upheld`,
    }),
    elapsedRatio: RatioOut.openapi({
      description: "share of the Vietnam-time year passed at asOf, 0 to 1, 4 decimals rounded half up",
    }),
    projectedRatio: RatioOut.nullable().openapi({
      description:
        `projected year-end spending / estimate, ${ROUNDING}: a chain-ladder on the arrival triangle ` +
        `(claims not yet received developed to ultimate, then the same pace for the rest of the year), or the pace ` +
        `method (spent / exact elapsed share) while history is short; GET /v1/provinces/{code}/projection shows ` +
        `which and the figures. null when no time of the year has passed or without a positive estimate`,
    }),
    openAlerts: Count.openapi({
      description: "alerts of this province and year not yet resolved (open or acknowledged), of any kind",
    }),
    acknowledgedAlerts: Count.openapi({
      description: "of those, the ones acknowledged (a reviewer has seen them; not yet resolved)",
    }),
    previousYear: z
      .object({
        year: Count,
        through: Count.max(12).openapi({ description: "months 1 to this one are compared (this year's so far)" }),
        spent: MoneyOut.openapi({ description: "spent in those months of the previous year" }),
        ratio: RatioOut.nullable().openapi({ description: "that spending over the previous year's estimate" }),
        change: ChangeOut,
      })
      .openapi({ description: "the same months of the previous year, beside this year's" }),
  })
  .openapi("ProvinceUsage");

export const UsageList = z
  .object({
    year: Count,
    asOf: Timestamp,
    provinces: z.array(ProvinceUsage).max(100).openapi({
      description: "sorted by ratio descending (compared unrounded), provinces without a ratio last, then by code",
    }),
  })
  .openapi("Usage");

export const ProvinceUsageDetail = ProvinceUsage.extend({
  year: Count,
  asOf: Timestamp,
  byFacility: z
    .array(
      z.object({
        facilityCode: Text,
        name: Text.nullable(),
        spent: MoneyOut,
        share: RatioOut.nullable().openapi({
          description: `the facility's spent / the province's spent, ${ROUNDING}; null when the province spent nothing`,
        }),
        previousSpent: MoneyOut.openapi({ description: "in this province, the same months of the previous year" }),
        change: ChangeOut,
      }),
    )
    .max(100_000)
    .openapi({ description: "facilities with claims this year, largest spent first (then by code)" }),
  byMonth: z
    .array(z.object({ month: z.number().int().min(1).max(12).openapi({ format: "int32" }), spent: MoneyOut }))
    .max(12)
    .openapi({
      description: 'all 12 months of the year by discharge month (Vietnam time), "0" for a month without spending',
    }),
}).openapi("ProvinceUsageDetail");
