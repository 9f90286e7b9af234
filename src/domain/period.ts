/**
 * Years, months and days are counted in Vietnam time (UTC+7, no daylight
 * saving): a claim discharged at 2026-12-31T18:00:00Z belongs to 2027.
 */
import { Dec, fixed } from "./money.ts";

export const VIETNAM_OFFSET_MS = 7 * 3600_000;

/**
 * The first discharge year the service keeps claims of: the claim tables hold one partition a year from it on
 * (prisma/migrations/20261208020000_claims_by_year; the periodic marking adds the next year's ahead of time).
 */
export const FIRST_CLAIM_YEAR = 2020;

/** A province's calendar year: the unit estimates, spending and alerts are kept by. */
export interface ProvinceYear {
  provinceCode: string;
  year: number;
}

export interface YearMonth {
  year: number;
  month: number; // 1-12
}

export function vietnamYearMonth(at: Date): YearMonth {
  const local = new Date(at.getTime() + VIETNAM_OFFSET_MS);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1 };
}

/**
 * The months of `year` that have begun at `now` in Vietnam time: up to this month in the current year, all of a past
 * one, none of a future one. Comparisons with the previous year take the same months.
 */
export function monthsShown(year: number, now: Date): number {
  const current = vietnamYearMonth(now);
  return year === current.year ? current.month : year < current.year ? 12 : 0;
}

/** The instant a Vietnam-time calendar year starts. */
export function yearStart(year: number): Date {
  return new Date(Date.UTC(year, 0, 1) - VIETNAM_OFFSET_MS);
}

/** Share of the Vietnam-time year that has passed at `now`, 0 to 1, 4 decimals as a string. */
export function elapsedRatio(year: number, now: Date): string {
  const start = yearStart(year).getTime();
  const end = yearStart(year + 1).getTime();
  const clamped = Math.min(Math.max(now.getTime(), start), end);
  // Millisecond counts are exact integers; the division is decimal.
  return fixed(new Dec(clamped - start).div(end - start), 4);
}

/** Whole Vietnam-time days between two instants (how long a claim has waited). */
export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / 86_400_000);
}
