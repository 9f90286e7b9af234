import { z } from "@hono/zod-openapi";
import { parseMoney } from "../domain/money.ts";

/** Shared input and output pieces of the contract (docs/api.md "Conventions"). */
export const ProvinceCode = z
  .string()
  .regex(/^\d{2}$/, "must be 2 digits")
  .openapi({ example: "01" });
export const FacilityCode = z
  .string()
  .regex(/^\d{5}$/, "must be 5 digits")
  .openapi({ example: "01001" });
export const Year = z.coerce.number().int().min(2000).max(2100).openapi({ example: 2026 });

const moneyDoc = {
  type: "string",
  example: "280000",
  description: "VND as a decimal string (a number with at most 2 decimals is accepted)",
} as const;

/** A money input field: a decimal string or a number with at most 2 decimals, parsed exactly. */
function moneyInput(allowNegative: boolean, message: string, example: string) {
  return z
    .unknown()
    .transform((input, ctx) => {
      if (input === undefined) {
        ctx.addIssue({ code: "custom", params: { code: "required" }, message: "required" });
        return z.NEVER;
      }
      const amount = parseMoney(input, { allowNegative });
      if (amount === null) {
        ctx.addIssue({ code: "custom", params: { code: "invalid_money" }, message });
        return z.NEVER;
      }
      return amount;
    })
    .openapi({ ...moneyDoc, example });
}

/** Money input, never negative. */
export const Money = moneyInput(
  false,
  'must be a non-negative amount with at most 2 decimals, e.g. "280000" (send amounts of 90 trillion or more as ' +
    "strings)",
  "280000",
);

/** Money input that may be negative (estimate adjustments). */
export const SignedMoney = moneyInput(true, 'must be an amount with at most 2 decimals, e.g. "-5000000"', "-5000000");

export const MoneyOut = z.string().openapi({ example: "280000" });
export const RatioOut = z.string().openapi({ example: "0.8512" });
export const Timestamp = z.string().openapi({ example: "2026-03-01T04:00:00.000Z", format: "date-time" });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: Problem } },
});

/** The error responses every authenticated route may give, for the OpenAPI document. */
export const problems = {
  400: problem("Malformed JSON"),
  401: problem("No or unknown key"),
  403: problem("The key's role may not do this"),
  404: problem("Unknown, or outside the key's scope"),
  409: problem("Conflict"),
  413: problem("Body too large"),
  415: problem("Content type is not application/json"),
  422: problem("Validation failed; `errors` names each field"),
} as const;

export const json = <T extends z.ZodType>(schema: T, description = "OK") => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() });

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
