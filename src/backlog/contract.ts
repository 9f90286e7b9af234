import { z } from "@hono/zod-openapi";
import { Text, Count, MoneyOut, ProvinceCode, Timestamp, Year } from "../http/schemas.ts";

/** What GET /v1/backlog answers. */
export const BacklogQuery = z.object({
  province: ProvinceCode.optional().openapi({
    description: "central: one province (default all); a province key may name only its own (another is 404)",
  }),
  year: Year.optional().openapi({
    description:
      "discharge year in Vietnam time; default all years (a claim stays stuck across New Year, and last year's " +
      "backlog is what settlement needs)",
  }),
});

export const Backlog = z
  .object({
    asOf: Timestamp,
    provinceCode: Text.nullable().openapi({ description: "the province covered; null for every province" }),
    year: Count.nullable().openapi({ description: "the discharge year covered; null for every year" }),
    stuckAfterDays: Count.openapi({
      description:
        "rules.timing.stuckAfterDays: a claim pending documentation this many days (24-hour days) is marked stuck " +
        "at " +
        "the next marking",
    }),
    count: Count.openapi({ description: "claims marked stuck (pending documentation, stuck: true)" }),
    amount: MoneyOut.openapi({ description: "their insurance amounts" }),
    pending: z.object({ count: Count, amount: MoneyOut }).openapi({
      description:
        "every claim pending documentation, stuck or not yet (the stuck ones included): the backlog's pipeline",
    }),
    byFacility: z
      .array(
        z.object({
          facilityCode: Text,
          name: Text.nullable(),
          count: Count,
          amount: MoneyOut,
          oldestPendingSince: Timestamp.openapi({
            description: "the longest-waiting stuck claim of the facility has been pending since then",
          }),
        }),
      )
      .max(100_000)
      .openapi({ description: "stuck claims by facility (who must act), largest amount first, then by code" }),
    byMissingDocument: z
      .array(z.object({ type: Text, count: Count, amount: MoneyOut }))
      .max(100)
      .openapi({
        description:
          "stuck claims by missing document type, most claims first, then by type. A claim missing two types counts " +
          "under both, so these do not add up to the totals.",
      }),
    byAge: z
      .array(
        z.object({
          fromDays: Count,
          toDays: Count.nullable(),
          count: Count,
          amount: MoneyOut,
        }),
      )
      .max(100)
      .openapi({
        description:
          "stuck claims by days pending at asOf (calendar days in Vietnam time since the day the claim began " +
          "pending), in the buckets of rules.backlog.ageBucketsDays (fromDays " +
          "inclusive, toDays exclusive, null for the last). Every bucket is listed, empty ones with zeros; they add " +
          "up to count and amount.",
      }),
  })
  .openapi("Backlog");
