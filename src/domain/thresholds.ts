/**
 * Which usage thresholds a province's spending has reached: pure decimal
 * arithmetic, no database. The SQL that raises alerts inserts exactly what
 * this decides.
 */
import type { Decimal } from "decimal.js";
import { Dec, fixed } from "./money.ts";

export interface ThresholdRule {
  /** A ratio string from the rules, e.g. "0.85". */
  ratio: string;
  severity: string;
}

export interface Crossing {
  /** The threshold with exactly 4 decimals ("0.8500"), as stored and shown. */
  threshold: string;
  severity: string;
  /** spent / estimate, 4 decimals rounded half up. */
  ratio: string;
}

/** A threshold as stored and keyed: exactly 4 decimals. */
export const thresholdText = (ratio: Decimal.Value): string => fixed(ratio, 4);

/** The key that makes "one live alert per (kind, province, year, threshold)" a unique index. */
export function usageLiveKey(provinceCode: string, year: number, threshold: Decimal.Value): string {
  return `usage_threshold:${provinceCode}:${year}:${thresholdText(threshold)}`;
}

/**
 * The thresholds reached by `spent` against `estimate`, highest first.
 *
 * A threshold is reached when spent >= threshold x estimate, compared exactly
 * (no rounding of the ratio first): 84.996% does not reach 85% even though its
 * displayed ratio is "0.8500". Without an estimate, or with an estimate of
 * zero, there is no ratio and nothing is reached.
 */
export function crossedThresholds(
  spent: Decimal.Value,
  estimate: Decimal.Value | null | undefined,
  thresholds: readonly ThresholdRule[],
): Crossing[] {
  if (estimate === null || estimate === undefined) return [];
  const total = new Dec(estimate);
  if (total.lte(0)) return [];
  const used = new Dec(spent);
  const ratio = fixed(used.div(total), 4);
  return thresholds
    .map((t) => ({ at: new Dec(t.ratio), severity: t.severity }))
    .filter((t) => used.gte(t.at.times(total)))
    .sort((a, b) => b.at.comparedTo(a.at))
    .map((t) => ({ threshold: thresholdText(t.at), severity: t.severity, ratio }));
}
