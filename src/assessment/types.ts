/**
 * The shapes automated assessment (giám định tự động, issue 23) works on, shared by the catalogues (reference data
 * with validity dates, loaded from the agency's published layouts) and the pure rule engine. Money and quantities
 * are decimal strings; days are `YYYY-MM-DD` in Vietnam time; `validTo` null is open-ended.
 */

/** The four catalogues a facility and the agency agree on. */
export const CATALOGUE_KINDS = ["drugs", "supplies", "services", "staff"] as const;
export type CatalogueKind = (typeof CATALOGUE_KINDS)[number];

interface Validity {
  /** First day in force (TU_NGAY / TU_NGAY_HD). */
  validFrom: string;
  /** Last day in force, inclusive; null when open-ended (DEN_NGAY empty). */
  validTo: string | null;
}

/** An approved drug of a facility (Mẫu 03/DM): bought at tender at this price. */
export interface DrugEntry extends Validity {
  facilityCode: string;
  /** MA_THUOC */
  code: string;
  /** TEN_THUOC */
  name: string;
  /** HAM_LUONG */
  concentration: string | null;
  /** SO_DANG_KY */
  registrationNumber: string | null;
  /** TT_THAU: decision;package;lot;year */
  bidInfo: string | null;
  /** DON_GIA_BH: the most the fund pays per unit. */
  unitPrice: string;
  /** MA_NHOM the drug is billed under. */
  costGroup: string | null;
}

/** An approved medical supply of a facility (Mẫu 04/DM). */
export interface SupplyEntry extends Validity {
  facilityCode: string;
  /** MA_VAT_TU */
  code: string;
  /** TEN_VAT_TU */
  name: string;
  /** TT_THAU */
  bidInfo: string | null;
  /** DON_GIA_BH */
  unitPrice: string;
}

/** A service and its approved price at a facility (Mẫu 05/DM). */
export interface ServiceEntry extends Validity {
  facilityCode: string;
  /** MA_DICH_VU */
  code: string;
  /** TEN_DICH_VU */
  name: string;
  /** DON_GIA (GIA_THANH_TOAN when given) */
  unitPrice: string;
  /** Whether the price already includes the supplies used in it (then billing them apart is cut). */
  suppliesIncluded: boolean;
}

/** A facility's approved practitioner (Mẫu 02/DM), named on claim lines by MACCHN (or the older MA_BHXH). */
export interface StaffEntry extends Validity {
  facilityCode: string;
  /** MACCHN: practising certificate number, or the social-insurance code of older layouts. */
  certificate: string;
  /** HO_TEN */
  name: string | null;
}

export type CatalogueEntry = DrugEntry | SupplyEntry | ServiceEntry | StaffEntry;
