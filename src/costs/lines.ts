import { z } from "@hono/zod-openapi";
import { Dec, formatMoney } from "../domain/money.ts";
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

const Instant = z.iso
  .datetime({ offset: true, message: "must be an RFC 3339 time with offset, e.g. 2026-03-01T08:00:00+07:00" })
  .max(40);

const Text50 = z.string().trim().min(1).max(50);
/** Codes as the XML tables write them: up to 255 characters, several separated by ";". */
const Staff = z.string().trim().min(1).max(255);

export const ClaimLineSchema = z
  .object({
    kind: z.enum(LINE_KINDS).openapi({ description: "drug (XML2), service or supply (XML3)" }),
    itemCode: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .openapi({ description: "MA_THUOC, MA_DICH_VU or MA_VAT_TU: the item's code in the Ministry's common codes" }),
    name: z.string().trim().min(1).max(1024).optional().openapi({ description: "TEN_THUOC, TEN_DICH_VU, TEN_VAT_TU" }),
    costGroup: z
      .string()
      .regex(/^[0-9]{1,2}$/, 'must be a MA_NHOM code like "4"')
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

/**
 * What the lines add up to, in one pass, each amount parsed once: the sums the official tables define (every line's
 * amount and insurance, the drugs' and supplies' amounts), the insurance by cost group (the weights a claim's
 * counted amount is split by), and the sums by item.
 */
export function lineSums(lines: readonly ClaimLine[]) {
  let amount = new Dec(0);
  let insurance = new Dec(0);
  let drugs = new Dec(0);
  let supplies = new Dec(0);
  const weights = new Map<string, Dec>();
  const items = new Map<string, ItemSum>();
  for (const line of lines) {
    const lineAmount = new Dec(line.amount);
    const lineInsurance = new Dec(line.insurance);
    amount = amount.plus(lineAmount);
    insurance = insurance.plus(lineInsurance);
    if (line.kind === "drug") drugs = drugs.plus(lineAmount);
    else if (line.kind === "supply") supplies = supplies.plus(lineAmount);
    const weight = weights.get(line.costGroup);
    weights.set(line.costGroup, weight ? weight.plus(lineInsurance) : lineInsurance);
    addLine(items, line, lineAmount, lineInsurance);
  }
  return { amount, insurance, drugs, supplies, weights, items };
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
  return lines.flatMap((line, index) =>
    known.has(line.costGroup)
      ? []
      : [
          {
            path: `lines[${index}].costGroup`,
            code: "unknown_cost_group",
            message: `unknown cost group; allowed: ${[...known].join(", ")}`,
          },
        ],
  );
}

/**
 * The line checks of one claim, paths relative to it: an unknown cost group rejects the claim; lines that do not add
 * up reject it or only flag it, as the rules say. With the weights its counted amount is split by, and its items.
 */
export function checkLines(
  lines: readonly ClaimLine[],
  totals: ClaimTotals,
  rules: CostRules,
): { errors: FieldError[]; warnings: FieldError[]; weights: Map<string, Dec>; items: Map<string, ItemSum> } {
  const sums = lineSums(lines);
  const mismatches = linesMismatches(lines, totals, sums);
  const rejecting = rules.linesMismatch === "reject";
  return {
    errors: [...unknownCostGroups(lines, rules), ...(rejecting ? mismatches : [])],
    warnings: rejecting ? [] : mismatches,
    weights: sums.weights,
    items: sums.items,
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

const utc = (instant: string | undefined) => (instant ? new Date(instant).toISOString() : null);

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
