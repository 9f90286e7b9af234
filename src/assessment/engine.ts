import { Dec, fixed } from "../domain/money.ts";
import { bedDaysExceedStay, bedInOutpatient, bedShortStay, examinationRepeated } from "./bed-rules.ts";
import { moneyIdentity } from "./claim-rules.ts";
import { type Context, type Known, prepare, type PreparedLine } from "./context.ts";
import {
  executedBeforeOrder,
  notInApprovedList,
  orderOutsideStay,
  priceAboveApproved,
  staffNotCertified,
  supplyIncludedInService,
} from "./line-rules.ts";
import type { Assessment, AssessmentInput, Finding, Hit, Placeholder } from "./model.ts";
import {
  ASSESSED_KINDS,
  type AssessmentAction,
  type AssessmentRule,
  type AssessmentRules,
  type RuleCode,
  type RuleOf,
} from "./rules.ts";

/**
 * Automated assessment of one claim: pure, no database, no clock. The caller gives the claim's facts, its lines and
 * the facility's catalogue entries for the lines' codes (src/assessment/model.ts), and the rules
 * (rules/assessment.json); the engine gives back its findings, what it proposes to approve, and whether it rejects.
 *
 * The arithmetic (docs/domain.md "Automated assessment: the rules"), exact with decimal.js:
 * - cut_line takes what is left of the line's insurance (T_BHTT);
 * - cut_excess takes the excess share of what is left of it, rounded half up to the cent: for a price,
 *   insurance × (price − approved) / price (the fund's share of the excess, co-payment left out); for bed days,
 *   insurance × days over / days on the line;
 * - on one line, whole-line cuts come first, so an excess on a line already cut whole adds nothing (its finding shows
 *   0.00); two excess cuts on one line apply one after the other to what is left;
 * - cuts are capped, in the order findings are listed, at what is left of the claimed insurance, so
 *   proposedApproved + cut = claimed, and proposedApproved is never below 0;
 * - reject_claim: the first such finding takes all that is left; proposedApproved is 0.
 */

type Check<C extends RuleCode> = (context: Context, rule: RuleOf<C>, lines: PreparedLine[]) => Hit[];

const CHECKS: { [C in RuleCode]: Check<C> } = {
  PRICE_ABOVE_APPROVED: priceAboveApproved,
  NOT_IN_APPROVED_LIST: notInApprovedList,
  ORDER_OUTSIDE_STAY: orderOutsideStay,
  EXECUTED_BEFORE_ORDER: executedBeforeOrder,
  BED_DAYS_EXCEED_STAY: bedDaysExceedStay,
  BED_IN_OUTPATIENT: bedInOutpatient,
  BED_SHORT_STAY: bedShortStay,
  EXAMINATION_REPEATED_INPATIENT: examinationRepeated,
  SUPPLY_INCLUDED_IN_SERVICE: supplyIncludedInService,
  STAFF_NOT_CERTIFIED: staffNotCertified,
  MONEY_IDENTITY: moneyIdentity,
};

interface Raised {
  rule: AssessmentRule;
  /** The rule's place in the file. */
  order: number;
  hit: Hit;
}

/** On one line: whole-line cuts, then excess cuts, then warnings, then rejections. */
const PRECEDENCE: Record<AssessmentAction, number> = { cut_line: 0, cut_excess: 1, warn: 2, reject_claim: 3 };

const listingOrder = (first: Raised, second: Raised) =>
  (first.hit.lineIndex ?? Infinity) - (second.hit.lineIndex ?? Infinity) ||
  PRECEDENCE[first.rule.action] - PRECEDENCE[second.rule.action] ||
  first.order - second.order;

/** The lines of the kinds a rule applies to: all of them (most rules) without making a copy. */
function linesOf(context: Context, appliesTo: AssessmentRule["appliesTo"]): PreparedLine[] {
  if (appliesTo.scope !== "line") return [];
  const { kinds } = appliesTo;
  if (ASSESSED_KINDS.every((kind) => kinds.includes(kind))) return context.lines;
  return context.lines.filter((prepared) => kinds.includes(prepared.line.kind));
}

/** Every enabled rule's hits, on the lines of the kinds it applies to, in listing order. */
function raise(context: Context, rules: AssessmentRules): Raised[] {
  const raised: Raised[] = [];
  rules.rules.forEach((rule, order) => {
    if (!rule.enabled) return;
    const lines = linesOf(context, rule.appliesTo);
    const check = CHECKS[rule.code] as Check<RuleCode>;
    for (const hit of check(context, rule as RuleOf<RuleCode>, lines)) raised.push({ rule, order, hit });
  });
  return raised.sort(listingOrder);
}

const ZERO = new Dec(0);

/** What a finding would take from its line, before the claim's cap. */
function lineCut(action: AssessmentAction, excess: Hit["excess"], left: Dec): Dec {
  if (action === "cut_line") return left;
  if (action !== "cut_excess" || !excess || excess.whole.isZero()) return ZERO;
  return Dec.min(left, left.times(excess.part).div(excess.whole).toDecimalPlaces(2, Dec.ROUND_HALF_UP));
}

/** The amount of each finding, in listing order, and what is left of the claimed insurance. */
function settle(raised: Raised[], context: Context) {
  let claimLeft = Dec.max(context.input.totals.insurance, ZERO);
  const lineLeft = new Map<number, Dec>();
  const amounts = raised.map(({ rule, hit }) => {
    const index = hit.lineIndex;
    if (index === null) return ZERO;
    const left = lineLeft.get(index) ?? Dec.max(context.lines[index]!.insurance, ZERO);
    const cut = Dec.min(lineCut(rule.action, hit.excess, left), claimLeft);
    lineLeft.set(index, left.minus(cut));
    claimLeft = claimLeft.minus(cut);
    return cut;
  });
  const rejecting = raised.findIndex(({ rule }) => rule.action === "reject_claim");
  if (rejecting >= 0) {
    amounts[rejecting] = claimLeft;
    claimLeft = ZERO;
  }
  return { amounts, claimLeft, rejected: rejecting >= 0 };
}

/** A message with its {placeholders} filled in one language; an unknown one is left as written. */
export function render(template: string, values: Record<string, Placeholder>, lang: "vi" | "en"): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) return whole;
    return typeof value === "string" ? value : value[lang];
  });
}

/**
 * Assesses one claim against the rules: findings, the amount proposed for approval, and whether it is rejected.
 * `known`: what a caller assessing many claims made once for all of them (context.ts Known).
 */
export function assessClaim(input: AssessmentInput, rules: AssessmentRules, known?: Known): Assessment {
  const context = prepare(input, rules, known);
  const raised = raise(context, rules);
  const { amounts, claimLeft, rejected } = settle(raised, context);
  const findings = raised.map(({ rule, hit }, index): Finding => ({
    code: rule.code,
    action: rule.action,
    lineIndex: hit.lineIndex,
    amount: fixed(amounts[index]!, 2),
    message: { vi: render(rule.message.vi, hit.values, "vi"), en: render(rule.message.en, hit.values, "en") },
  }));
  const cut = amounts.reduce((sum, amount) => sum.plus(amount), ZERO);
  return { findings, cut: fixed(cut, 2), proposedApproved: fixed(claimLeft, 2), rejected };
}
