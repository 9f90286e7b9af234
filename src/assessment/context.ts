import type { LineTotals, LineValues } from "../costs/lines.ts";
import { decimal, Dec } from "../domain/money.ts";
import { memo } from "../domain/memo.ts";
import { VIETNAM_OFFSET_MS } from "../domain/period.ts";
import type { AssessedLine, AssessmentCatalogue, AssessmentInput, Placeholder } from "./model.ts";
import type { AssessmentRules, LineKind } from "./rules.ts";
import type { DrugEntry, ServiceEntry, StaffEntry, SupplyEntry } from "./types.ts";

/** A line with its decimals and times parsed once. */
export interface PreparedLine {
  index: number;
  line: AssessedLine;
  quantity: Dec;
  unitPrice: Dec;
  amount: Dec;
  insurance: Dec;
  orderedAt: Date | null;
  executedAt: Date | null;
  /** The Vietnam day the catalogues are read on: the order's, else the admission's. */
  day: string;
  /** What lineEntries found for it, once asked (two rules ask). */
  found?: LineEntries | null;
}

/** The entries a line is priced by, and whether they were matched by its tender (lineEntries). */
export interface LineEntries {
  entries: PricedEntry[];
  bidMatched: boolean | null;
}

/** A line's decimals as the caller parsed them already (the batch path reads them while checking the lines). */
export type KnownValues = LineValues;

/**
 * What a caller assessing many claims has at hand already, so each claim does not make it again: the facility's
 * catalogues indexed once for the whole batch (input.catalogue is then not read; it must hold every entry of the codes
 * the claim names, as input.catalogue would), and the lines' decimals (in the order of input.lines).
 */
export interface Known {
  catalogue?: CatalogueIndex | undefined;
  values?: readonly KnownValues[] | undefined;
  /** What the lines add up to, as the caller summed them already (the MONEY_IDENTITY sums). */
  totals?: LineTotals | undefined;
}

export type PricedEntry = DrugEntry | SupplyEntry | ServiceEntry;

/** Entries by code, for each catalogue the caller gave. */
export interface CatalogueIndex {
  byKind: Partial<Record<LineKind, Map<string, PricedEntry[]>>>;
  staff: Map<string, StaffEntry[]> | null;
}

/** Everything a check reads: the claim's facts, its lines, the catalogues and the shared parameters. */
export interface Context {
  input: AssessmentInput;
  lines: PreparedLine[];
  admittedAt: Date;
  dischargedAt: Date;
  /** The stay's length in hours, exact. */
  stayHours: Dec;
  catalogue: CatalogueIndex;
  parameters: AssessmentRules["parameters"];
  /** What the lines add up to, when the caller knew it (else claim-rules.ts sums them). */
  lineTotals: LineTotals | undefined;
}

const toDate = (value: string | Date) => (value instanceof Date ? value : new Date(value));

const DAY_MS = 86_400_000;

/** The Vietnam-time calendar day of an instant as a number: days since 1970-01-01 (orders as the days do). */
export const vietnamDayNumber = (at: Date) => Math.floor((at.getTime() + VIETNAM_OFFSET_MS) / DAY_MS);

const dayOfNumber = memo((day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10));

/** The Vietnam-time calendar day of an instant, `YYYY-MM-DD`. */
export const vietnamDay = (at: Date) => dayOfNumber(vietnamDayNumber(at));

/** Whole calendar days from one Vietnam day to another. */
export const daysApart = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

/** A day in messages: dd/mm/yyyy in Vietnamese, yyyy-mm-dd in English. */
export function dayWords(day: string): Placeholder {
  const [year, month, date] = day.split("-");
  return { vi: `${date}/${month}/${year}`, en: day };
}

/** An instant in messages, to the minute, in Vietnam time. */
export function timeWords(at: Date): Placeholder {
  const local = new Date(at.getTime() + VIETNAM_OFFSET_MS).toISOString();
  const clock = local.slice(11, 16);
  const day = dayWords(local.slice(0, 10)) as { vi: string; en: string };
  return { vi: `${clock} ${day.vi}`, en: `${day.en} ${clock}` };
}

/** A decimal as plain digits ("12000", "0.5"). */
export const plain = (value: Dec) => value.toString();

const KIND_WORDS: Record<LineKind, Placeholder> = {
  drug: { vi: "Thuốc", en: "Drug" },
  supply: { vi: "Vật tư y tế", en: "Supply" },
  service: { vi: "Dịch vụ", en: "Service" },
};
export const kindWords = (kind: LineKind) => KIND_WORDS[kind];

function groupBy<T>(entries: readonly T[], key: (entry: T) => string, facility: string | undefined) {
  const map = new Map<string, T[]>();
  for (const entry of entries) {
    if (facility !== undefined && (entry as { facilityCode: string }).facilityCode !== facility) continue;
    const list = map.get(key(entry));
    if (list) list.push(entry);
    else map.set(key(entry), [entry]);
  }
  return map;
}

/** The catalogue's entries by code, for each kind given; entries of another facility than `facility` left out. */
export function indexCatalogue(catalogue: AssessmentCatalogue, facility: string | undefined): CatalogueIndex {
  const byCode = (entries: readonly PricedEntry[] | undefined) =>
    entries === undefined ? undefined : groupBy(entries, (entry) => entry.code, facility);
  const byKind: CatalogueIndex["byKind"] = {};
  const drug = byCode(catalogue.drugs);
  const supply = byCode(catalogue.supplies);
  const service = byCode(catalogue.services);
  if (drug) byKind.drug = drug;
  if (supply) byKind.supply = supply;
  if (service) byKind.service = service;
  const staff = catalogue.staff ? groupBy(catalogue.staff, (entry) => entry.certificate, facility) : null;
  return { byKind, staff };
}

/** An entry is in force on a day from validFrom to validTo, both inclusive; validTo null is open-ended. */
export const inForce = (entry: { validFrom: string; validTo: string | null }, day: string) =>
  entry.validFrom <= day && (entry.validTo === null || day <= entry.validTo);

/**
 * The entries of a kind's catalogue for a code in force on a day; null when that catalogue was not given (nothing
 * can be said about the line).
 */
export function entriesInForce(context: Context, kind: LineKind, code: string, day: string): PricedEntry[] | null {
  const map = context.catalogue.byKind[kind];
  if (!map) return null;
  return inForceOf(map.get(code), day);
}

const NONE = Object.freeze([]) as unknown as PricedEntry[];

/**
 * Those of the entries in force on the day. The lists given back may be shared (a code's one entry, or none): the
 * callers read them and never change them.
 */
function inForceOf(entries: PricedEntry[] | undefined, day: string): PricedEntry[] {
  if (entries === undefined) return NONE;
  if (entries.length === 1) return inForce(entries[0]!, day) ? entries : NONE;
  return entries.filter((entry) => inForce(entry, day));
}

/** TT_THAU's first four parts (decision;package;group;year), the ones a line and its entry must share. */
export const bidKey = (bidInfo: string) =>
  bidInfo
    .split(";")
    .slice(0, 4)
    .map((part) => part.trim())
    .join(";");

/**
 * The entries a line is priced by: those in force on its day; when the line carries TT_THAU and the entries carry
 * bid information, the ones with the same (`bidMatched` true), or all of them with `bidMatched` false when none has
 * it. `bidMatched` is null when there was nothing to match. Null when the kind's catalogue was not given.
 */
export function lineEntries(context: Context, prepared: PreparedLine): LineEntries | null {
  if (prepared.found === undefined) prepared.found = findEntries(context, prepared);
  return prepared.found;
}

/** TT_THAU's first four parts, for a text seen before without splitting it again. */
const bidKeyOf = memo(bidKey);

function findEntries(context: Context, prepared: PreparedLine): LineEntries | null {
  const entries = entriesInForce(context, prepared.line.kind, prepared.line.itemCode, prepared.day);
  if (entries === null) return null;
  const bid = prepared.line.bidInfo?.trim();
  if (!bid) return { entries, bidMatched: null };
  const withBid = entries.filter((entry) => "bidInfo" in entry && entry.bidInfo);
  if (withBid.length === 0) return { entries, bidMatched: null };
  const key = bidKeyOf(bid);
  const matching = withBid.filter((entry) => bidKeyOf((entry as DrugEntry).bidInfo!) === key);
  return matching.length > 0 ? { entries: matching, bidMatched: true } : { entries, bidMatched: false };
}

function prepareLine(
  line: AssessedLine,
  index: number,
  admissionDay: string,
  known: KnownValues | undefined,
): PreparedLine {
  const orderedAt = line.orderedAt ? toDate(line.orderedAt) : null;
  return {
    index,
    line,
    quantity: known?.quantity ?? decimal(line.quantity),
    unitPrice: decimal(line.unitPrice),
    amount: known?.amount ?? new Dec(line.amount),
    insurance: known?.insurance ?? new Dec(line.insurance),
    orderedAt,
    executedAt: line.executedAt ? toDate(line.executedAt) : null,
    day: orderedAt ? vietnamDay(orderedAt) : admissionDay,
  };
}

export function prepare(input: AssessmentInput, rules: AssessmentRules, known: Known = {}): Context {
  const admittedAt = toDate(input.admittedAt);
  const dischargedAt = toDate(input.dischargedAt);
  const admissionDay = vietnamDay(admittedAt);
  return {
    input,
    lines: input.lines.map((line, index) => prepareLine(line, index, admissionDay, known.values?.[index])),
    admittedAt,
    dischargedAt,
    stayHours: new Dec(dischargedAt.getTime() - admittedAt.getTime()).div(3_600_000),
    catalogue: known.catalogue ?? indexCatalogue(input.catalogue, input.facilityCode),
    parameters: rules.parameters,
    lineTotals: known.totals,
  };
}
