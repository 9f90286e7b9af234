import { z } from "@hono/zod-openapi";
import { Dec, moneyText, plainDecimal } from "../domain/money.ts";

/** Shared input and output pieces of the contract (docs/api.md "Conventions"). */
export const ProvinceCode = z
  .string()
  .length(2)
  .regex(/^[0-9]{2}$/, "must be 2 digits")
  .openapi({ example: "01" });
export const FacilityCode = z
  .string()
  .length(5)
  .regex(/^[0-9]{5}$/, "must be 5 digits")
  .openapi({ example: "01001" });
export const Year = z.coerce.number().int().min(2000).max(2100).openapi({ example: 2026, format: "int32" });

// What a client may send: a decimal string, or a JSON number whose shortest text has at most two decimals.
const moneyDoc = {
  anyOf: [
    { type: "string" as const, pattern: "^-?[0-9]{1,16}(\\.[0-9]{1,2})?$", maxLength: 40 },
    { type: "number" as const, minimum: -1e16, maximum: 1e16 },
  ],
  example: "280000",
  description:
    "VND: a decimal string (preferred), or a JSON number with at most 2 decimals (send amounts of 90 trillion or " +
    "more as strings)",
};

/**
 * A decimal input field: a decimal string or a JSON number whose text `textOf` accepts (null: refused with `code` and
 * `message`). `parse` makes what the schema gives: a Dec, or the plain text where thousands are only stored and
 * summed once (a claim's lines).
 */
function decimalInput<T>(input: {
  textOf: (value: unknown) => string | null;
  code: string;
  message: string;
  /** The specifics of `message`, for its Vietnamese (problem-messages.ts). */
  params?: Record<string, boolean>;
  parse: (text: string) => T;
  doc: object;
}) {
  return z
    .unknown()
    .transform((value, ctx) => {
      if (value === undefined) {
        ctx.addIssue({ code: "custom", params: { code: "required" }, message: "required" });
        return z.NEVER;
      }
      const text = input.textOf(value);
      if (text === null) {
        ctx.addIssue({ code: "custom", params: { ...input.params, code: input.code }, message: input.message });
        return z.NEVER;
      }
      return input.parse(text);
    })
    .openapi(input.doc);
}

/** A money input field: a decimal string or a number with at most 2 decimals, checked exactly. */
const moneyInput = <T>(allowNegative: boolean, message: string, example: string, parse: (text: string) => T) =>
  decimalInput({
    textOf: (value) => moneyText(value, { allowNegative }),
    code: "invalid_money",
    message,
    params: { signed: allowNegative },
    parse,
    doc: { ...moneyDoc, example },
  });

const MONEY_MESSAGE =
  'must be a non-negative amount with at most 2 decimals, e.g. "280000" (send amounts of 90 trillion or more as ' +
  "strings)";
/** Money input, never negative. */
export const Money = moneyInput(false, MONEY_MESSAGE, "280000", (text) => new Dec(text));

/** Money input of a cost line: as Money, kept as its plain decimal text (a claim carries thousands of lines). */
export const LineMoney = moneyInput(false, MONEY_MESSAGE, "280000", plainDecimal);

/** Money input that may be negative (estimate adjustments). */
export const SignedMoney = moneyInput(
  true,
  'must be an amount with at most 2 decimals, e.g. "-5000000"',
  "-5000000",
  (text) => new Dec(text),
);

const MEASURE = /^[0-9]{1,15}(\.[0-9]{1,3})?$/;

/** A quantity's or unit price's text (see Measure): null when the value is not one. */
export function measureText(value: unknown): string | null {
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  return typeof text === "string" && MEASURE.test(text.trim()) ? text.trim() : null;
}

/**
 * A quantity or unit price (SO_LUONG, DON_GIA): non-negative, at most 3 decimals as the XML tables round them, as
 * a decimal string or a JSON number. Kept as its plain decimal text (nothing sums it on the way in: a line is stored
 * and hashed as text, and Dec is made where it is added up).
 */
export const Measure = decimalInput({
  textOf: measureText,
  code: "invalid_number",
  message: 'must be a number >= 0 with at most 3 decimals, e.g. "1.5"',
  parse: plainDecimal,
  doc: {
    anyOf: [
      { type: "string", pattern: "^[0-9]{1,15}(\\.[0-9]{1,3})?$", maxLength: 19 },
      { type: "number", minimum: 0, maximum: 1e15 },
    ],
    example: "2",
  },
});

/**
 * Text the service writes back: names (at most 200 on the way in), reasons and notes (2,000), codes, ids,
 * messages. Bounded so a client can size its buffers.
 */
export const Text = z.string().max(2000);

/** A whole number the service writes: counts, years, months, indexes, versions, days, hours (all non-negative). */
export const Count = z.number().int().min(0).max(2_147_483_647).openapi({ format: "int32" });

/** Money as the service writes it: numeric(18,2) as a decimal string. */
export const MoneyOut = z
  .string()
  .max(22)
  .regex(/^-?[0-9]+(\.[0-9]{1,2})?$/)
  .openapi({ example: "280000" });
/** A quantity or unit price as the service writes it: numeric(18,3) as a decimal string. */
export const DecimalOut = z
  .string()
  .max(22)
  .regex(/^[0-9]+(\.[0-9]{1,3})?$/)
  .openapi({ example: "1.5" });

export const RatioOut = z
  .string()
  .max(24)
  .regex(/^-?[0-9]+(\.[0-9]+)?$/)
  .openapi({ example: "0.8512" });
/** A change against an earlier figure, (now - then) / then (domain/money.ts `change`); null when then was zero. */
export const ChangeOut = RatioOut.nullable().openapi({
  description: "(this - then) / then, 4 decimals rounded half up; null when then was zero",
});
export const Timestamp = z.string().max(30).openapi({ example: "2026-03-01T04:00:00.000Z", format: "date-time" });

/** Strings of the service's own making (codes, messages): bounded so a client can size its buffers. */
const Code = z.string().max(64);
const Message = z.string().max(2000);

export const Problem = z
  .object({
    type: z.string().max(200),
    title: z.string().max(200),
    status: z.number().int().min(400).max(599).openapi({ format: "int32" }),
    code: Code,
    detail: Message,
    requestId: z.string().max(100),
    errors: z
      .array(z.object({ path: z.string().max(500), code: Code, message: Message }).openapi("FieldError"))
      .max(1000)
      .optional(),
  })
  .openapi("Problem", {
    description:
      "An RFC 9457 problem. `title`, `detail` and each `errors[].message` are for people: in Vietnamese when the " +
      "request's Accept-Language prefers `vi`, in English otherwise (Content-Language says which). `type`, " +
      "`status`, `code` and `errors[].path` and `.code` are the same in every language: program against them.",
  });

export const seconds = (description: string, minimum: number, required = false) => ({
  description,
  required,
  schema: { type: "integer" as const, format: "int32", minimum, maximum: 10_000_000 },
});

/** Every /v1 answer may be read by a page of any origin: the API is authorised by bearer keys, never cookies. */
const cors = {
  "Access-Control-Allow-Origin": {
    description: "Always `*`",
    required: true,
    schema: { type: "string" as const, enum: ["*"] },
  },
};

/**
 * The RateLimit-* headers every answer to a request with a key carries while limits are on (rules/limits.json
 * `enabled`); for a request without a valid key, the client address's failed sign-ins. src/limits.
 */
const rateLimitHeaders = {
  ...cors,
  "RateLimit-Limit": seconds("Requests (or failed sign-ins) this minute's budget allows", 1),
  "RateLimit-Remaining": seconds("What is left of it", 0),
  "RateLimit-Reset": seconds("Seconds until the minute ends and the budget refills", 1),
} as const;

type Headers = Record<string, (typeof rateLimitHeaders)[keyof typeof rateLimitHeaders]>;

/** A problem answer; `headers` default to those of every /v1 answer. */
export const problem = (description: string, headers: Headers = rateLimitHeaders) => ({
  description,
  headers,
  content: { "application/problem+json": { schema: Problem } },
});

/** The problems every authenticated route may give, for the OpenAPI document (docs/api.md "Errors"). */
export const readProblems = {
  401: problem("No or unknown key"),
  403: problem("The key's role or scope may not do this"),
  404: problem("Unknown, or outside the key's scope"),
  422: problem("Validation failed; `errors` names each field"),
  429: problem("The key's budget for this minute is spent; retry after Retry-After seconds", {
    ...rateLimitHeaders,
    "Retry-After": seconds("Seconds until the budget refills", 1, true),
  }),
  500: problem("A bug: the body has only the status and the requestId to quote", cors),
  503: problem("The database is down or busy past the service's bounds; nothing was stored; retry", {
    ...cors,
    "Retry-After": seconds("Seconds to wait before retrying", 1, true),
  }),
} as const;

/** ... and the ones a request with a body may give besides. */
export const problems = {
  400: problem("Malformed JSON"),
  ...readProblems,
  409: problem("Conflict"),
  413: problem("Body too large"),
  415: problem("Content type is not application/json"),
} as const;

/**
 * A submission's problem answers, each saying that it refuses the whole submission with nothing stored, and why
 * (`why` overrides the general description per status): a client generated from the document knows which answers
 * leave nothing to look up, as against claims rejected one by one inside a stored batch.
 */
export function refusingWhole(
  what: string,
  why: Partial<Record<keyof typeof problems, string>>,
): { [S in keyof typeof problems]: (typeof problems)[S] } {
  return Object.fromEntries(
    Object.entries(problems).map(([status, answer]) => [
      status,
      {
        ...answer,
        description: `${what} is refused whole, nothing of it stored: ${why[status as never] ?? answer.description}`,
      },
    ]),
  ) as never;
}

/** A JSON answer; `headers` default to those of every /v1 answer. */
export const json = <T extends z.ZodType>(schema: T, description = "OK", headers: Headers = rateLimitHeaders) => ({
  description,
  headers,
  content: { "application/json": { schema } },
});

/** A report as JSON, or as CSV with `Accept: text/csv` (one line per row). */
export const jsonOrCsv = <T extends z.ZodType>(schema: T, csv: string) => ({
  ...json(schema),
  content: {
    "application/json": { schema },
    // One line per facility (12,000-odd nationally) of a few hundred characters: well under this.
    "text/csv": { schema: z.string().openapi({ description: csv, maxLength: 100_000_000 }) },
  },
});

/** An answer with no body. */
export const noContent = (description: string) => ({ description, headers: rateLimitHeaders });

/** A JSON request body, named in the document's components so a generated client has a type for it. */
export const jsonBody = <T extends z.ZodType>(schema: T, name?: string) => ({
  required: true,
  content: { "application/json": { schema: name ? schema.openapi(name) : schema } },
});

/** A page of a list: at most 500 items (the largest `limit`), and the cursor of the next page. */
export const listOf = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ data: z.array(item).max(500), nextCursor: z.string().max(500).nullable() }).openapi(name);

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
