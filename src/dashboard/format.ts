import { Dec, type DecValue } from "../domain/money.ts";
import { VIETNAM_OFFSET_MS } from "../domain/period.ts";

/**
 * Vietnamese number formatting: `.` groups thousands, `,` marks decimals.
 * Done on the decimal string, never through a float.
 */
function groupDigits(value: DecValue, places: number): string {
  const amount = new Dec(value).toDecimalPlaces(places, Dec.ROUND_HALF_UP);
  const [int, frac] = amount.abs().toString().split(".");
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  const sign = amount.isNegative() && !amount.isZero() ? "-" : "";
  return sign + grouped + (places > 0 ? `,${(frac ?? "").padEnd(places, "0")}` : "");
}

/** `1234567` -> `1.234.567 ₫`; a fractional amount keeps two decimals (`1.234,50 ₫`). */
export function vnd(value: DecValue): string {
  const amount = new Dec(value);
  return `${groupDigits(amount, amount.isInteger() ? 0 : 2)} ₫`;
}

/** A ratio as a percentage with two decimals: `0.8512` -> `85,12%`. */
export function percent(ratio: DecValue | null, lang: "vi" | "en" = "vi"): string {
  if (ratio === null) return "—";
  const text = groupDigits(new Dec(ratio).times(100), 2);
  return `${lang === "en" ? text.replace(/\./g, "\u00a0").replace(",", ".") : text}%`;
}

/** Money in the chosen language: Vietnamese `1.234.567 ₫`, English `₫1,234,567`. */
export function money(value: DecValue, lang: "vi" | "en"): string {
  if (lang === "vi") return vnd(value);
  const text = vnd(value).replace(" ₫", "");
  return `₫${text.replace(/\./g, "\u0001").replace(",", ".").replaceAll("\u0001", ",")}`;
}

/** A time in Vietnam time, `dd/mm/yyyy HH:MM` (the form used on Vietnamese documents). */
export function vnTime(at: Date | string | null): string {
  if (at === null) return "—";
  const local = new Date(new Date(at).getTime() + VIETNAM_OFFSET_MS);
  const pad2 = (n: number) => String(n).padStart(2, "0");
  return (
    `${pad2(local.getUTCDate())}/${pad2(local.getUTCMonth() + 1)}/${local.getUTCFullYear()} ` +
    `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}`
  );
}
