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

/** `1234567.5` -> `1.234.568 đ`: pages show whole đồng, as the agency writes them (CSV and the API keep the cents). */
export function vnd(value: DecValue): string {
  return `${groupDigits(value, 0)} đ`;
}

/** English groups with `,` and marks decimals with `.`. */
const toEnglish = (text: string) => text.replace(/\./g, "\u0001").replace(",", ".").replaceAll("\u0001", ",");

/** A count, grouped: `56536` -> `56.536` (English `56,536`). */
export function count(value: number | string, lang: "vi" | "en" = "vi"): string {
  const text = groupDigits(String(value), 0);
  return lang === "en" ? toEnglish(text) : text;
}

/** A decimal with `places` decimals: `16.27` -> `16,3` with one place (English `16.3`); null is a dash. */
export function decimal(value: DecValue | null, places: number, lang: "vi" | "en" = "vi"): string {
  if (value === null) return "—";
  const text = groupDigits(value, places);
  return lang === "en" ? toEnglish(text) : text;
}

/** A ratio as a percentage with two decimals: `0.8512` -> `85,12%`. */
export function percent(ratio: DecValue | null, lang: "vi" | "en" = "vi"): string {
  if (ratio === null) return "—";
  const text = groupDigits(new Dec(ratio).times(100), 2);
  return `${lang === "en" ? toEnglish(text) : text}%`;
}

/** Money in whole đồng in the chosen language: Vietnamese `1.234.567 đ`, English `₫1,234,567`. */
export function money(value: DecValue, lang: "vi" | "en"): string {
  return lang === "vi" ? vnd(value) : `₫${toEnglish(groupDigits(value, 0))}`;
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

/** A date in Vietnam time, `dd/mm/yyyy`. */
export const vnDate = (at: Date | string | null) => vnTime(at).slice(0, 10);
