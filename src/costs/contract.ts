import { z } from "@hono/zod-openapi";
import { LINE_KINDS } from "./lines.ts";
import {
  ChangeOut,
  Count,
  DecimalOut,
  FacilityCode,
  MoneyOut,
  ProvinceCode,
  RatioOut,
  Text,
  Year,
} from "../http/schemas.ts";
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

export const ITEM_SORTS = ["amount", "quantity", "growth"] as const;

export const ItemsQuery = CostsQuery.extend({
  kind: z.enum(LINE_KINDS).optional().openapi({ description: "drug (XML2), service or supply (XML3); default: all" }),
  province: ProvinceCode.optional().openapi({ description: "central only: one province; a province key: its own" }),
  facility: FacilityCode.optional().openapi({ description: "one facility in the caller's scope" }),
  sort: z
    .enum(ITEM_SORTS)
    .default("amount")
    .openapi({ description: "largest amount, largest quantity, or fastest growth of amount against last year" }),
  limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ format: "int32" }),
});

const UnitPrice = DecimalOut.nullable();

export const ItemsReport = z
  .object({
    year: Count,
    through: Count.max(12),
    kind: z.enum(LINE_KINDS).nullable(),
    provinceCode: ProvinceCode.nullable(),
    facilityCode: FacilityCode.nullable(),
    sort: z.enum(ITEM_SORTS),
    items: z
      .array(
        z.object({
          kind: z.enum(LINE_KINDS),
          itemCode: Text.openapi({ description: "MA_THUOC, MA_VAT_TU or MA_DICH_VU" }),
          name: Text.nullable().openapi({ description: "the name its lines gave it" }),
          amount: MoneyOut.openapi({ description: "THANH_TIEN_BV of its lines, this year's months 1 to `through`" }),
          insurance: MoneyOut.openapi({ description: "the fund's part (T_BHTT) of its lines" }),
          quantity: DecimalOut,
          claims: Count.openapi({ description: "claims with at least one line of it" }),
          facilities: Count.openapi({ description: "facilities that used it" }),
          averageUnitPrice: UnitPrice.openapi({ description: "amount / quantity, 3 decimals" }),
          unitPrice: z.object({ lowest: UnitPrice, median: UnitPrice, highest: UnitPrice }).openapi({
            description:
              "the spread of the facilities' own average unit prices (amount / quantity; facilities whose lines say " +
              "quantity 0 have none)",
          }),
          previousYear: z
            .object({ amount: MoneyOut, quantity: DecimalOut, claims: Count })
            .openapi({ description: "the same months of the previous year" }),
          change: ChangeOut,
        }),
      )
      .max(500),
  })
  .openapi("ItemsReport");

export type ItemsReportOut = z.infer<typeof ItemsReport>;
