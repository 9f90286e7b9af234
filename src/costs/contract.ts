import { z } from "@hono/zod-openapi";
import { ChangeOut, Count, MoneyOut, RatioOut, Text, Year } from "../http/schemas.ts";
import { COST_CATEGORIES } from "./rules.ts";

const Through = z.coerce.number().int().min(1).max(12).openapi({
  format: "int32",
  description: "the last month counted (1-12); default: the current month of the current year, else 12",
});

export const CostsQuery = z.object({
  year: Year.optional().openapi({ description: "financial (calendar) year in Vietnam time; default: the current one" }),
  through: Through.optional(),
});

const Share = RatioOut.nullable().openapi({ description: "of this year's spent, 4 decimals; null when nothing was" });

const Figures = {
  spent: MoneyOut.openapi({ description: "this year, months 1 to `through`" }),
  share: Share,
  previousSpent: MoneyOut.openapi({ description: "the previous year, the same months" }),
  change: ChangeOut,
};

export const CostBreakdown = z
  .object({
    year: Count,
    through: Count.max(12),
    spent: MoneyOut,
    previousSpent: MoneyOut,
    change: ChangeOut,
    groups: z
      .array(
        z.object({
          costGroup: Text.openapi({ description: "MA_NHOM, or `unspecified` for claims sent without lines" }),
          name: Text.openapi({ description: "Vietnamese name (rules/costs.json)" }),
          nameEn: Text,
          category: z.enum([...COST_CATEGORIES, "unspecified"]),
          ...Figures,
        }),
      )
      .max(100)
      .openapi({ description: "largest first this year; groups with spending in either year" }),
    categories: z
      .array(z.object({ category: z.enum([...COST_CATEGORIES, "unspecified"]), ...Figures }))
      .max(20)
      .openapi({
        description: "the groups rolled up: tests, drugs, blood, procedures, supplies, examination, beds ...",
      }),
  })
  .openapi("CostBreakdown");

export type CostBreakdownOut = z.infer<typeof CostBreakdown>;
