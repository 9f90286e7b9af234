/**
 * Year-end projection that counts claims not yet received: a chain-ladder on
 * the arrival triangle (discharge month x months of delay), then the pace
 * method for the part of the year not yet discharged. Pure decimal
 * arithmetic; docs/projection.md states the method and its limits.
 *
 * Months are Vietnam-time calendar months. A claim's delay is its receipt
 * month minus its discharge month (0 = received in the month of discharge).
 * "Origin" is a discharge month as a running index (year * 12 + month - 1).
 */
import { Dec, type DecValue } from "./money.ts";
import { vietnamYearMonth } from "./period.ts";
import { elapsedFraction } from "./projection.ts";

/** One cell of the triangle: what claims discharged in (year, month) and received `delay` months later count. */
export interface TriangleCell {
  year: number;
  month: number;
  delay: number;
  amount: DecValue;
}

export interface ChainLadderRules {
  /** Origin months (before the current one) whose development feeds the factors. */
  historyMonths: number;
  /** Fewer origin months with at least one complete month of development than this: fall back to the pace method. */
  minHistoryMonths: number;
  /**
   * Development is followed for this many months; later arrivals count in the last column, assumed complete after it.
   */
  maxDelayMonths: number;
}

export interface DevelopmentFactor {
  /** C(delay + 1) / C(delay), volume-weighted over `origins` origin months; 1 where no origin has both. */
  fromDelay: number;
  toDelay: number;
  factor: Dec;
  origins: number;
}

export interface MonthDevelopment {
  month: number;
  /** Everything received so far for the month, the current receipt month's arrivals included. */
  received: Dec;
  /**
   * The delay column of the last complete receipt month (the month before
   * now): 0 for last month's discharges. null for the current discharge
   * month, which has no complete receipt month yet.
   */
  completeDelay: number | null;
  /** What the factors develop: received up to the end of last month; for the current month, received so far. */
  basis: Dec;
  /** Product of the factors from the basis's column to the last one. */
  toUltimate: Dec;
  /** basis x toUltimate, never below what has been received. */
  developed: Dec;
}

export interface YearProjection {
  method: "chain_ladder" | "pace";
  /** Why the pace method was used; null for the chain-ladder. */
  fallbackReason: string | null;
  /** Origin months in the window with at least one complete month of development. */
  historyMonths: number;
  /** Share of the Vietnam-time year passed, exact. */
  elapsed: Dec;
  /** Received to date for the year's discharge months (chain-ladder: from the triangle; pace: spent). */
  received: Dec;
  /** Estimate of claims discharged so far but not yet received. 0 under the pace method. */
  notYetReceived: Dec;
  /** Pace estimate for the part of the year not yet discharged. */
  notYetDischarged: Dec;
  /** null before the year starts (nothing to extrapolate from). */
  projectedYearEnd: Dec | null;
  factors: DevelopmentFactor[];
  /** The year's discharge months so far (chain-ladder only). */
  months: MonthDevelopment[];
}

const originOf = (year: number, month: number) => year * 12 + month - 1;

/** The origin months a projection of `year` at `now` reads: the factor window and the year's own months. */
export function triangleWindow(
  year: number,
  now: Date,
  rules: Pick<ChainLadderRules, "historyMonths">,
): { from: number; to: number } {
  const { year: nowYear, month: nowMonth } = vietnamYearMonth(now);
  const current = originOf(nowYear, nowMonth);
  return {
    from: Math.min(current - rules.historyMonths, originOf(year, 1)),
    to: Math.max(current, originOf(year, 12)),
  };
}

/**
 * Volume-weighted development factors from the complete part of the
 * triangle. The current receipt month is still filling, so a pair
 * (C(o, d), C(o, d + 1)) counts only when receipt month o + d + 1 is over:
 * o + d + 1 <= current - 1. Origins from current - historyMonths on.
 */
export function developmentFactors(
  cumulative: Map<number, Dec[]>,
  current: number,
  rules: ChainLadderRules,
): DevelopmentFactor[] {
  const factors: DevelopmentFactor[] = [];
  for (let delay = 0; delay < rules.maxDelayMonths; delay++) {
    let num = new Dec(0);
    let den = new Dec(0);
    let origins = 0;
    for (let originMonth = current - rules.historyMonths; originMonth <= current - 2 - delay; originMonth++) {
      const cumulativeAmount = cumulative.get(originMonth);
      if (!cumulativeAmount || cumulativeAmount[delay]!.isZero()) continue;
      num = num.plus(cumulativeAmount[delay + 1]!);
      den = den.plus(cumulativeAmount[delay]!);
      origins++;
    }
    factors.push({
      fromDelay: delay,
      toDelay: delay + 1,
      factor: den.gt(0) ? num.div(den) : new Dec(1),
      origins: den.gt(0) ? origins : 0,
    });
  }
  return factors;
}

/**
 * Projects year-end spending of `year` as of `now`:
 *
 * 1. Cumulative amounts C(o, d) by origin month o and delay d (delays beyond
 *    maxDelayMonths folded into the last column).
 * 2. Factors f(d) = sum C(o, d + 1) / sum C(o, d) over the complete pairs of
 *    the window (developmentFactors).
 * 3. Each discharge month o of the year before the current one is valued at
 *    the end of the last complete receipt month: c = current - 1 - o,
 *    developed = C(o, c) x f(c) x ... x f(maxDelayMonths - 1), never below
 *    what has been received (arrivals of the current month are part of what
 *    f(c) expects). The current discharge month has no complete column: what
 *    has arrived so far is developed from column 0.
 * 4. Year end = developed / elapsed share of the year: the developed amount
 *    covers the year up to now, and the rest of the year goes on at its pace
 *    (notYetDischarged = year end - developed). After the year, elapsed = 1
 *    and the year end is the developed amount.
 *
 * With fewer than minHistoryMonths origin months of history it falls back to
 * the pace method on `spent`: spent / elapsed.
 */
type ProjectionInput = {
  year: number;
  now: Date;
  spent: DecValue;
  cells: readonly TriangleCell[];
  rules: ChainLadderRules;
};

/** The triangle read into rows by origin month: received in all, received by the end of last month, by delay. */
function readTriangle(cells: readonly TriangleCell[], current: number, maxDelay: number) {
  const zero = new Dec(0);
  const received = new Map<number, Dec>();
  /** Received by the end of last month (receipt month o + delay < current). */
  const complete = new Map<number, Dec>();
  const incremental = new Map<number, Dec[]>();
  for (const cell of cells) {
    const originMonth = originOf(cell.year, cell.month);
    const delay = Math.max(cell.delay, 0);
    const cappedDelay = Math.min(delay, maxDelay);
    const row = incremental.get(originMonth) ?? Array.from({ length: maxDelay + 1 }, () => new Dec(0));
    row[cappedDelay] = row[cappedDelay]!.plus(cell.amount);
    incremental.set(originMonth, row);
    received.set(originMonth, (received.get(originMonth) ?? zero).plus(cell.amount));
    if (originMonth + delay < current) complete.set(originMonth, (complete.get(originMonth) ?? zero).plus(cell.amount));
  }
  const cumulative = new Map<number, Dec[]>();
  for (const [originMonth, row] of incremental) {
    let sum = new Dec(0);
    cumulative.set(
      originMonth,
      row.map((amount) => (sum = sum.plus(amount))),
    );
  }
  return { received, complete, cumulative };
}

/** The pace method on `spent`, when the history is too short for the chain-ladder. */
function paceProjection(input: ProjectionInput, history: number, elapsed: Dec): YearProjection {
  const spent = new Dec(input.spent);
  const yearEnd = elapsed.gt(0) ? spent.div(elapsed) : null;
  return {
    method: "pace",
    fallbackReason:
      `${history} month(s) of arrival history, fewer than the ${input.rules.minHistoryMonths} the ` +
      `chain-ladder needs (rules: projection.minHistoryMonths)`,
    historyMonths: history,
    elapsed,
    received: spent,
    notYetReceived: new Dec(0),
    notYetDischarged: yearEnd ? yearEnd.minus(spent) : new Dec(0),
    projectedYearEnd: yearEnd,
    factors: [],
    months: [],
  };
}

/** Each discharge month of the year so far, developed to ultimate from what had arrived by the end of last month. */
function developMonths(
  year: number,
  current: number,
  triangle: ReturnType<typeof readTriangle>,
  toUltimate: Dec[],
  maxDelay: number,
): MonthDevelopment[] {
  const zero = new Dec(0);
  const months: MonthDevelopment[] = [];
  const last = Math.min(current, originOf(year, 12));
  for (let originMonth = originOf(year, 1); originMonth <= last; originMonth++) {
    const receivedAmount = triangle.received.get(originMonth) ?? zero;
    const completeDelay = originMonth < current ? current - 1 - originMonth : null;
    const basis = completeDelay === null ? receivedAmount : (triangle.complete.get(originMonth) ?? zero);
    const factor = toUltimate[Math.min(completeDelay ?? 0, maxDelay)]!;
    const developed = Dec.max(basis.times(factor), receivedAmount);
    months.push({
      month: originMonth - originOf(year, 1) + 1,
      received: receivedAmount,
      completeDelay,
      basis,
      toUltimate: factor,
      developed,
    });
  }
  return months;
}

export function projectYear(input: ProjectionInput): YearProjection {
  const { year, now, rules } = input;
  const elapsed = elapsedFraction(year, now);
  const { year: nowYear, month: nowMonth } = vietnamYearMonth(now);
  const current = originOf(nowYear, nowMonth);
  const maxDelay = rules.maxDelayMonths;
  const triangle = readTriangle(input.cells, current, maxDelay);

  let history = 0;
  for (let originMonth = current - rules.historyMonths; originMonth <= current - 2; originMonth++)
    if (triangle.received.get(originMonth)?.gt(0)) history++;
  if (history < rules.minHistoryMonths) return paceProjection(input, history, elapsed);

  const factors = developmentFactors(triangle.cumulative, current, rules);
  const toUltimate = Array.from({ length: maxDelay + 1 }, () => new Dec(1));
  for (let delayIndex = maxDelay - 1; delayIndex >= 0; delayIndex--)
    toUltimate[delayIndex] = toUltimate[delayIndex + 1]!.times(factors[delayIndex]!.factor);

  const months = developMonths(year, current, triangle, toUltimate, maxDelay);
  const total = (amounts: Dec[]) => amounts.reduce((sum, amount) => sum.plus(amount), new Dec(0));
  const receivedToDate = total(months.map((month) => month.received));
  const developed = total(months.map((month) => month.developed));
  const yearEnd = elapsed.gt(0) ? developed.div(elapsed) : null;
  return {
    method: "chain_ladder",
    fallbackReason: null,
    historyMonths: history,
    elapsed,
    received: receivedToDate,
    notYetReceived: developed.minus(receivedToDate),
    notYetDischarged: yearEnd ? yearEnd.minus(developed) : new Dec(0),
    projectedYearEnd: yearEnd,
    factors,
    months,
  };
}

/** Projected year end / estimate, unrounded; null without a projection or a positive estimate. */
export function projectedUsageOf(projection: YearProjection, estimate: DecValue | null): Dec | null {
  if (estimate === null || projection.projectedYearEnd === null) return null;
  const estimateAmount = new Dec(estimate);
  return estimateAmount.gt(0) ? projection.projectedYearEnd.div(estimateAmount) : null;
}
