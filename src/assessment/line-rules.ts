import { memo } from "../domain/memo.ts";
import { decimal, Dec } from "../domain/money.ts";
import {
  type Context,
  dayWords,
  entriesInForce,
  inForce,
  kindWords,
  lineEntries,
  plain,
  type PricedEntry,
  type PreparedLine,
  timeWords,
  vietnamDay,
  vietnamDayNumber,
} from "./context.ts";
import type { Hit } from "./model.ts";
import type { RuleOf } from "./rules.ts";
import type { ServiceEntry } from "./types.ts";

/**
 * The checks of one line at a time against the catalogues (families 5, 6, 7, 9) and the stay's times (family 3).
 * Each gives at most one hit per line; none reads a catalogue the caller did not give.
 */

const item = (prepared: PreparedLine) => ({ kind: kindWords(prepared.line.kind), item: prepared.line.itemCode });

/** The hits of a check made line by line (none, or one a line), in the lines' order. */
export function hits(lines: readonly PreparedLine[], check: (prepared: PreparedLine) => Hit | null): Hit[] {
  const found: Hit[] = [];
  for (const prepared of lines) {
    const hit = check(prepared);
    if (hit) found.push(hit);
  }
  return found;
}

/** The approved price of entries in force together: the highest (a price change recorded twice). */
function approvedPrice(entries: readonly PricedEntry[]): Dec {
  let approved = decimal(entries[0]!.unitPrice);
  for (let index = 1; index < entries.length; index++) {
    const price = decimal(entries[index]!.unitPrice);
    if (price.greaterThan(approved)) approved = price;
  }
  return approved;
}

/** Unit price above the approved one: the excess share of the line, (price − approved) / price. */
export function priceAboveApproved(context: Context, _rule: RuleOf<"PRICE_ABOVE_APPROVED">, lines: PreparedLine[]) {
  return hits(lines, (prepared) => {
    const found = lineEntries(context, prepared);
    if (!found || found.entries.length === 0) return null;
    // Most lines are billed at the approved price, written alike (both plain decimal text): no decimal to compare.
    if (found.entries.length === 1 && found.entries[0]!.unitPrice === prepared.line.unitPrice) return null;
    // Two entries in force for one code and bid (a price change recorded twice): the higher price is the approved.
    const approved = approvedPrice(found.entries);
    if (!prepared.unitPrice.greaterThan(approved)) return null;
    return {
      lineIndex: prepared.index,
      excess: { part: prepared.unitPrice.minus(approved), whole: prepared.unitPrice },
      values: {
        ...item(prepared),
        price: plain(prepared.unitPrice),
        approved: plain(approved),
        quantity: plain(prepared.quantity),
        day: dayWords(prepared.day),
      },
    };
  });
}

/** The rule's exempt item codes as patterns, made once for each rules object. */
const exemptPatterns = new WeakMap<readonly string[], RegExp[]>();
function exemptOf(sources: readonly string[]): RegExp[] {
  let patterns = exemptPatterns.get(sources);
  if (!patterns) exemptPatterns.set(sources, (patterns = sources.map((source) => new RegExp(source))));
  return patterns;
}

/** Not in the facility's approved list on the line's day (nor under the line's TT_THAU, when the rule says so). */
export function notInApprovedList(context: Context, rule: RuleOf<"NOT_IN_APPROVED_LIST">, lines: PreparedLine[]) {
  const exempt = exemptOf(rule.params.exemptItemCodes);
  return hits(lines, (prepared) => {
    if (exempt.some((pattern) => pattern.test(prepared.line.itemCode))) return null;
    const found = lineEntries(context, prepared);
    if (!found) return null;
    const listed = found.entries.length > 0 && !(rule.params.matchBidInfo && found.bidMatched === false);
    if (listed) return null;
    const values = { ...item(prepared), bid: prepared.line.bidInfo?.trim() || "-", day: dayWords(prepared.day) };
    return { lineIndex: prepared.index, values };
  });
}

/** A supply billed apart although the price of the service it was used in already includes supplies. */
export function supplyIncludedInService(
  context: Context,
  _rule: RuleOf<"SUPPLY_INCLUDED_IN_SERVICE">,
  lines: PreparedLine[],
) {
  return hits(lines, (prepared) => {
    const service = prepared.line.serviceCode?.trim();
    if (!service) return null;
    const entries = entriesInForce(context, "service", service, prepared.day) as ServiceEntry[] | null;
    if (!entries?.some((entry) => entry.suppliesIncluded)) return null;
    return {
      lineIndex: prepared.index,
      values: { item: prepared.line.itemCode, service, day: dayWords(prepared.day) },
    };
  });
}

/**
 * The practitioners a staff field names: certificate numbers between ";", without a trainee's own code in "(...)";
 * a practitioner lent by another facility (MA_BAC_SI.C.XXXXX) is on that facility's list, not checked here.
 */
const readStaffCodes = (field: string) =>
  field
    .split(";")
    .map((code) => code.replace(/\([^)]*\)/g, "").trim())
    .filter((code) => code !== "" && !/\.C\.\d{5}$/.test(code));

/** Staff fields repeat across a batch's lines (a few practitioners write most of them): each is read once. */
const staffCodesOf = memo(readStaffCodes);
const NO_CODES: readonly string[] = Object.freeze([]);

/** The codes a staff field names (the same list for the same text: the caller must not change it). */
export const staffCodes = (field: string | null | undefined): readonly string[] =>
  field ? staffCodesOf(field) : NO_CODES;

/** MA_BAC_SI on the order's day, NGUOI_THUC_HIEN on the execution's: each must hold a certificate in force. */
export function staffNotCertified(context: Context, _rule: RuleOf<"STAFF_NOT_CERTIFIED">, lines: PreparedLine[]) {
  const staff = context.catalogue.staff;
  if (!staff) return [];
  const certified = (code: string, day: string) => (staff.get(code) ?? []).some((entry) => inForce(entry, day));
  const uncertified = (codes: readonly string[], day: string) => codes.filter((code) => !certified(code, day));
  return hits(lines, (prepared) => {
    const executionDay = prepared.executedAt ? vietnamDay(prepared.executedAt) : prepared.day;
    const ordering = uncertified(staffCodes(prepared.line.orderedBy), prepared.day);
    const performing = uncertified(staffCodes(prepared.line.performedBy), executionDay);
    if (ordering.length === 0 && performing.length === 0) return null;
    const failing = new Set([...ordering, ...performing]);
    const values = { ...item(prepared), staff: [...failing].join(", "), day: dayWords(prepared.day) };
    return { lineIndex: prepared.index, values };
  });
}

/**
 * An instant to the minute, as the XML tables write times (yyyymmddHHMM): seconds sent in JSON do not count. Minutes
 * since 1970, which order as the instants' UTC minutes do.
 */
const toMinute = (at: Date) => Math.floor(at.getTime() / 60_000);

/** NGAY_YL before NGAY_VAO or after NGAY_RA (to the minute, or by Vietnam day as the rule says). */
export function orderOutsideStay(context: Context, rule: RuleOf<"ORDER_OUTSIDE_STAY">, lines: PreparedLine[]) {
  const period = rule.params.precision === "day" ? vietnamDayNumber : toMinute;
  const first = period(context.admittedAt);
  const last = period(context.dischargedAt);
  return hits(lines, (prepared) => {
    if (!prepared.orderedAt) return null;
    const ordered = period(prepared.orderedAt);
    if (ordered >= first && ordered <= last) return null;
    const values = {
      ...item(prepared),
      ordered: timeWords(prepared.orderedAt),
      admitted: timeWords(context.admittedAt),
      discharged: timeWords(context.dischargedAt),
    };
    return { lineIndex: prepared.index, values };
  });
}

/** NGAY_TH_YL before NGAY_YL. */
export function executedBeforeOrder(_context: Context, _rule: RuleOf<"EXECUTED_BEFORE_ORDER">, lines: PreparedLine[]) {
  return hits(lines, (prepared) => {
    const { orderedAt, executedAt } = prepared;
    if (!orderedAt || !executedAt || toMinute(executedAt) >= toMinute(orderedAt)) return null;
    const values = { ...item(prepared), ordered: timeWords(orderedAt), executed: timeWords(executedAt) };
    return { lineIndex: prepared.index, values };
  });
}
