/**
 * Robust comparison with peers: median, median absolute deviation (MAD) and
 * the robust z-score of Iglewicz and Hoaglin, 0.6745 (x - median) / MAD, which
 * reads like a z-score for normal data but is not dragged by the outliers it
 * is meant to find. Decimal arithmetic throughout.
 */
import { Dec, type DecValue } from "./money.ts";

/** 0.6745: the 75th percentile of the standard normal, so MAD / 0.6745 estimates the standard deviation. */
export const ROBUST_Z_CONSTANT = new Dec("0.6745");

/** The median: the middle value, or the mean of the two middle values; null for no values. */
export function median(values: readonly DecValue[]): Dec | null {
  if (values.length === 0) return null;
  const sorted = values.map((v) => new Dec(v)).sort((a, b) => a.comparedTo(b));
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : sorted[mid - 1]!.plus(sorted[mid]!).div(2);
}

/** The median of the absolute deviations from the median; null for no values. */
export function medianAbsoluteDeviation(
  values: readonly DecValue[],
  center: DecValue | null = median(values),
): Dec | null {
  if (center === null || values.length === 0) return null;
  return median(values.map((v) => new Dec(v).minus(center).abs()));
}

/** 0.6745 (x - median) / MAD; null when MAD is zero (no spread to measure against). */
export function robustZ(value: DecValue, center: DecValue, mad: DecValue): Dec | null {
  const madValue = new Dec(mad);
  if (madValue.isZero()) return null;
  return ROBUST_Z_CONSTANT.times(new Dec(value).minus(center)).div(madValue);
}
