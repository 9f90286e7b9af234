import { Decimal } from "decimal.js";
import { memo } from "./memo.ts";

/**
 * Decimal arithmetic for money (VND) and ratios. A private constructor so no
 * other module's settings change ours; exponent notation is pushed out of reach
 * so every string we emit is plain digits.
 */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 40 });
export type Dec = Decimal;
export type DecValue = Decimal.Value;

/**
 * A decimal text as a Dec, made once for each text: Decs are immutable, and a batch's lines repeat their quantities
 * and prices.
 */
export const decimal = memo((text: string) => new Dec(text));

const MAX_EXACT_NUMBER = 2 ** 53 / 100;
const MONEY_STRING = /^\d{1,16}(\.\d{1,2})?$/;
const SIGNED_MONEY_STRING = /^-?\d{1,16}(\.\d{1,2})?$/;

/**
 * A money input's text: a decimal string, or a JSON number with at most two
 * decimals (checked on its shortest round-trip text, so 0.1+0.2 is refused)
 * small enough to be exact (under 90 trillion).
 * Returns null when the value is not acceptable money.
 */
export function moneyText(value: unknown, { allowNegative = false } = {}): string | null {
  let text: string;
  if (typeof value === "string") text = value.trim();
  // Past 2^53 / 100 a JSON number can no longer carry exact cents (it was rounded
  // while parsing, before we saw it): such amounts must come as strings.
  else if (typeof value === "number" && Number.isFinite(value) && Math.abs(value) < MAX_EXACT_NUMBER)
    text = String(value);
  else return null;
  return (allowNegative ? SIGNED_MONEY_STRING : MONEY_STRING).test(text) ? text : null;
}

/** Parses a money input (see moneyText) into a Dec; null when it is not acceptable money. */
export function parseMoney(value: unknown, options: { allowNegative?: boolean } = {}): Dec | null {
  const text = moneyText(value, options);
  return text === null ? null : new Dec(text);
}

/**
 * A checked non-negative decimal text (digits, at most one point) as Dec would print it: no leading zeros, no
 * trailing fraction zeros ("007.50" -> "7.5", "0.000" -> "0"). Made without a Dec: a claim's lines carry thousands.
 */
export function plainDecimal(text: string): string {
  const point = text.indexOf(".");
  let whole = point < 0 ? text : text.slice(0, point);
  let fraction = point < 0 ? "" : text.slice(point + 1);
  let start = 0;
  while (start < whole.length - 1 && whole[start] === "0") start++;
  whole = whole.slice(start) || "0";
  let end = fraction.length;
  while (end > 0 && fraction[end - 1] === "0") end--;
  fraction = fraction.slice(0, end);
  return fraction ? `${whole}.${fraction}` : whole;
}

/** Money out: plain digits, no exponent; two decimals only when there is a fraction. */
export function formatMoney(value: Decimal.Value): string {
  const amount = new Dec(value);
  return amount.isInteger() ? amount.toString() : fixed(amount, 2);
}

/** A decimal string with exactly `places` decimals, rounded half up. */
export function fixed(value: Decimal.Value, places: number): string {
  const amount = new Dec(value).toDecimalPlaces(places, Decimal.ROUND_HALF_UP);
  const [int, frac = ""] = amount.abs().toString().split(".");
  const sign = amount.isNegative() && !amount.isZero() ? "-" : "";
  return places === 0 ? sign + int : `${sign}${int}.${frac.padEnd(places, "0")}`;
}

/** (now - then) / then with 4 decimals: a change against an earlier figure; null when the earlier one is zero. */
export function change(now: Decimal.Value, then: Decimal.Value): string | null {
  return ratio(new Dec(now).minus(then), then);
}

/**
 * A usage ratio with 4 decimals, rounded half up (0.84995 -> "0.8500").
 * Null when there is no estimate to divide by.
 */
export function ratio(numerator: Decimal.Value, denominator: Decimal.Value | null): string | null {
  if (denominator === null) return null;
  const amount = new Dec(denominator);
  if (amount.isZero()) return null;
  return fixed(new Dec(numerator).div(amount), 4);
}
