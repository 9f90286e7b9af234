/**
 * Realistic claim files in the Ministry of Health XML standard, made from a
 * seed: the envelope (GIAMDINHHS), one HOSO per episode with its tables in
 * base64 (XML1 summary, XML2 drugs, XML3 services and supplies, XML7 discharge
 * paper and XML13 referral paper when the episode has them), 12-digit Vietnam
 * times, 15-character cards, `;` lists (a card changed during the stay,
 * secondary diagnoses, procedures). Amounts come from the detail lines and add
 * up the way Decision 130 says (T_BHTT = T_TONGCHI_BH - T_BNCCT, T_TONGCHI_BV =
 * T_BHTT + T_BNCCT + T_BNTT + T_NGUONKHAC). Used by the tests, the benchmark
 * and anyone who wants a file to try: `fixtureEnvelope({ seed: 1, ... })`.
 *
 * Money is integer VND here, so plain integer arithmetic is exact.
 */

export type FixtureStandard = "130" | "4210";

/** A small, fast, seedable PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (rand: Rand, min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
const digits = (rand: Rand, n: number) => Array.from({ length: n }, () => int(rand, 0, 9)).join("");
const chance = (rand: Rand, p: number) => rand() < p;

export interface DetailLine {
  code: string;
  name: string;
  unit: string;
  quantity: number;
  price: number;
  /** Part of the line's cost inside the fund's scope (THANH_TIEN_BH); the rest the patient pays (T_BNTT). */
  inScope: number;
  /** MA_NHOM (rules/costs.json); 10 is a medical supply, written with MA_VAT_TU in XML3. */
  group: string;
}

export interface EpisodeSpec {
  maLk: string;
  facility: string;
  name: string;
  /** yyyymmddHHMM, unknown parts 0000. */
  birth: string;
  gender: "1" | "2" | "3";
  citizenId: string | null;
  /** Card numbers in the order they applied; the last is in force at discharge. */
  cards: string[];
  /** MA_LOAI_KCB, two digits. */
  kind: string;
  /** MA_DOITUONG_KCB (130); 4210 writes MA_LYDO_VVIEN, "2" emergency either way. */
  doiTuong: string;
  admitted: Date;
  discharged: Date;
  primary: string;
  secondary: string[];
  /** ICD-9-CM codes of surgeries or procedures. */
  procedures: string[];
  /** KET_QUA_DTRI: 1 cured, 2 better, ... 5 died, 8 died outside hospital. */
  outcome: string;
  /** MA_LOAI_RV: 1 discharged, 2 / 5 referred out. */
  leave: string;
  /** Referred from (MA_NOI_DI) with a referral paper number (GIAY_CHUYEN_TUYEN); empty when not. */
  referredFrom: string;
  referralPaper: string;
  /** Referred to (MA_NOI_DEN), with XML13. */
  referredTo: string;
  drugs: DetailLine[];
  services: DetailLine[];
  /** Paid by other sources, out of what the patient would otherwise pay outside the fund's scope. */
  otherSources: number;
  /** Co-payment percentage of the card's benefit level. */
  coPayPercent: number;
  xml7: boolean;
  xml13: boolean;
}

export interface FixtureOptions {
  seed: number;
  facility: string;
  episodes: number;
  standard?: FixtureStandard;
  /** Every discharge lies within `days` before this instant. */
  dischargedBefore: Date;
  days?: number;
  /** MA_LK of episode i: `${prefix}${seed}-${i}`. */
  prefix?: string;
  /** Per-episode changes to the random spec. */
  override?: (i: number, spec: EpisodeSpec) => Partial<EpisodeSpec>;
  /** Per-episode raw XML1 fields to set (or, with null, to leave out): to write what no valid spec produces. */
  xml1?: (i: number) => Partial<Record<string, string | null>>;
  /** A CHUKYDONVI element (a dummy XML signature) after THONGTINHOSO. */
  signature?: boolean;
  /** Base64 wrapped at 76 characters, as some exporters write it. */
  wrapBase64?: boolean;
}

const FAMILY = [
  "Nguyễn",
  "Trần",
  "Lê",
  "Phạm",
  "Hoàng",
  "Huỳnh",
  "Phan",
  "Vũ",
  "Võ",
  "Đặng",
  "Bùi",
  "Đỗ",
  "Hồ",
  "Ngô",
  "Dương",
];
const MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thu", "Hữu", "Thanh", "Quốc", "Kim"];
const GIVEN = [
  "An",
  "Bình",
  "Chi",
  "Dũng",
  "Hà",
  "Hải",
  "Hạnh",
  "Hùng",
  "Lan",
  "Linh",
  "Mai",
  "Nam",
  "Phương",
  "Quân",
  "Sơn",
  "Trang",
  "Tuấn",
  "Yến",
  "Đạt",
  "Thảo",
];
const GROUPS = ["DN", "HT", "TE", "GD", "HS", "CB", "XK", "HN", "BT", "SV", "NN", "CK"];
const ICD = [
  "J06.9",
  "J18.9",
  "I10",
  "E11.9",
  "K29.7",
  "A09",
  "J20.9",
  "M54.5",
  "N39.0",
  "K21.9",
  "E78.5",
  "I25.1",
  "J44.9",
  "R50.9",
  "S06.0",
  "K35.8",
  "I63.9",
  "B34.9",
  "H10.9",
  "M17.1",
];
const PROCEDURES = ["47.09", "74.1", "81.54", "36.06", "86.59", "99.04", "45.23", "13.41", "79.35", "51.23"];
// Code, name, unit, price, MA_NHOM.
export type Item = [string, string, string, number, string];
export const DRUGS: Item[] = [
  ["40.17", "Paracetamol 500mg", "Viên", 350, "4"],
  ["40.27", "Amoxicilin 500mg", "Viên", 1200, "4"],
  ["40.487", "Omeprazol 20mg", "Viên", 900, "4"],
  ["40.527", "Metformin 850mg", "Viên", 700, "4"],
  ["40.469", "Amlodipin 5mg", "Viên", 450, "4"],
  ["40.1035", "Natri clorid 0,9% 500ml", "Chai", 11000, "4"],
  ["40.244", "Ceftriaxon 1g", "Lọ", 24000, "4"],
  ["40.675", "Salbutamol 2mg", "Viên", 300, "4"],
];
export const SERVICES: Item[] = [
  ["02.1896", "Khám Nội", "Lần", 42100, "13"],
  ["23.0058", "Định lượng Glucose [Máu]", "Lần", 21500, "1"],
  ["22.0121", "Tổng phân tích tế bào máu ngoại vi", "Lần", 46200, "1"],
  ["18.0001", "Siêu âm ổ bụng", "Lần", 43900, "2"],
  ["18.0068", "Chụp Xquang ngực thẳng", "Lần", 65400, "2"],
  ["21.0014", "Điện tim thường", "Lần", 32800, "3"],
  ["K03.1901", "Ngày giường bệnh Nội khoa loại 2", "Ngày", 199100, "15"],
  ["N06.03", "Bơm tiêm nhựa 5ml", "Cái", 950, "10"],
];
/** MA_NHOM of medical supplies: their lines carry MA_VAT_TU and add up to T_VTYT. */
const SUPPLY_GROUPS = new Set(["10", "11"]);
// MA_LOAI_KCB by share of episodes: mostly outpatient visits, a fifth inpatient.
const KINDS: [string, number][] = [
  ["01", 0.6],
  ["02", 0.05],
  ["03", 0.2],
  ["04", 0.03],
  ["05", 0.04],
  ["06", 0.01],
  ["07", 0.03],
  ["08", 0.03],
  ["09", 0.01],
];
const STAYS = new Set(["02", "03", "04", "06", "09"]);

const HOUR = 3_600_000;

/** A Date as the standard writes it: yyyymmddHHMM in Vietnam time (UTC+7). */
export function vnTime(at: Date): string {
  const iso = new Date(at.getTime() + 7 * HOUR).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

function line(rand: Rand, from: Item[], stayDays: number): DetailLine {
  const [code, name, unit, price, group] = pick(rand, from);
  const quantity = unit === "Ngày" ? stayDays : int(rand, 1, unit === "Viên" ? 30 : 3);
  const cost = quantity * price;
  // Most lines are fully covered; some are partly outside the fund's scope (a price above the ceiling).
  const inScope = chance(rand, 0.15) ? Math.floor((cost * int(rand, 50, 95)) / 100) : cost;
  return { code, name, unit, quantity, price, inScope, group };
}

function card(rand: Rand, province: string): string {
  const group = pick(rand, GROUPS);
  const level =
    group === "TE" || group === "BT" ? "1" : group === "HT" ? "3" : pick(rand, ["2", "3", "4", "4", "4", "5"]);
  return `${group}${level}${province}${digits(rand, 10)}`;
}

const COPAY: Record<string, number> = { "1": 0, "2": 0, "3": 5, "4": 20, "5": 0 };

/** A random but coherent episode: who, when, what was wrong and done, what it cost, which papers it has. */
export function randomEpisode(rand: Rand, index: number, options: FixtureOptions): EpisodeSpec {
  const province = options.facility.slice(0, 2);
  let roll = rand();
  const kind = KINDS.find(([, share]) => (roll -= share) < 0)?.[0] ?? "01";
  const stay = STAYS.has(kind);
  const days = options.days ?? 20;
  const discharged = new Date(options.dischargedBefore.getTime() - int(rand, 1, days * 24 * 60) * 60_000);
  const stayDays = stay ? int(rand, 1, 10) : 0;
  const admitted = new Date(
    discharged.getTime() - (stay ? stayDays * 24 * HOUR - int(rand, 0, 20) * HOUR : int(rand, 1, 4) * HOUR),
  );
  const gender = pick(rand, ["1", "2", "1", "2", "3"] as const);
  const year = int(rand, 1935, 2024);
  const birth = chance(rand, 0.03)
    ? `${year}00000000`
    : `${year}${String(int(rand, 1, 12)).padStart(2, "0")}${String(int(rand, 1, 28)).padStart(2, "0")}0000`;
  // The citizen ID codes the sex and century (0/1 male/female 1900s, 2/3 in the 2000s) and the year.
  const sexCentury = (year >= 2000 ? 2 : 0) + (gender === "2" ? 1 : 0);
  const citizenId = chance(rand, 0.85) ? `0${province}${sexCentury}${String(year).slice(2)}${digits(rand, 6)}` : null;
  const cards = [card(rand, chance(rand, 0.9) ? province : pick(rand, ["79", "48", "31", "92"]))];
  if (chance(rand, 0.05)) cards.push(card(rand, province));
  const procedures = chance(rand, stay ? 0.3 : 0.05)
    ? Array.from({ length: int(rand, 1, 2) }, () => pick(rand, PROCEDURES))
    : [];
  const died = stay && chance(rand, 0.01);
  const referredIn = chance(rand, 0.1);
  const referredOut = !died && chance(rand, 0.05);
  const outcome = died ? pick(rand, ["5", "5", "8"]) : pick(rand, ["1", "2", "2", "3"]);
  const spec: EpisodeSpec = {
    maLk: `${options.prefix ?? "LK"}${options.seed}-${index}`,
    facility: options.facility,
    name: `${pick(rand, FAMILY)} ${pick(rand, MIDDLE)} ${pick(rand, GIVEN)}`,
    birth,
    gender,
    citizenId,
    cards,
    kind,
    doiTuong: chance(rand, 0.08) ? "2" : pick(rand, ["1", "1", "1", "3"]),
    admitted,
    discharged,
    primary: pick(rand, ICD),
    secondary: Array.from({ length: int(rand, 0, 4) }, () => pick(rand, ICD)),
    procedures,
    outcome,
    leave: referredOut ? pick(rand, ["2", "5"]) : "1",
    referredFrom: referredIn ? `${pick(rand, ["01", province])}${digits(rand, 3)}` : "",
    referralPaper: referredIn ? `${digits(rand, 4)}/GCT` : "",
    referredTo: referredOut ? `01${digits(rand, 3)}` : "",
    drugs: Array.from({ length: int(rand, 1, 6) }, () => line(rand, DRUGS, stayDays)),
    services: Array.from({ length: int(rand, 1, stay ? 8 : 4) }, () => line(rand, SERVICES, Math.max(stayDays, 1))),
    otherSources: 0,
    coPayPercent: COPAY[cards[cards.length - 1]![2]!]!,
    xml7: stay && chance(rand, 0.7),
    xml13: referredOut,
  };
  const outside = [...spec.drugs, ...spec.services].reduce((n, l) => n + l.quantity * l.price - l.inScope, 0);
  if (outside > 0 && chance(rand, 0.3)) spec.otherSources = Math.floor(outside / 2);
  return { ...spec, ...options.override?.(index, spec) };
}

const lineCoPay = (l: DetailLine, percent: number) => Math.round((l.inScope * percent) / 100);

/** The summary amounts of an episode, from its lines, the way Decision 130 defines them. */
export function amountsOf(spec: EpisodeSpec) {
  const lines = [...spec.drugs, ...spec.services];
  const cost = (ls: DetailLine[]) => ls.reduce((n, l) => n + l.quantity * l.price, 0);
  const total = cost(lines);
  const inScope = lines.reduce((n, l) => n + l.inScope, 0);
  const coPay = lines.reduce((n, l) => n + lineCoPay(l, spec.coPayPercent), 0);
  return {
    T_THUOC: cost(spec.drugs),
    T_VTYT: cost(spec.services.filter((l) => SUPPLY_GROUPS.has(l.group))),
    T_TONGCHI_BV: total,
    T_TONGCHI_BH: inScope,
    T_BNTT: total - inScope - spec.otherSources,
    T_BNCCT: coPay,
    T_BHTT: inScope - coPay,
    T_NGUONKHAC: spec.otherSources,
  };
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
export const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** An inner document: declaration, root, one element per field (a null field is left out). */
export function tableXml(root: string, fields: Record<string, string | number | null>): string {
  const body = Object.entries(fields)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => (v === "" ? `<${k}/>` : `<${k}>${escapeXml(String(v))}</${k}>`))
    .join("");
  return `<?xml version="1.0" encoding="utf-8"?>\n<${root}>${body}</${root}>`;
}

/** The XML1 fields of an episode, in the order of the standard's table. */
export function summaryFields(spec: EpisodeSpec, standard: FixtureStandard = "130"): Record<string, string> {
  const amounts = amountsOf(spec);
  const days = STAYS.has(spec.kind)
    ? Math.floor((spec.discharged.getTime() - spec.admitted.getTime()) / (24 * HOUR)) + 1
    : 0;
  const vao = vnTime(spec.admitted);
  const ra = vnTime(spec.discharged);
  const money = (n: number) => String(n);
  if (standard === "4210")
    return {
      MA_LK: spec.maLk,
      STT: "1",
      MA_BN: spec.maLk.slice(-8),
      HO_TEN: spec.name,
      NGAY_SINH: spec.birth.slice(0, 8),
      GIOI_TINH: spec.gender,
      DIA_CHI: "Số 1 Đường Giải Phóng, Hà Nội",
      MA_THE: spec.cards.join(";"),
      MA_DKBD: `${spec.facility}`,
      GT_THE_TU: "20260101",
      GT_THE_DEN: "20261231",
      MIEN_CUNG_CT: "",
      TEN_BENH: "Bệnh theo mã ICD",
      MA_BENH: spec.primary,
      MA_BENHKHAC: spec.secondary.join(";"),
      MA_LYDO_VVIEN: spec.doiTuong === "2" ? "2" : "1",
      MA_NOI_CHUYEN: spec.referredFrom,
      MA_TAI_NAN: "",
      NGAY_VAO: vao,
      NGAY_RA: ra,
      SO_NGAY_DTRI: String(days),
      KET_QUA_DTRI: spec.outcome,
      TINH_TRANG_RV: spec.leave === "1" ? "1" : "2",
      NGAY_TTOAN: ra,
      T_THUOC: money(amounts.T_THUOC),
      T_VTYT: money(amounts.T_VTYT),
      T_TONGCHI: money(amounts.T_TONGCHI_BV),
      T_BNTT: money(amounts.T_BNTT),
      T_BNCCT: money(amounts.T_BNCCT),
      T_BHTT: money(amounts.T_BHTT),
      T_NGUONKHAC: money(amounts.T_NGUONKHAC),
      T_NGOAIDS: "0",
      NAM_QT: ra.slice(0, 4),
      THANG_QT: ra.slice(4, 6),
      MA_LOAI_KCB: String(Number(spec.kind)),
      MA_KHOA: "K01",
      MA_CSKCB: spec.facility,
      MA_KHUVUC: "",
      MA_PTTT_QT: spec.procedures.join(";"),
      CAN_NANG: "55",
    };
  return {
    MA_LK: spec.maLk,
    STT: "1",
    MA_BN: spec.maLk.slice(-8),
    HO_TEN: spec.name,
    SO_CCCD: spec.citizenId ?? "",
    NGAY_SINH: spec.birth,
    GIOI_TINH: spec.gender,
    NHOM_MAU: "",
    MA_QUOCTICH: "000",
    MA_DANTOC: "01",
    MA_NGHE_NGHIEP: "00000",
    DIA_CHI: "Số 1 Đường Giải Phóng, Phường Bạch Mai, Hà Nội",
    MATINH_CU_TRU: spec.facility.slice(0, 2),
    MAHUYEN_CU_TRU: "001",
    MAXA_CU_TRU: "00001",
    DIEN_THOAI: "",
    MA_THE_BHYT: spec.cards.join(";"),
    MA_DKBD: spec.cards.map(() => spec.facility).join(";"),
    GT_THE_TU: spec.cards.map(() => "20260101").join(";"),
    GT_THE_DEN: spec.cards.map(() => "20261231").join(";"),
    NGAY_MIEN_CCT: "",
    LY_DO_VV: "Đau, sốt",
    LY_DO_VNT: "",
    MA_LY_DO_VNT: "",
    CHAN_DOAN_VAO: "Theo dõi <chẩn đoán> & điều trị",
    CHAN_DOAN_RV: "Chẩn đoán ra viện",
    MA_BENH_CHINH: spec.primary,
    MA_BENH_KT: spec.secondary.join(";"),
    MA_BENH_YHCT: "",
    MA_PTTT_QT: spec.procedures.join(";"),
    MA_DOITUONG_KCB: spec.doiTuong,
    MA_NOI_DI: spec.referredFrom,
    MA_NOI_DEN: spec.referredTo,
    MA_TAI_NAN: "",
    NGAY_VAO: vao,
    NGAY_VAO_NOI_TRU: STAYS.has(spec.kind) ? vao : "",
    NGAY_RA: ra,
    GIAY_CHUYEN_TUYEN: spec.referralPaper,
    SO_NGAY_DTRI: String(days),
    PP_DIEU_TRI: "Điều trị nội khoa",
    KET_QUA_DTRI: spec.outcome,
    MA_LOAI_RV: spec.leave,
    GHI_CHU: "",
    NGAY_TTOAN: ra,
    T_THUOC: money(amounts.T_THUOC),
    T_VTYT: money(amounts.T_VTYT),
    T_TONGCHI_BV: money(amounts.T_TONGCHI_BV),
    T_TONGCHI_BH: money(amounts.T_TONGCHI_BH),
    T_BNTT: money(amounts.T_BNTT),
    T_BNCCT: money(amounts.T_BNCCT),
    T_BHTT: money(amounts.T_BHTT),
    T_NGUONKHAC: money(amounts.T_NGUONKHAC),
    T_BHTT_GDV: "0",
    NAM_QT: ra.slice(0, 4),
    THANG_QT: ra.slice(4, 6),
    MA_LOAI_KCB: spec.kind,
    MA_KHOA: "K01",
    MA_CSKCB: spec.facility,
    MA_KHUVUC: "",
    CAN_NANG: "55.00",
    CAN_NANG_CON: "",
    NAM_NAM_LIEN_TUC: "",
    NGAY_TAI_KHAM: "",
    MA_HSBA: `BA${spec.maLk.slice(-8)}`,
    MA_TTDV: "0101234567",
    DU_PHONG: "",
  };
}

function detailXml(spec: EpisodeSpec, drugs: boolean): string {
  const [root, list, item] = drugs
    ? ["CHITIEU_CHITIET_THUOC", "DSACH_CHI_TIET_THUOC", "CHI_TIET_THUOC"]
    : ["CHITIEU_CHITIET_DVKT_VTYT", "DSACH_CHI_TIET_DVKT", "CHI_TIET_DVKT"];
  const lines = drugs ? spec.drugs : spec.services;
  const rows = lines.map((detail, position) => {
    const cost = detail.quantity * detail.price;
    const coPay = lineCoPay(detail, spec.coPayPercent);
    const fields: Record<string, string | number> = {
      MA_LK: spec.maLk,
      STT: position + 1,
      [drugs ? "MA_THUOC" : SUPPLY_GROUPS.has(detail.group) ? "MA_VAT_TU" : "MA_DICH_VU"]: detail.code,
      MA_NHOM: detail.group,
      [drugs ? "TEN_THUOC" : SUPPLY_GROUPS.has(detail.group) ? "TEN_VAT_TU" : "TEN_DICH_VU"]: detail.name,
      DON_VI_TINH: detail.unit,
      SO_LUONG: detail.quantity,
      DON_GIA: detail.price,
      TYLE_TT_BH: 100,
      THANH_TIEN_BV: cost,
      THANH_TIEN_BH: detail.inScope,
      T_NGUONKHAC: 0,
      T_BNTT: cost - detail.inScope,
      T_BNCCT: coPay,
      T_BHTT: detail.inScope - coPay,
      MA_KHOA: "K01",
      MA_BAC_SI: "000123/HNO-CCHN",
      NGAY_YL: vnTime(spec.admitted),
    };
    return `<${item}>${Object.entries(fields)
      .map(([key, value]) => `<${key}>${escapeXml(String(value))}</${key}>`)
      .join("")}</${item}>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>\n<${root}><${list}>${rows.join("")}</${list}></${root}>`;
}

/** The inner documents of an episode, as (LOAIHOSO, XML) pairs in the order a hospital sends them. */
export function episodeTables(
  spec: EpisodeSpec,
  standard: FixtureStandard = "130",
  xml1: Partial<Record<string, string | null>> = {},
): [string, string][] {
  const summary: Record<string, string | null> = { ...summaryFields(spec, standard) };
  for (const [field, value] of Object.entries(xml1)) if (value !== undefined) summary[field] = value;
  const tables: [string, string][] = [
    ["XML1", tableXml("TONG_HOP", summary)],
    ["XML2", detailXml(spec, true)],
    ["XML3", detailXml(spec, false)],
  ];
  if (spec.xml7)
    tables.push([
      "XML7",
      tableXml("CHI_TIEU_DU_LIEU_GIAY_RA_VIEN", {
        MA_LK: spec.maLk,
        SO_LUU_TRU: `LT-${spec.maLk}`,
        MA_YTE: spec.maLk.slice(-8),
        MA_KHOA_RV: "K01",
        NGAY_VAO: vnTime(spec.admitted),
        NGAY_RA: vnTime(spec.discharged),
        CHAN_DOAN_RV: "Chẩn đoán ra viện",
        PP_DIEUTRI: "Điều trị nội khoa",
        MA_TTDV: "0101234567",
        MA_BS: "0101111111",
        TEN_BS: "Trần Văn Bác Sĩ",
        NGAY_CT: vnTime(spec.discharged).slice(0, 8),
      }),
    ]);
  if (spec.xml13)
    tables.push([
      "XML13",
      tableXml("CHI_TIEU_GIAYCHUYENTUYEN", {
        MA_LK: spec.maLk,
        SO_HOSO: `HS-${spec.maLk}`,
        SO_CHUYENTUYEN: "123",
        GIAY_CHUYEN_TUYEN: `${spec.maLk}/CT`,
        MA_CSKCB: spec.facility,
        MA_NOI_DI: spec.referredFrom,
        MA_NOI_DEN: spec.referredTo,
        HO_TEN: spec.name,
        NGAY_SINH: spec.birth,
        GIOI_TINH: spec.gender,
        NGAY_VAO: vnTime(spec.admitted),
        NGAY_RA: vnTime(spec.discharged),
        MA_BENH_CHINH: spec.primary,
        MA_LOAI_RV: spec.leave,
        MA_LYDO_CT: "1",
      }),
    ]);
  return tables;
}

const base64 = (xml: string, wrap: boolean) => {
  const encoded = Buffer.from(xml, "utf8").toString("base64");
  return wrap ? encoded.replace(/.{76}/g, "$&\n") : encoded;
};

/** One HOSO element: a FILEHOSO per table, its content in base64. */
export function hosoXml(tables: [string, string][], wrapBase64 = false): string {
  const files = tables.map(
    ([type, xml]) =>
      `<FILEHOSO><LOAIHOSO>${type}</LOAIHOSO><NOIDUNGFILE>${base64(xml, wrapBase64)}</NOIDUNGFILE></FILEHOSO>`,
  );
  return `<HOSO>${files.join("")}</HOSO>\n`;
}

const SIGNATURE =
  '<CHUKYDONVI><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>' +
  '<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><Reference URI=""><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></Transforms>' +
  '<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue>AAAA</DigestValue></Reference></SignedInfo><SignatureValue>AAAA</SignatureValue>' +
  "<KeyInfo><X509Data><X509Certificate>AAAA</X509Certificate></X509Data></KeyInfo></Signature></CHUKYDONVI>";

/** The envelope around HOSO elements, as strings to write one after the other. */
export function* envelopeParts(
  facility: string,
  hosos: Iterable<string>,
  count: number | null,
  options: { createdOn?: string; signature?: boolean } = {},
): Generator<string> {
  yield '<?xml version="1.0" encoding="utf-8"?>\n<GIAMDINHHS xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n';
  yield `<THONGTINDONVI><MACSKCB>${escapeXml(facility)}</MACSKCB></THONGTINDONVI>\n`;
  const stated = count === null ? "" : `<SOLUONGHOSO>${count}</SOLUONGHOSO>`;
  yield `<THONGTINHOSO><NGAYLAP>${options.createdOn ?? "20260615"}</NGAYLAP>${stated}<DANHSACHHOSO>\n`;
  yield* hosos;
  yield "</DANHSACHHOSO></THONGTINHOSO>\n";
  if (options.signature) yield SIGNATURE;
  yield "</GIAMDINHHS>\n";
}

/** The specs of a generated file, episode by episode (what the tests check the import against). */
export function* fixtureSpecs(options: FixtureOptions): Generator<EpisodeSpec> {
  const rand = prng(options.seed);
  for (let index = 0; index < options.episodes; index++) yield randomEpisode(rand, index, options);
}

/** A generated file as strings to write one after the other (a file of any size in little memory). */
export function* fixtureParts(options: FixtureOptions): Generator<string> {
  const standard = options.standard ?? "130";
  const hosos = (function* () {
    let index = 0;
    for (const spec of fixtureSpecs(options)) {
      yield hosoXml(episodeTables(spec, standard, options.xml1?.(index)), options.wrapBase64);
      index += 1;
    }
  })();
  yield* envelopeParts(options.facility, hosos, options.episodes, {
    createdOn: vnTime(options.dischargedBefore).slice(0, 8),
    signature: options.signature ?? false,
  });
}

/** A generated file as one string. */
export const fixtureEnvelope = (options: FixtureOptions): string => [...fixtureParts(options)].join("");
