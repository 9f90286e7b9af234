import type { Dec } from "../domain/money.ts";
import { formatMoney, parseMoney } from "../domain/money.ts";
import type { FieldError } from "../domain/field-errors.ts";
import { type RawEpisode, type RawTable, parseRows, parseTable } from "./parse.ts";
import type { XmlMappingRules, XmlTest } from "./rules.ts";

/**
 * One episode of the XML standard -> one claim of the JSON contract, as data:
 * the claim then goes through the same validation, rules, flags, spending and
 * alerts as a JSON claim (src/batches/ingest.ts). Only what the JSON contract
 * cannot say is checked here (12-digit dates, the amounts' own formula, the
 * facility of each episode); the rest is left to the claim validation, whose
 * errors `xmlField` names back in the standard's terms.
 *
 * Which standard a summary (XML1) follows is read from its fields: 130/4750
 * has MA_THE_BHYT, MA_BENH_CHINH, T_TONGCHI_BV; legacy 4210 has MA_THE,
 * MA_BENH, T_TONGCHI (and no SO_CCCD).
 */
export type Standard = "130" | "4210";

interface Names {
  card: string;
  primary: string;
  secondary: string;
  total: string;
}

const NAMES: Record<Standard, Names> = {
  "130": { card: "MA_THE_BHYT", primary: "MA_BENH_CHINH", secondary: "MA_BENH_KT", total: "T_TONGCHI_BV" },
  "4210": { card: "MA_THE", primary: "MA_BENH", secondary: "MA_BENHKHAC", total: "T_TONGCHI" },
};

const FIELDS_130 = ["MA_THE_BHYT", "MA_BENH_CHINH", "T_TONGCHI_BV", "T_TONGCHI_BH"];
const FIELDS_4210 = ["MA_THE", "MA_BENH", "T_TONGCHI"];

/*
 * Run once per episode, so written without closures made per call: under tsx
 * (npm start) every function made at run time also gets its name set by
 * esbuild's __name, which showed in the profile.
 */

const hasAny = (fields: ReadonlyMap<string, string>, names: readonly string[]) => {
  for (const name of names) if (fields.has(name)) return true;
  return false;
};

export function detectStandard(fields: ReadonlyMap<string, string>): Standard | null {
  if (hasAny(fields, FIELDS_130)) return "130";
  if (hasAny(fields, FIELDS_4210)) return "4210";
  return null;
}

/**
 * An episode translated: the claim (null when it was refused while translating) and what is needed to name its fields.
 */
export interface MappedEpisode {
  /** HOSO position in the file, from 0. */
  index: number;
  /** MA_LK as given, for the response (null when absent). */
  claimId: string | null;
  claim: Record<string, unknown> | null;
  /** Errors found while translating, with paths relative to the HOSO (`XML1.NGAY_RA`). */
  errors: FieldError[];
  standard: Standard | null;
  /** The table each of the claim's documents came from, in order. */
  documentTables: string[];
  /** Where each of the claim's lines came from: its table and row (from 0), in order. */
  lineSources: { table: string; row: number }[];
}

const TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/;
const DAY = /^(\d{4})(\d{2})(\d{2})(?:\d{4})?$/;
const ICD_WITHOUT_DOT = /^([A-Z]\d{2})(\d{1,2})$/;

function validDay(year: number, month: number, day: number) {
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    year >= 1800 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** yyyymmddHHMM in Vietnam time -> RFC 3339 with +07:00; null when it is not such a time. */
export function vietnamTime(text: string): string | null {
  const match = TIME.exec(text);
  if (!match) return null;
  const [, year, mo, day, hour, mi] = match;
  if (!validDay(+year!, +mo!, +day!) || +hour! > 23 || +mi! > 59) return null;
  return `${year}-${mo}-${day}T${hour}:${mi}:00+07:00`;
}

/**
 * NGAY_SINH (12 digits in 130, 8 in 4210): a date, undefined when month or day is unknown (0000), null when invalid.
 */
export function birthDate(text: string): string | undefined | null {
  const match = DAY.exec(text);
  if (!match) return null;
  const [, year, mo, day] = match;
  if (mo === "00" || day === "00") return +year! >= 1800 ? undefined : null;
  return validDay(+year!, +mo!, +day!) ? `${year}-${mo}-${day}` : null;
}

/** `a; b;;c` -> ["a", "b", "c"]. */
export function list(text: string | undefined): string[] {
  const out: string[] = [];
  for (const part of (text ?? "").split(";")) {
    const item = part.trim();
    if (item) out.push(item);
  }
  return out;
}

/** ICD-10 as hospitals write it: upper case; `J189` is `J18.9`. */
export function icd10(code: string): string {
  const normalized = code.trim().toUpperCase();
  const match = ICD_WITHOUT_DOT.exec(normalized);
  return match ? `${match[1]}.${match[2]}` : normalized;
}

function holds(tests: XmlTest[], fields: ReadonlyMap<string, string>): boolean {
  for (const test of tests) {
    const value = fields.get(test.field)?.trim() ?? "";
    if (test.in ? test.in.includes(value) : value !== "") return true;
  }
  return false;
}

const GENDER: Record<string, string> = { "1": "male", "2": "female", "3": "undetermined" };

export interface MapContext {
  rules: XmlMappingRules;
  /** The facility the file is for: an episode naming another one (MA_CSKCB) is refused. */
  facilityCode: string;
}

const ZERO = parseMoney("0")!;

/** The summary's fields, read the way the mapping needs them, and the errors found on the way. */
class Summary {
  constructor(
    readonly fields: ReadonlyMap<string, string>,
    readonly errors: FieldError[],
  ) {}

  get(name: string): string {
    return this.fields.get(name)?.trim() ?? "";
  }

  fail(path: string, code: string, message: string) {
    this.errors.push({ path, code, message });
  }

  /** A required yyyymmddHHMM time as RFC 3339. */
  time(name: string): string | undefined {
    const raw = this.get(name);
    if (!raw) return void this.fail(`XML1.${name}`, "required", "required");
    const time = vietnamTime(raw);
    if (!time) this.fail(`XML1.${name}`, "invalid_format", "must be a time of 12 digits yyyymmddHHMM (Vietnam time)");
    return time ?? undefined;
  }

  /** An amount; an optional one that is empty is 0. */
  money(name: string, required: boolean): Dec | null {
    const raw = this.get(name);
    if (!raw) {
      if (required) this.fail(`XML1.${name}`, "required", "required");
      return required ? null : ZERO;
    }
    const amount = parseMoney(raw);
    if (!amount) this.fail(`XML1.${name}`, "invalid_money", "must be a non-negative amount with at most 2 decimals");
    return amount;
  }
}

/** The episode's one summary table, parsed, with the standard it follows; null (and errors in `out`) otherwise. */
function readSummary(episode: RawEpisode, out: MappedEpisode): { summary: Summary; standard: Standard } | null {
  const summaries: RawTable[] = [];
  for (const table of episode.tables) if (table.type === "XML1") summaries.push(table);
  if (summaries.length !== 1) {
    out.errors.push(
      summaries.length
        ? { path: "XML1", code: "duplicate_table", message: "a HOSO has one summary table (XML1)" }
        : { path: "XML1", code: "required", message: "a HOSO needs its summary table (XML1)" },
    );
    return null;
  }
  const parsed = parseTable(summaries[0]!.xml ?? "", `HOSO[${episode.index}].XML1`);
  if ("malformed" in parsed) {
    out.errors.push({
      path: "XML1",
      code: "xml_malformed",
      message: `the XML1 document is not well-formed XML: ${parsed.malformed}`,
    });
    return null;
  }
  const summary = new Summary(parsed.fields, out.errors);
  out.claimId = summary.get("MA_LK") || null;
  if (parsed.root !== "TONG_HOP") {
    summary.fail("XML1", "unexpected_root", "the XML1 document's root must be TONG_HOP");
    return null;
  }
  const standard = detectStandard(summary.fields);
  out.standard = standard;
  if (!standard) {
    summary.fail(
      "XML1",
      "unknown_standard",
      "not a summary of Decision 130/4750 (MA_THE_BHYT, MA_BENH_CHINH, T_TONGCHI_BV) or 4210 (MA_THE, MA_BENH, " +
        "T_TONGCHI)",
    );
    return null;
  }
  return { summary, standard };
}

/** The patient: the last card of MA_THE_BHYT (a list when the card changed), citizen ID (130 only), birth, gender. */
function patientOf(summary: Summary, standard: Standard, names: Names) {
  let birth: string | undefined;
  if (summary.get("NGAY_SINH")) {
    const born = birthDate(summary.get("NGAY_SINH"));
    if (born === null)
      summary.fail("XML1.NGAY_SINH", "invalid_format", "must be a date yyyymmddHHMM (or yyyymmdd), unknown parts 00");
    else birth = born;
  }
  const genderCode = summary.get("GIOI_TINH");
  const gender = genderCode ? GENDER[genderCode] : undefined;
  if (genderCode && !gender)
    summary.fail("XML1.GIOI_TINH", "invalid_value", "must be 1 (male), 2 (female) or 3 (undetermined)");
  const cards = list(summary.get(names.card).toUpperCase());
  const citizenId = standard === "130" && /^\d{12}$/.test(summary.get("SO_CCCD")) ? summary.get("SO_CCCD") : undefined;
  return {
    ...(cards.length ? { cardNumber: cards[cards.length - 1] } : {}),
    ...(citizenId ? { citizenId } : {}),
    ...(summary.get("HO_TEN") ? { name: summary.get("HO_TEN") } : {}),
    ...(birth ? { birthDate: birth } : {}),
    ...(gender ? { gender } : {}),
  };
}

/** MA_LOAI_KCB through the rules' table; an emergency by the rules' test replaces the visit types it names. */
function visitTypeOf(summary: Summary, rules: XmlMappingRules): string | undefined {
  const kind = summary.get("MA_LOAI_KCB");
  if (!kind) return void summary.fail("XML1.MA_LOAI_KCB", "required", "required");
  const visitType = /^\d{1,2}$/.test(kind) ? rules.visitTypes[kind.padStart(2, "0")] : undefined;
  if (!visitType)
    return void summary.fail(
      "XML1.MA_LOAI_KCB",
      "invalid_value",
      `unknown MA_LOAI_KCB; the rules know ${Object.keys(rules.visitTypes).join(", ")}`,
    );
  if (rules.emergency.replaces.includes(visitType as never) && holds(rules.emergency.when, summary.fields))
    return "emergency";
  return visitType;
}

/** What automated assessment reads of XML1 besides: the visit's type code, how the stay ended, its result. */
function assessedFacts(summary: Summary) {
  const visitCode = summary.get("MA_LOAI_KCB")?.trim();
  const dischargeKind = summary.get("MA_LOAI_RV")?.trim();
  const treatmentResult = summary.get("KET_QUA_DTRI")?.trim();
  return {
    ...(visitCode && /^\d{1,2}$/.test(visitCode) ? { visitCode: visitCode.padStart(2, "0") } : {}),
    ...(dischargeKind ? { dischargeKind } : {}),
    ...(treatmentResult ? { treatmentResult } : {}),
  };
}

/** Main and secondary ICD-10 codes. Should MA_BENH hold several codes (;), the first is the main one. */
function diagnosesOf(summary: Summary, names: Names, rules: XmlMappingRules) {
  const secondary = list(summary.get(names.secondary)).map(icd10);
  if (secondary.length > rules.maxSecondaryDiagnoses)
    summary.fail(`XML1.${names.secondary}`, "too_big", `at most ${rules.maxSecondaryDiagnoses} codes`);
  const primaries = list(summary.get(names.primary)).map(icd10);
  const primary = primaries[0];
  if (!primary) summary.fail(`XML1.${names.primary}`, "required", "required");
  return { primary, secondary: [...primaries.slice(1), ...secondary] };
}

/**
 * Amounts (130, Bảng 1 fields 46-51): T_TONGCHI_BV is everything the stay cost; the fund pays T_BHTT
 * (= T_TONGCHI_BH - T_BNCCT); the patient pays the co-payment T_BNCCT and what is outside the fund's
 * scope T_BNTT; other sources T_NGUONKHAC. So T_TONGCHI_BV = T_BHTT + T_BNCCT + T_BNTT + T_NGUONKHAC.
 */
function amountsOf(summary: Summary, standard: Standard, names: Names) {
  const total = summary.money(names.total, true);
  const fund = summary.money("T_BHTT", true);
  const coPay = summary.money("T_BNCCT", false);
  const outside = summary.money("T_BNTT", false);
  const other = summary.money("T_NGUONKHAC", false);
  if (standard === "130" && summary.get("T_TONGCHI_BH") && fund && coPay) {
    const inScope = summary.money("T_TONGCHI_BH", false);
    if (inScope && !inScope.minus(coPay).equals(fund))
      summary.fail("XML1.T_BHTT", "amounts_inconsistent", "T_BHTT must equal T_TONGCHI_BH - T_BNCCT");
  }
  return { total, fund, coPay, outside, other };
}

/** The documents the episode's other tables are (the rules say which), each with its reference. */
function documentsOf(episode: RawEpisode, summary: Summary, rules: XmlMappingRules, out: MappedEpisode) {
  const documents: { type: string; reference: string }[] = [];
  for (const inner of episode.tables) {
    const doc = rules.documentTables[inner.type];
    if (!doc) continue;
    const table = parseTable(inner.xml ?? "", `HOSO[${episode.index}].${inner.type}`);
    if ("malformed" in table) {
      summary.fail(
        inner.type,
        "xml_malformed",
        `the ${inner.type} document is not well-formed XML: ${table.malformed}`,
      );
      continue;
    }
    let ref: string | undefined;
    for (const name of doc.reference) if ((ref = table.fields.get(name)?.trim())) break;
    documents.push({
      type: doc.type,
      reference: (ref || `${inner.type}/${out.claimId ?? episode.index}`).slice(0, 200),
    });
    out.documentTables.push(inner.type);
  }
  return documents;
}

type LineTable = XmlMappingRules["lineTables"][string];

const first = (fields: ReadonlyMap<string, string>, names: readonly string[]) => {
  for (const name of names) {
    const value = fields.get(name)?.trim();
    if (value) return value;
  }
  return undefined;
};

/** One row of a detail table as a line of the JSON contract; its formats are the claim validation's to check. */
/** A line's time field (yyyymmddHHMM, Vietnam time) as RFC 3339; undefined when absent, failed when malformed. */
function timeOf(fields: ReadonlyMap<string, string>, names: readonly string[], where: string, summary: Summary) {
  const text = first(fields, names);
  const time = text ? vietnamTime(text) : undefined;
  if (time === null) summary.fail(`${where}.${names[0]}`, "invalid_format", "must be a time of 12 digits yyyymmddHHMM");
  return time ?? undefined;
}

/** The fields named in `picks` that the row has, as { key: value }. */
function optional<K extends string>(fields: ReadonlyMap<string, string>, picks: Record<K, readonly string[]>) {
  const out: Partial<Record<K, string>> = {};
  for (const key of Object.keys(picks) as K[]) {
    const value = first(fields, picks[key]);
    if (value) out[key] = value;
  }
  return out;
}

/** One row of a detail table as a line of the JSON contract; its formats are the claim validation's to check. */
function lineOf(fields: ReadonlyMap<string, string>, table: LineTable, where: string, summary: Summary) {
  const orderedAt = timeOf(fields, table.orderedAt, where, summary);
  const executedAt = timeOf(fields, table.executedAt, where, summary);
  const name = first(fields, table.name);
  const supply = !!first(fields, table.supplyWhen);
  return {
    kind: supply ? "supply" : table.kind,
    itemCode: first(fields, table.itemCode),
    ...(name ? { name: name.slice(0, 1024) } : {}),
    costGroup: first(fields, table.costGroup),
    quantity: first(fields, table.quantity),
    unitPrice: first(fields, table.unitPrice),
    amount: first(fields, table.amount),
    insurance: first(fields, table.insurance),
    ...(orderedAt ? { orderedAt } : {}),
    ...(executedAt ? { executedAt } : {}),
    ...optional(fields, {
      insuredPrice: table.insuredPrice,
      bidInfo: table.bidInfo,
      orderedBy: table.orderedBy,
      performedBy: table.performedBy,
      serviceCode: supply ? table.serviceCode : [],
    }),
  };
}

/** The cost lines of the episode's detail tables (the rules say which), in table then row order. */
function linesOf(episode: RawEpisode, summary: Summary, rules: XmlMappingRules, out: MappedEpisode) {
  const lines: ReturnType<typeof lineOf>[] = [];
  for (const inner of episode.tables) {
    const table = rules.lineTables[inner.type];
    if (!table) continue;
    const rows = parseRows(inner.xml ?? "", `HOSO[${episode.index}].${inner.type}`, table.row);
    if ("malformed" in rows) {
      summary.fail(inner.type, "xml_malformed", `the ${inner.type} document is not well-formed XML: ${rows.malformed}`);
      continue;
    }
    rows.forEach((fields, row) => {
      lines.push(lineOf(fields, table, `${inner.type}.${table.row}[${row}]`, summary));
      out.lineSources.push({ table: inner.type, row });
    });
  }
  return lines;
}

/** The referral paper's number and its issuer from the fields the rules name (`referralPaper`, `referralFrom`). */
function referralPaperOf(
  summary: Summary,
  rules: MapContext["rules"],
): { referralPaper?: string; referralFrom?: string } {
  const number = rules.referralPaper.map((field) => summary.get(field)?.trim()).find(Boolean);
  const from = rules.referralFrom.map((field) => summary.get(field)?.trim()).find((code) => /^\d{5}$/.test(code ?? ""));
  return { ...(number ? { referralPaper: number } : {}), ...(from ? { referralFrom: from } : {}) };
}

/** Translates one episode. Throws (a Problem) only for an inner document that makes the whole file untrustworthy. */
export function mapEpisode(episode: RawEpisode, ctx: MapContext): MappedEpisode {
  const out: MappedEpisode = {
    index: episode.index,
    claimId: null,
    claim: null,
    errors: [],
    standard: null,
    documentTables: [],
    lineSources: [],
  };
  const read = readSummary(episode, out);
  if (!read) return out;
  const { summary, standard } = read;
  const names = NAMES[standard];
  const { rules } = ctx;

  if (!out.claimId) summary.fail("XML1.MA_LK", "required", "required");
  const facility = summary.get("MA_CSKCB");
  if (facility && facility !== ctx.facilityCode)
    summary.fail("XML1.MA_CSKCB", "facility_mismatch", "the episode names another facility than the file is for");
  const admittedAt = summary.time("NGAY_VAO");
  const dischargedAt = summary.time("NGAY_RA");
  const patient = patientOf(summary, standard, names);
  const visitType = visitTypeOf(summary, rules);
  const diagnosis = diagnosesOf(summary, names, rules);
  const amounts = amountsOf(summary, standard, names);
  const documents = documentsOf(episode, summary, rules, out);
  const lines = linesOf(episode, summary, rules, out);
  if (out.errors.length) return out;
  out.claim = {
    claimId: out.claimId,
    patient,
    visitType,
    ...assessedFacts(summary),
    admittedAt,
    dischargedAt,
    diagnosis,
    referral: holds(rules.referral, summary.fields),
    ...referralPaperOf(summary, rules),
    procedure: holds(rules.procedure, summary.fields),
    died: holds(rules.died, summary.fields),
    amounts: {
      total: formatMoney(amounts.total!),
      insurance: formatMoney(amounts.fund!),
      patient: formatMoney(amounts.coPay!.plus(amounts.outside!)),
      other: formatMoney(amounts.other!),
      // What the drug and supply lines must add up to, when the file has lines to add.
      ...(lines.length ? { drugs: summary.get("T_THUOC") || "0", supplies: summary.get("T_VTYT") || "0" } : {}),
    },
    documents,
    lines,
  };
  return out;
}

/** Field names of the contract, as the standard calls them, for messages. */
function renamed(message: string, names: Names): string {
  return message
    .replace(/\bdischargedAt\b/g, "NGAY_RA")
    .replace(/\badmittedAt\b/g, "NGAY_VAO")
    .replace(/\bbirthDate\b/g, "NGAY_SINH")
    .replace(/\bcardNumber\b/g, names.card)
    .replace(/\bcitizenId\b/g, "SO_CCCD")
    .replace(/\bclaimId\b/g, "MA_LK")
    .replace(/\breferralPaper\b/g, "GIAY_CHUYEN_TUYEN");
}

/** The standard's field for each part of a line, by the table it came from. */
const LINE_FIELDS: Record<string, (table: string) => string> = {
  kind: () => "MA_NHOM",
  itemCode: (table) => (table === "XML2" ? "MA_THUOC" : "MA_DICH_VU"),
  name: (table) => (table === "XML2" ? "TEN_THUOC" : "TEN_DICH_VU"),
  costGroup: () => "MA_NHOM",
  quantity: () => "SO_LUONG",
  unitPrice: () => "DON_GIA",
  amount: () => "THANH_TIEN_BV",
  insurance: () => "T_BHTT",
  orderedAt: () => "NGAY_YL",
  executedAt: () => "NGAY_TH_YL",
  insuredPrice: () => "DON_GIA_BH",
  bidInfo: () => "TT_THAU",
  orderedBy: () => "MA_BAC_SI",
  performedBy: () => "NGUOI_THUC_HIEN",
  serviceCode: () => "MA_DICH_VU",
};

/**
 * Where an error of the claim validation (`path` after `claims[i].`) lies in
 * the episode, and its message in the standard's terms.
 */
export function xmlField(
  path: string,
  code: string,
  message: string,
  ep: Pick<MappedEpisode, "standard" | "documentTables" | "lineSources">,
): { path: string; message: string } {
  const names = NAMES[ep.standard ?? "130"];
  const doc = /^documents\[(\d+)\]/.exec(path);
  if (doc) return { path: ep.documentTables[Number(doc[1])] ?? "XML1", message: renamed(message, names) };
  if (code === "amounts_do_not_add_up")
    return {
      path: `XML1.${names.total}`,
      message: `${names.total} must equal T_BHTT + T_BNCCT + T_BNTT + T_NGUONKHAC exactly`,
    };
  if (code === "patient_identifier_required")
    return {
      path: `XML1.${names.card}`,
      message:
        ep.standard === "4210" ? `${names.card} is required` : `${names.card} or SO_CCCD (12 digits) is required`,
    };
  const fields: [RegExp, string][] = [
    [/^claimId/, "MA_LK"],
    [/^patient\.cardNumber/, names.card],
    [/^patient\.citizenId/, "SO_CCCD"],
    [/^patient\.name/, "HO_TEN"],
    [/^patient\.birthDate/, "NGAY_SINH"],
    [/^patient\.gender/, "GIOI_TINH"],
    [/^visitType/, "MA_LOAI_KCB"],
    [/^visitCode/, "MA_LOAI_KCB"],
    [/^dischargeKind/, "MA_LOAI_RV"],
    [/^treatmentResult/, "KET_QUA_DTRI"],
    [/^admittedAt/, "NGAY_VAO"],
    [/^dischargedAt/, "NGAY_RA"],
    [/^diagnosis\.primary/, names.primary],
    [/^diagnosis\.secondary/, names.secondary],
    [/^amounts\.total/, names.total],
    [/^amounts\.insurance/, "T_BHTT"],
    [/^amounts\.patient/, "T_BNCCT"],
    [/^amounts\.other/, "T_NGUONKHAC"],
    [/^referralPaper/, "GIAY_CHUYEN_TUYEN"],
    [/^referralFrom/, "MA_NOI_DI"],
    [/^amounts\.drugs/, "T_THUOC"],
    [/^amounts\.supplies/, "T_VTYT"],
  ];
  const line = /^lines\[(\d+)\]\.?(\w*)/.exec(path);
  const source = line && ep.lineSources[Number(line[1])];
  if (source) {
    const field = LINE_FIELDS[line[2]!]?.(source.table) ?? "";
    const row = `${source.table}[${source.row}]`;
    return { path: field ? `${row}.${field}` : row, message: renamed(message, names) };
  }
  const hit = fields.find(([re]) => re.test(path));
  return { path: hit ? `XML1.${hit[1]}` : "XML1", message: renamed(message, names) };
}
