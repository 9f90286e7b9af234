import { Dec } from "../domain/money.ts";
import {
  type Context,
  dayWords,
  entriesInForce,
  inForce,
  kindWords,
  lineEntries,
  plain,
  type PreparedLine,
  timeWords,
  vietnamDay,
} from "./context.ts";
import type { Hit } from "./model.ts";
import type { RuleOf } from "./rules.ts";
import type { ServiceEntry } from "./types.ts";

/**
 * The checks of one line at a time against the catalogues (families 5, 6, 7, 9) and the stay's times (family 3).
 * Each gives at most one hit per line; none reads a catalogue the caller did not give.
 */

const item = (prepared: PreparedLine) => ({ kind: kindWords(prepared.line.kind), item: prepared.line.itemCode });

/** Unit price above the approved one: the excess share of the line, (price − approved) / price. */
export function priceAboveApproved(context: Context, _rule: RuleOf<"PRICE_ABOVE_APPROVED">, lines: PreparedLine[]) {
  return lines.flatMap((prepared): Hit[] => {
    const found = lineEntries(context, prepared);
    if (!found || found.entries.length === 0) return [];
    // Two entries in force for one code and bid (a price change recorded twice): the higher price is the approved.
    const approved = Dec.max(...found.entries.map((entry) => entry.unitPrice));
    if (!prepared.unitPrice.greaterThan(approved)) return [];
    return [
      {
        lineIndex: prepared.index,
        excess: { part: prepared.unitPrice.minus(approved), whole: prepared.unitPrice },
        values: {
          ...item(prepared),
          price: plain(prepared.unitPrice),
          approved: plain(approved),
          quantity: plain(prepared.quantity),
          day: dayWords(prepared.day),
        },
      },
    ];
  });
}

/** Not in the facility's approved list on the line's day (nor under the line's TT_THAU, when the rule says so). */
export function notInApprovedList(context: Context, rule: RuleOf<"NOT_IN_APPROVED_LIST">, lines: PreparedLine[]) {
  const exempt = rule.params.exemptItemCodes.map((source) => new RegExp(source));
  return lines.flatMap((prepared): Hit[] => {
    if (exempt.some((pattern) => pattern.test(prepared.line.itemCode))) return [];
    const found = lineEntries(context, prepared);
    if (!found) return [];
    const listed = found.entries.length > 0 && !(rule.params.matchBidInfo && found.bidMatched === false);
    if (listed) return [];
    const values = { ...item(prepared), bid: prepared.line.bidInfo?.trim() || "-", day: dayWords(prepared.day) };
    return [{ lineIndex: prepared.index, values }];
  });
}

/** A supply billed apart although the price of the service it was used in already includes supplies. */
export function supplyIncludedInService(
  context: Context,
  _rule: RuleOf<"SUPPLY_INCLUDED_IN_SERVICE">,
  lines: PreparedLine[],
) {
  return lines.flatMap((prepared): Hit[] => {
    const service = prepared.line.serviceCode?.trim();
    if (!service) return [];
    const entries = entriesInForce(context, "service", service, prepared.day) as ServiceEntry[] | null;
    if (!entries?.some((entry) => entry.suppliesIncluded)) return [];
    return [
      { lineIndex: prepared.index, values: { item: prepared.line.itemCode, service, day: dayWords(prepared.day) } },
    ];
  });
}

/**
 * The practitioners a staff field names: certificate numbers between ";", without a trainee's own code in "(...)";
 * a practitioner lent by another facility (MA_BAC_SI.C.XXXXX) is on that facility's list, not checked here.
 */
export const staffCodes = (field: string | null | undefined) =>
  (field ?? "")
    .split(";")
    .map((code) => code.replace(/\([^)]*\)/g, "").trim())
    .filter((code) => code !== "" && !/\.C\.\d{5}$/.test(code));

/** MA_BAC_SI on the order's day, NGUOI_THUC_HIEN on the execution's: each must hold a certificate in force. */
export function staffNotCertified(context: Context, _rule: RuleOf<"STAFF_NOT_CERTIFIED">, lines: PreparedLine[]) {
  const staff = context.catalogue.staff;
  if (!staff) return [];
  const certified = (code: string, day: string) => (staff.get(code) ?? []).some((entry) => inForce(entry, day));
  return lines.flatMap((prepared): Hit[] => {
    const executionDay = prepared.executedAt ? vietnamDay(prepared.executedAt) : prepared.day;
    const failing = new Set([
      ...staffCodes(prepared.line.orderedBy).filter((code) => !certified(code, prepared.day)),
      ...staffCodes(prepared.line.performedBy).filter((code) => !certified(code, executionDay)),
    ]);
    if (failing.size === 0) return [];
    const values = { ...item(prepared), staff: [...failing].join(", "), day: dayWords(prepared.day) };
    return [{ lineIndex: prepared.index, values }];
  });
}

/** An instant to the minute, as the XML tables write times (yyyymmddHHMM): seconds sent in JSON do not count. */
const toMinute = (at: Date) => at.toISOString().slice(0, 16);

/** NGAY_YL before NGAY_VAO or after NGAY_RA (to the minute, or by Vietnam day as the rule says). */
export function orderOutsideStay(context: Context, rule: RuleOf<"ORDER_OUTSIDE_STAY">, lines: PreparedLine[]) {
  const byDay = rule.params.precision === "day";
  const [first, last] = byDay
    ? [vietnamDay(context.admittedAt), vietnamDay(context.dischargedAt)]
    : [toMinute(context.admittedAt), toMinute(context.dischargedAt)];
  return lines.flatMap((prepared): Hit[] => {
    if (!prepared.orderedAt) return [];
    const ordered = byDay ? vietnamDay(prepared.orderedAt) : toMinute(prepared.orderedAt);
    if (ordered >= first && ordered <= last) return [];
    const values = {
      ...item(prepared),
      ordered: timeWords(prepared.orderedAt),
      admitted: timeWords(context.admittedAt),
      discharged: timeWords(context.dischargedAt),
    };
    return [{ lineIndex: prepared.index, values }];
  });
}

/** NGAY_TH_YL before NGAY_YL. */
export function executedBeforeOrder(_context: Context, _rule: RuleOf<"EXECUTED_BEFORE_ORDER">, lines: PreparedLine[]) {
  return lines.flatMap((prepared): Hit[] => {
    const { orderedAt, executedAt } = prepared;
    if (!orderedAt || !executedAt || toMinute(executedAt) >= toMinute(orderedAt)) return [];
    const values = { ...item(prepared), ordered: timeWords(orderedAt), executed: timeWords(executedAt) };
    return [{ lineIndex: prepared.index, values }];
  });
}
