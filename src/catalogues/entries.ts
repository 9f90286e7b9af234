import type { CatalogueKind, DrugEntry, ServiceEntry, StaffEntry, SupplyEntry } from "../assessment/types.ts";
import { plainDecimal } from "../domain/money.ts";

/** The entry shape of each kind (src/assessment/types.ts). */
export interface EntryOfKind {
  drugs: DrugEntry;
  supplies: SupplyEntry;
  services: ServiceEntry;
  staff: StaffEntry;
}

/** A catalogue_entry row as sql.ts reads it (ENTRY_COLUMNS). */
export interface EntryRow {
  code: string;
  valid_from: string;
  valid_to: string | null;
  name: string | null;
  concentration: string | null;
  registration_number: string | null;
  bid_info: string | null;
  unit_price: string | null;
  cost_group: string | null;
  supplies_included: boolean | null;
}

/** numeric(18,3) as text ("1500.000") the way the contract writes decimals ("1500"). */
const price = (text: string | null) => plainDecimal(text ?? "0");

const MAKERS: { [K in CatalogueKind]: (row: EntryRow, facilityCode: string) => EntryOfKind[K] } = {
  drugs: (row, facilityCode) => ({
    facilityCode,
    code: row.code,
    name: row.name ?? "",
    concentration: row.concentration,
    registrationNumber: row.registration_number,
    bidInfo: row.bid_info,
    unitPrice: price(row.unit_price),
    costGroup: row.cost_group,
    validFrom: row.valid_from,
    validTo: row.valid_to,
  }),
  supplies: (row, facilityCode) => ({
    facilityCode,
    code: row.code,
    name: row.name ?? "",
    bidInfo: row.bid_info,
    unitPrice: price(row.unit_price),
    validFrom: row.valid_from,
    validTo: row.valid_to,
  }),
  services: (row, facilityCode) => ({
    facilityCode,
    code: row.code,
    name: row.name ?? "",
    unitPrice: price(row.unit_price),
    suppliesIncluded: row.supplies_included ?? false,
    validFrom: row.valid_from,
    validTo: row.valid_to,
  }),
  staff: (row, facilityCode) => ({
    facilityCode,
    certificate: row.code,
    name: row.name,
    validFrom: row.valid_from,
    validTo: row.valid_to,
  }),
};

/** A stored row as the entry of its kind. */
export function entryOf<K extends CatalogueKind>(kind: K, row: EntryRow, facilityCode: string): EntryOfKind[K] {
  return MAKERS[kind](row, facilityCode);
}
