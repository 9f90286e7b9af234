import { z } from "@hono/zod-openapi";
import { Dec, decimal, formatMoney } from "../domain/money.ts";
import type { FieldError } from "../domain/field-errors.ts";
import { LineMoney, Measure } from "../http/schemas.ts";
import { addLine, type ItemSum } from "./items.ts";
import type { CostRules } from "./rules.ts";

/**
 * A claim's cost lines (docs/domain.md "Lines, cost groups and assessment"): drugs from XML2, services and supplies
 * from XML3, or the same sent as JSON. Pure: shapes and sums, no database.
 */
export const LINE_KINDS = ["drug", "service", "supply"] as const;
export type LineKind = (typeof LINE_KINDS)[number];

/** The most lines one claim may carry: a long inpatient stay runs to a few thousand. */
export const MAX_LINES = 5000;

/** The longest text each field of a line may have (after trimming): the schema's bounds, read by line-input.ts too. */
export const LINE_TEXT_MAX = { instant: 40, itemCode: 255, name: 1024, bidInfo: 50, staff: 255 } as const;
/** MA_NHOM as sent: one or two digits. */
export const COST_GROUP_CODE = /^[0-9]{1,2}$/;

const Instant = z.iso
  .datetime({ offset: true, message: "must be an RFC 3339 time with offset, e.g. 2026-03-01T08:00:00+07:00" })
  .max(LINE_TEXT_MAX.instant);

const Text50 = z.string().trim().min(1).max(LINE_TEXT_MAX.bidInfo);
/** Codes as the XML tables write them: up to 255 characters, several separated by ";". */
const Staff = z.string().trim().min(1).max(LINE_TEXT_MAX.staff);

export const ClaimLineSchema = z
  .object({
    kind: z.enum(LINE_KINDS).openapi({ description: "drug (XML2), service or supply (XML3)" }),
    itemCode: z
      .string()
      .trim()
      .min(1)
      .max(LINE_TEXT_MAX.itemCode)
      .openapi({ description: "MA_THUOC, MA_DICH_VU or MA_VAT_TU: the item's code in the Ministry's common codes" }),
    name: z
      .string()
      .trim()
      .min(1)
      .max(LINE_TEXT_MAX.name)
      .optional()
      .openapi({ description: "TEN_THUOC, TEN_DICH_VU, TEN_VAT_TU" }),
    costGroup: z
      .string()
      .regex(COST_GROUP_CODE, 'must be a MA_NHOM code like "4"')
      // "04" and "4" are one group.
      .transform((code) => String(Number(code)))
      .openapi({ maxLength: 2, description: "MA_NHOM (rules/costs.json lists the groups: GET /v1/rules)" }),
    quantity: Measure.openapi({ description: "SO_LUONG, at most 3 decimals" }),
    unitPrice: Measure.openapi({ description: "DON_GIA (DON_GIA_BV for services), at most 3 decimals" }),
    amount: LineMoney.openapi({ description: "THANH_TIEN_BV: what the line costs" }),
    insurance: LineMoney.openapi({ description: "T_BHTT: the fund's part of the line" }),
    orderedAt: Instant.optional().openapi({ description: "NGAY_YL: when it was ordered" }),
    executedAt: Instant.optional().openapi({ description: "NGAY_TH_YL: when the order was carried out" }),
    insuredPrice: Measure.optional().openapi({
      description:
        "DON_GIA_BH (services and supplies): the unit price the fund pays on, checked against the approved price; " +
        "unitPrice when not sent",
    }),
    bidInfo: Text50.optional().openapi({ description: "TT_THAU (drugs, supplies): the tender the item was bought at" }),
    orderedBy: Staff.optional().openapi({
      description: "MA_BAC_SI: practising certificate numbers of who ordered it, separated by ;",
    }),
    performedBy: Staff.optional().openapi({
      description: "NGUOI_THUC_HIEN (services): practising certificate numbers of who performed it, separated by ;",
    }),
    serviceCode: Staff.optional().openapi({
      description: "for a supply, MA_DICH_VU of its XML3 row: the service it was used in",
    }),
  })
  .strict()
  .openapi("ClaimLine");

export type ClaimLine = z.output<typeof ClaimLineSchema>;

/** What the lines are checked against: the claim's totals, and the XML1 subtotals when sent. */
export interface ClaimTotals {
  total: Dec;
  insurance: Dec;
  /** T_THUOC: the drug lines' amounts. */
  drugs?: Dec | undefined;
  /** T_VTYT: the supply lines' amounts. */
  supplies?: Dec | undefined;
}

/** A line's decimals, parsed once: what its sums, its items and automated assessment read. */
export interface LineValues {
  quantity: Dec;
  /** THANH_TIEN_BV */
  amount: Dec;
  /** T_BHTT */
  insurance: Dec;
}

const addTo = (sums: Map<string, Dec>, key: string, value: Dec) => {
  const sum = sums.get(key);
  sums.set(key, sum ? sum.plus(value) : value);
};

const totalOf = (parts: Iterable<Dec>) => {
  let total = new Dec(0);
  for (const part of parts) total = total.plus(part);
  return total;
};

/** What a claim's lines add up to, as the official tables define the sums (what XML1's totals must equal). */
export interface LineTotals {
  /** Every line's amount (T_TONGCHI_BV). */
  amount: Dec;
  /** Every line's insurance (T_BHTT). */
  insurance: Dec;
  /** The drug lines' amounts (T_THUOC). */
  drugs: Dec;
  /** The supply lines' amounts (T_VTYT). */
  supplies: Dec;
}

/**
 * What the lines add up to, in one pass, each decimal parsed once: the sums the official tables define (every line's
 * amount and insurance, the drugs' and supplies' amounts), the insurance by cost group (the weights a claim's
 * counted amount is split by), the sums by item, and each line's parsed values. The totals are summed by kind and
 * by group first (exact decimals: the order of the additions does not change a sum).
 */
export function lineSums(lines: readonly ClaimLine[]): LineTotals & {
  weights: Map<string, Dec>;
  items: Map<string, ItemSum>;
  values: LineValues[];
} {
  const byKind = new Map<string, Dec>();
  const weights = new Map<string, Dec>();
  const items = new Map<string, ItemSum>();
  const values: LineValues[] = new Array(lines.length);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const parsed = {
      // Quantities repeat across lines ("1", "2" ...): each text is parsed once.
      quantity: decimal(line.quantity),
      amount: new Dec(line.amount),
      insurance: new Dec(line.insurance),
    };
    values[index] = parsed;
    addTo(byKind, line.kind, parsed.amount);
    addTo(weights, line.costGroup, parsed.insurance);
    addLine(items, line, parsed.amount, parsed.insurance, parsed.quantity);
  }
  return {
    amount: totalOf(byKind.values()),
    insurance: totalOf(weights.values()),
    drugs: byKind.get("drug") ?? new Dec(0),
    supplies: byKind.get("supply") ?? new Dec(0),
    weights,
    items,
    values,
  };
}

/**
 * Where the lines do not add up to the claim's totals, each named by the total's field (relative to the claim),
 * as the official tables define them: T_TONGCHI_BV the sum of THANH_TIEN_BV, T_BHTT of the lines' T_BHTT, T_THUOC of
 * the drugs, T_VTYT of the supplies. None for a claim without lines.
 */
export function linesMismatches(
  lines: readonly ClaimLine[],
  totals: ClaimTotals,
  sums = lineSums(lines),
): FieldError[] {
  if (lines.length === 0) return [];
  const checks: Array<[string, Dec | undefined, Dec, string]> = [
    ["amounts.total", totals.total, sums.amount, "the lines' amounts"],
    ["amounts.insurance", totals.insurance, sums.insurance, "the lines' insurance amounts"],
    ["amounts.drugs", totals.drugs, sums.drugs, "the drug lines' amounts"],
    ["amounts.supplies", totals.supplies, sums.supplies, "the supply lines' amounts"],
  ];
  return checks
    .filter(([, stated, summed]) => stated !== undefined && !stated.equals(summed))
    .map(([path, stated, summed, what]) => ({
      path,
      code: "lines_mismatch",
      message: `${what} add up to ${formatMoney(summed)}, not ${formatMoney(stated!)}`,
    }));
}

/** The cost group codes of each rules object, made once. */
const knownGroups = new WeakMap<CostRules, Set<string>>();

/** Lines filed under a cost group the rules do not know, named by their place (relative to the claim). */
export function unknownCostGroups(lines: readonly ClaimLine[], rules: CostRules): FieldError[] {
  let known = knownGroups.get(rules);
  if (!known) knownGroups.set(rules, (known = new Set(rules.costGroups.map((group) => group.code))));
  const unknown: FieldError[] = [];
  lines.forEach((line, index) => {
    if (!known.has(line.costGroup))
      unknown.push({
        path: `lines[${index}].costGroup`,
        code: "unknown_cost_group",
        message: `unknown cost group; allowed: ${[...known].join(", ")}`,
      });
  });
  return unknown;
}

/**
 * The line checks of one claim, paths relative to it: an unknown cost group rejects the claim; lines that do not add
 * up reject it or only flag it, as the rules say. With the weights its counted amount is split by, its items, each
 * line's parsed values and the lines' totals.
 */
export function checkLines(
  lines: readonly ClaimLine[],
  totals: ClaimTotals,
  rules: CostRules,
): {
  errors: FieldError[];
  warnings: FieldError[];
  weights: Map<string, Dec>;
  items: Map<string, ItemSum>;
  values: LineValues[];
  totals: LineTotals;
} {
  const sums = lineSums(lines);
  const mismatches = linesMismatches(lines, totals, sums);
  const rejecting = rules.linesMismatch === "reject";
  return {
    errors: [...unknownCostGroups(lines, rules), ...(rejecting ? mismatches : [])],
    warnings: rejecting ? [] : mismatches,
    weights: sums.weights,
    items: sums.items,
    values: sums.values,
    totals: sums,
  };
}

/**
 * A line as the claim's row keeps it (claim.lines) and as its content hash reads it: one tuple, in this order.
 * A tuple, not an object: a claim has ~20 lines and the keys would be most of what PostgreSQL parses and stores.
 */
export type StoredLine = [
  kind: LineKind,
  itemCode: string,
  name: string | null,
  costGroup: string,
  quantity: string,
  unitPrice: string,
  amount: string,
  insurance: string,
  orderedAt: string | null,
  // What assessment reads besides (issue 23); left off a line without them, so its content hash is what it was.
  executedAt?: string | null,
  insuredPrice?: string | null,
  bidInfo?: string | null,
  orderedBy?: string | null,
  performedBy?: string | null,
  serviceCode?: string | null,
];

/** An instant already written as toISOString writes it, but for +00:00 in place of Z (seconds with milliseconds). */
const UTC_MILLISECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(?:Z|\+00:00)$/;

/**
 * A checked instant in UTC as toISOString writes it. One already so written (but for +00:00 in place of Z, as
 * hospitals' systems often send) is taken as it is, without a Date: a claim's lines carry thousands of times.
 */
const utc = (instant: string | undefined) => {
  if (!instant) return null;
  if (UTC_MILLISECONDS.test(instant)) return instant.length === 24 ? instant : `${instant.slice(0, 23)}Z`;
  return new Date(instant).toISOString();
};

/** The tuple of a checked line: decimals as plain text, times in UTC, trailing empty fields left off. */
export function storedLine(line: ClaimLine): StoredLine {
  const tuple: StoredLine = [
    line.kind,
    line.itemCode,
    line.name ?? null,
    line.costGroup,
    line.quantity,
    line.unitPrice,
    line.amount,
    line.insurance,
    utc(line.orderedAt),
    utc(line.executedAt),
    line.insuredPrice ?? null,
    line.bidInfo ?? null,
    line.orderedBy ?? null,
    line.performedBy ?? null,
    line.serviceCode ?? null,
  ];
  while (tuple.length > 9 && tuple[tuple.length - 1] === null) tuple.pop();
  return tuple;
}

/** A stored claim's lines as the API shows them; none for a claim sent without lines. */
export function linesFromStored(stored: unknown) {
  return ((stored ?? []) as StoredLine[]).map((line) => {
    const [kind, itemCode, name, costGroup, quantity, unitPrice, amount, insurance, orderedAt] = line;
    const [executedAt, insuredPrice, bidInfo, orderedBy, performedBy, serviceCode] = line.slice(9);
    return {
      kind,
      itemCode,
      name,
      costGroup,
      quantity,
      unitPrice,
      amount: formatMoney(amount),
      insurance: formatMoney(insurance),
      orderedAt,
      executedAt: executedAt ?? null,
      insuredPrice: insuredPrice ?? null,
      bidInfo: bidInfo ?? null,
      orderedBy: orderedBy ?? null,
      performedBy: performedBy ?? null,
      serviceCode: serviceCode ?? null,
    };
  });
}
