import { Dec } from "../domain/money.ts";
import { VISIT_TYPE_WORDS } from "../domain/glossary.ts";
import { type Context, daysApart, plain, type PreparedLine, vietnamDay } from "./context.ts";
import type { Hit, Placeholder } from "./model.ts";
import type { RuleOf } from "./rules.ts";

/**
 * Beds and examination fees (family 8): checks of the claim's bed and examination lines (by MA_NHOM, the rules'
 * parameters) against the visit type and the stay's length.
 */

const bedLines = (context: Context, lines: PreparedLine[]) =>
  lines.filter(
    (prepared) =>
      context.parameters.bedCostGroups.includes(prepared.line.costGroup) && prepared.quantity.greaterThan(0),
  );

const hours = (context: Context) => plain(context.stayHours.toDecimalPlaces(2, Dec.ROUND_DOWN));

/** Bed days of a stay under the minimum hours (4): none is paid, each bed line is named. */
export function bedShortStay(context: Context, rule: RuleOf<"BED_SHORT_STAY">, lines: PreparedLine[]): Hit[] {
  const minimum = context.parameters.minBedStayHours;
  if (!rule.params.visitTypes.includes(context.input.visitType)) return [];
  if (context.stayHours.greaterThanOrEqualTo(minimum)) return [];
  return bedLines(context, lines).map((prepared) => ({
    lineIndex: prepared.index,
    values: { item: prepared.line.itemCode, hours: hours(context), minHours: String(minimum) },
  }));
}

/** Bed days on a visit that has none: an examination (outpatient, emergency) or a MA_LOAI_KCB the rule names. */
export function bedInOutpatient(context: Context, rule: RuleOf<"BED_IN_OUTPATIENT">, lines: PreparedLine[]): Hit[] {
  const { visitType, visitCode } = context.input;
  const byCode = !!visitCode && rule.params.visitCodes.includes(visitCode);
  if (!byCode && !rule.params.visitTypes.includes(visitType)) return [];
  const words = VISIT_TYPE_WORDS[visitType];
  const suffix = visitCode ? ` (MA_LOAI_KCB ${visitCode})` : "";
  const visit: Placeholder = { vi: `${words.vi.toLowerCase()}${suffix}`, en: `${words.en.toLowerCase()}${suffix}` };
  return bedLines(context, lines).map((prepared) => ({
    lineIndex: prepared.index,
    values: { item: prepared.line.itemCode, visit },
  }));
}

/**
 * The bed days a stay allows (qlbv checkInvalidBedDays): under the minimum hours none; up to 24 hours one;
 * longer, the calendar days from admission to discharge (Vietnam time), plus the discharge day when what is left
 * after whole days reaches the minimum hours, or when the treatment result and the discharge kind are both among the
 * rule's (a patient transferred, worse or deceased).
 */
export function allowedBedDays(context: Context, rule: RuleOf<"BED_DAYS_EXCEED_STAY">): number {
  const minimum = context.parameters.minBedStayHours;
  if (context.stayHours.lessThan(minimum)) return 0;
  if (context.stayHours.lessThanOrEqualTo(24)) return 1;
  const calendar = daysApart(vietnamDay(context.admittedAt), vietnamDay(context.dischargedAt));
  const { treatmentResults, dischargeKinds } = rule.params.extraDay;
  const { treatmentResult, dischargeKind } = context.input;
  const extraDay =
    !!treatmentResult &&
    !!dischargeKind &&
    treatmentResults.includes(treatmentResult) &&
    dischargeKinds.includes(dischargeKind);
  return calendar + (extraDay || context.stayHours.mod(24).greaterThanOrEqualTo(minimum) ? 1 : 0);
}

const latestFirst = (first: PreparedLine, second: PreparedLine) =>
  (second.orderedAt?.getTime() ?? -Infinity) - (first.orderedAt?.getTime() ?? -Infinity) || second.index - first.index;

/**
 * Bed days billed beyond those the stay allows: the excess is taken from the latest bed lines first (by NGAY_YL,
 * then by place), each line's share being the days taken over its quantity.
 */
export function bedDaysExceedStay(context: Context, rule: RuleOf<"BED_DAYS_EXCEED_STAY">, lines: PreparedLine[]) {
  if (!rule.params.visitTypes.includes(context.input.visitType)) return [];
  if (context.stayHours.lessThan(context.parameters.minBedStayHours)) return [];
  const beds = bedLines(context, lines);
  const billed = beds.reduce((sum, prepared) => sum.plus(prepared.quantity), new Dec(0));
  const allowed = allowedBedDays(context, rule);
  let excess = billed.minus(allowed);
  const hits: Hit[] = [];
  for (const prepared of [...beds].sort(latestFirst)) {
    if (excess.lessThanOrEqualTo(0)) break;
    const days = Dec.min(excess, prepared.quantity);
    excess = excess.minus(days);
    hits.push({
      lineIndex: prepared.index,
      excess: { part: days, whole: prepared.quantity },
      values: {
        item: prepared.line.itemCode,
        billed: plain(billed),
        allowed: String(allowed),
        hours: hours(context),
        days: plain(days),
        quantity: plain(prepared.quantity),
      },
    });
  }
  return hits.sort((first, second) => first.lineIndex! - second.lineIndex!);
}

const earliestFirst = (first: PreparedLine, second: PreparedLine) =>
  (first.orderedAt?.getTime() ?? Infinity) - (second.orderedAt?.getTime() ?? Infinity) || first.index - second.index;

/** Examination fees of an inpatient stay beyond the allowed number (1): the earliest ordered are kept. */
export function examinationRepeated(
  context: Context,
  rule: RuleOf<"EXAMINATION_REPEATED_INPATIENT">,
  lines: PreparedLine[],
): Hit[] {
  if (!rule.params.visitTypes.includes(context.input.visitType)) return [];
  const groups = context.parameters.examinationCostGroups;
  const examinations = lines
    .filter((prepared) => groups.includes(prepared.line.costGroup) && prepared.quantity.greaterThan(0))
    .sort(earliestFirst);
  const { allowed } = rule.params;
  if (examinations.length <= allowed) return [];
  const kept = examinations.slice(0, allowed).map((prepared) => prepared.line.itemCode);
  return examinations.slice(allowed).map((prepared) => ({
    lineIndex: prepared.index,
    values: {
      item: prepared.line.itemCode,
      count: String(examinations.length),
      allowed: String(allowed),
      kept: kept.join(", ") || "-",
    },
  }));
}
