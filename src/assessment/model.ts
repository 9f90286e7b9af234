import type { Dec } from "../domain/money.ts";
import type { AssessmentAction, LineKind, RuleCode } from "./rules.ts";
import type { DrugEntry, ServiceEntry, StaffEntry, SupplyEntry } from "./types.ts";

/**
 * What the engine (src/assessment/engine.ts) reads and gives back. Money, quantities and prices are decimal strings;
 * instants are RFC 3339 strings (or Dates); days are Vietnam-time `YYYY-MM-DD`.
 */

export type VisitType = "outpatient" | "day_treatment" | "inpatient" | "emergency";

/** One cost line of the claim, as XML2 (drug) or XML3 (service, supply) gives it. */
export interface AssessedLine {
  kind: LineKind;
  /** MA_THUOC, MA_DICH_VU or MA_VAT_TU. */
  itemCode: string;
  /** MA_NHOM without leading zeros ("15"). */
  costGroup: string;
  /** SO_LUONG */
  quantity: string;
  /** The unit price the fund is asked to pay on: DON_GIA_BH (XML3), DON_GIA (XML2). */
  unitPrice: string;
  /** THANH_TIEN_BV */
  amount: string;
  /** T_BHTT: the fund's part of the line; what a cut takes from. */
  insurance: string;
  /** NGAY_YL; without it the line's day is the admission day and the time checks skip it. */
  orderedAt?: string | Date | null;
  /** NGAY_TH_YL */
  executedAt?: string | Date | null;
  /** MA_BAC_SI as sent: practising certificate numbers, ";" between several. */
  orderedBy?: string | null;
  /** NGUOI_THUC_HIEN as sent (services). */
  performedBy?: string | null;
  /** TT_THAU as sent (drugs, supplies). */
  bidInfo?: string | null;
  /** For a supply: MA_DICH_VU of the service it was used in, on the same XML3 row. */
  serviceCode?: string | null;
}

/**
 * The facility's catalogue entries for the claim's item codes and staff: the caller loads them (by facility and
 * code, any validity) and the engine picks the ones in force on each line's day. A kind left out means that
 * catalogue is not known: the checks that need it pass its lines by. An empty list means none of the codes is listed.
 */
export interface AssessmentCatalogue {
  drugs?: readonly DrugEntry[];
  supplies?: readonly SupplyEntry[];
  services?: readonly ServiceEntry[];
  staff?: readonly StaffEntry[];
}

/** XML1's totals the lines are checked against. */
export interface AssessedTotals {
  /** T_TONGCHI_BV */
  total: string;
  /** T_BHTT: the claimed insurance amount; what proposedApproved starts from. */
  insurance: string;
  /** T_TONGCHI_BH, when sent. */
  insuredTotal?: string | null;
  /** T_BNCCT, when sent. */
  coPayment?: string | null;
  /** T_THUOC, when sent. */
  drugs?: string | null;
  /** T_VTYT, when sent. */
  supplies?: string | null;
}

export interface AssessmentInput {
  /** When given, catalogue entries of other facilities are ignored. */
  facilityCode?: string;
  visitType: VisitType;
  /** MA_LOAI_KCB, two digits, when known. */
  visitCode?: string | null;
  admittedAt: string | Date;
  dischargedAt: string | Date;
  /** MA_LOAI_RV (1 discharged, 2 referred, 3 absconded, 4 asked to leave, 5 referred on request), when known. */
  dischargeKind?: string | null;
  /** KET_QUA_DTRI, when known. */
  treatmentResult?: string | null;
  totals: AssessedTotals;
  lines: readonly AssessedLine[];
  catalogue: AssessmentCatalogue;
}

export interface Finding {
  code: RuleCode;
  action: AssessmentAction;
  /** The line's place in input.lines; null for the claim. */
  lineIndex: number | null;
  /** What this finding cuts, exactly 2 decimals; "0.00" for a warning or a line already cut. */
  amount: string;
  message: { vi: string; en: string };
}

export interface Assessment {
  findings: Finding[];
  /** The sum of the findings' amounts, 2 decimals. */
  cut: string;
  /** Claimed insurance less the cuts, 2 decimals; "0.00" when rejected. */
  proposedApproved: string;
  rejected: boolean;
}

/** A value put into a message: the same in both languages, or one for each. */
export type Placeholder = string | { vi: string; en: string };

/** What a check found, before the action and the arithmetic are applied. */
export interface Hit {
  lineIndex: number | null;
  /** For cut_excess: the share of the line's insurance to cut (part / whole, 0 < part <= whole). */
  excess?: { part: Dec; whole: Dec };
  values: Record<string, Placeholder>;
}
