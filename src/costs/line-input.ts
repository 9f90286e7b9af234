import { moneyText, plainDecimal } from "../domain/money.ts";
import { measureText } from "../http/schemas.ts";
import { type ClaimLine, ClaimLineSchema, COST_GROUP_CODE, LINE_KINDS, LINE_TEXT_MAX } from "./lines.ts";

/**
 * A claim's lines read without the schema when they plainly fit it. A claim carries tens to thousands of lines and the
 * schema's general machinery (a result object per field, an issue list per line) was most of what reading a batch of
 * claims with lines cost. quickLines gives exactly what ClaimLineSchema would (the same fields, trimmed, the decimals
 * as their plain text, the cost group without leading zeros), or null at the first doubt: anything the schema might
 * refuse or read otherwise (a field missing, unknown or explicitly undefined, a value out of bounds) is left to the
 * schema, whose issues are the contract's.
 */

/** The pattern the schema checks its times against (z.iso.datetime's own), read off the schema so they cannot drift. */
const INSTANT: RegExp | null = (() => {
  const pattern = (ClaimLineSchema.shape.orderedAt.unwrap() as unknown as { _zod?: { pattern?: unknown } })._zod
    ?.pattern;
  // Without it (another zod), every line with a time goes to the schema.
  return pattern instanceof RegExp ? pattern : null;
})();

type Read = (value: unknown) => string | null;

const text =
  (max: number): Read =>
  (value) => {
    if (typeof value !== "string") return null;
    const trimmed = value.trim();
    return trimmed.length >= 1 && trimmed.length <= max ? trimmed : null;
  };

const kind: Read = (value) => (LINE_KINDS.includes(value as never) ? (value as string) : null);
const costGroup: Read = (value) =>
  typeof value === "string" && COST_GROUP_CODE.test(value) ? String(Number(value)) : null;
const measure: Read = (value) => {
  const checked = measureText(value);
  return checked === null ? null : plainDecimal(checked);
};
const money: Read = (value) => {
  const checked = moneyText(value);
  return checked === null ? null : plainDecimal(checked);
};
const instant: Read = (value) =>
  typeof value === "string" && value.length <= LINE_TEXT_MAX.instant && INSTANT !== null && INSTANT.test(value)
    ? value
    : null;

/** Each field of ClaimLineSchema in its order, how it is read, and whether it is required. */
const FIELDS: readonly [key: keyof ClaimLine, read: Read, required: boolean][] = [
  ["kind", kind, true],
  ["itemCode", text(LINE_TEXT_MAX.itemCode), true],
  ["name", text(LINE_TEXT_MAX.name), false],
  ["costGroup", costGroup, true],
  ["quantity", measure, true],
  ["unitPrice", measure, true],
  ["amount", money, true],
  ["insurance", money, true],
  ["orderedAt", instant, false],
  ["executedAt", instant, false],
  ["insuredPrice", measure, false],
  ["bidInfo", text(LINE_TEXT_MAX.bidInfo), false],
  ["orderedBy", text(LINE_TEXT_MAX.staff), false],
  ["performedBy", text(LINE_TEXT_MAX.staff), false],
  ["serviceCode", text(LINE_TEXT_MAX.staff), false],
];

/**
 * One line as ClaimLineSchema would give it, or null when it might not. A line sent exactly as the schema gives it
 * (every field already trimmed, its decimals and cost group already plain: the usual case) is taken as it is, not
 * copied: thousands of lines a batch.
 */
export function quickLine(raw: unknown): ClaimLine | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  const input = raw as Record<string, unknown>;
  const line: Record<string, string> = {};
  let read = 0;
  let same = true;
  for (const [key, readField, required] of FIELDS) {
    const value = input[key];
    if (value === undefined) {
      if (required || key in input) return null;
      continue;
    }
    const field = readField(value);
    if (field === null) return null;
    line[key] = field;
    same &&= field === value;
    read++;
  }
  // The schema is strict: a field it does not know refuses the line.
  if (Object.keys(input).length !== read) return null;
  return (same ? input : line) as ClaimLine;
}

/** Every line as the schema would give it, or null when one might not be. */
export function quickLines(raw: readonly unknown[]): ClaimLine[] | null {
  const lines: ClaimLine[] = new Array(raw.length);
  for (let index = 0; index < raw.length; index++) {
    const line = quickLine(raw[index]);
    if (line === null) return null;
    lines[index] = line;
  }
  return lines;
}
