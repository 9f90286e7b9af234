import type { CatalogueKind } from "../assessment/types.ts";

/**
 * Which columns of the agency's catalogue forms (Mẫu 02/03/04/05 DM, as hospitals export them for the portal) each
 * field of an entry is read from: the first of its columns that has a value in the row. Every other column of the
 * form (STT, DON_VI_TINH, NHA_THAU ...) is allowed and ignored, as are columns the form does not have. docs/api.md
 * "Catalogues" lists the same, for people.
 */
export interface Layout {
  /** The form's name, for messages and the docs. */
  form: string;
  code: readonly string[];
  name: { columns: readonly string[]; required: boolean };
  concentration?: readonly string[];
  registrationNumber?: readonly string[];
  bidInfo?: readonly string[];
  unitPrice?: readonly string[];
  costGroup?: readonly string[];
  suppliesIncluded?: readonly string[];
  /**
   * Where the period in force is read: the first pair whose start column has a value gives both days (a drug row
   * without TU_NGAY is in force over its contract's TU_NGAY_HD..DEN_NGAY_HD).
   */
  periods: readonly (readonly [from: string, to: string])[];
}

/** The facility column every form carries: empty, or the facility the file is loaded for. */
export const FACILITY_COLUMN = "MA_CSKCB";

export const LAYOUTS: Readonly<Record<CatalogueKind, Layout>> = {
  drugs: {
    form: "Mẫu 03/DM",
    code: ["MA_THUOC"],
    name: { columns: ["TEN_THUOC"], required: true },
    concentration: ["HAM_LUONG"],
    registrationNumber: ["SO_DANG_KY"],
    bidInfo: ["TT_THAU"],
    // DON_GIA_BH is what the fund pays; a list that gives only the purchase price DON_GIA is taken at that.
    unitPrice: ["DON_GIA_BH", "DON_GIA"],
    // Not a column of 03/DM: the cost group a drug is billed under (4, 5, 6, 7 ...), when the file adds it.
    costGroup: ["MA_NHOM"],
    periods: [
      ["TU_NGAY", "DEN_NGAY"],
      ["TU_NGAY_HD", "DEN_NGAY_HD"],
    ],
  },
  supplies: {
    form: "Mẫu 04/DM",
    code: ["MA_VAT_TU"],
    name: { columns: ["TEN_VAT_TU"], required: true },
    bidInfo: ["TT_THAU"],
    unitPrice: ["DON_GIA_BH", "DON_GIA"],
    periods: [
      ["TU_NGAY", "DEN_NGAY"],
      ["TU_NGAY_HD", "DEN_NGAY_HD"],
    ],
  },
  services: {
    form: "Mẫu 05/DM",
    code: ["MA_DICH_VU"],
    name: { columns: ["TEN_DICH_VU", "TEN_DVKT_GIA"], required: true },
    // GIA_THANH_TOAN, when given, is the price the fund pays; else the approved DON_GIA.
    unitPrice: ["GIA_THANH_TOAN", "DON_GIA"],
    // Not a column of 05/DM (the price decision says it): 1 when the price already includes the supplies used.
    suppliesIncluded: ["BAO_GOM_VTYT"],
    periods: [["TU_NGAY", "DEN_NGAY"]],
  },
  staff: {
    form: "Mẫu 02/DM",
    // Claim lines name a practitioner by practising certificate; older layouts by social-insurance code.
    code: ["MACCHN", "MA_BHXH"],
    name: { columns: ["HO_TEN"], required: false },
    periods: [["TU_NGAY", "DEN_NGAY"]],
  },
};

/** Every column a layout reads (a file may name each once). */
export function columnsRead(layout: Layout): string[] {
  const fields = [
    layout.code,
    layout.name.columns,
    layout.concentration,
    layout.registrationNumber,
    layout.bidInfo,
    layout.unitPrice,
    layout.costGroup,
    layout.suppliesIncluded,
    ...layout.periods,
  ];
  return [FACILITY_COLUMN, ...fields.flatMap((columns) => columns ?? [])];
}

/** The columns a file's header must have one of, field by field: without them no row can be read. */
export function requiredColumns(layout: Layout): (readonly string[])[] {
  return [
    layout.code,
    ...(layout.name.required ? [layout.name.columns] : []),
    ...(layout.unitPrice ? [layout.unitPrice] : []),
    layout.periods.map(([from]) => from),
  ];
}
