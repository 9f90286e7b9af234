import type { CatalogueKind } from "../assessment/types.ts";
import type { DemoFacility } from "./places.ts";
import { DRUGS, SERVICES } from "./xml-envelope.ts";

/** Ceftriaxon, which the costly hospitals won at tender below what they bill: their lines are cut the excess. */
const TENDERED_LOW = { code: "40.244", price: 20000 };
/** Omeprazol, missing from the costly hospitals' lists: their lines are cut whole. */
const UNLISTED = "40.487";

/** A CSV field: "Natri clorid 0,9% 500ml" holds a comma. */
const quoted = (text: string) => `"${text.replaceAll('"', '""')}"`;

/**
 * A demo facility's approved drug and supply lists (Mẫu 03/DM and 04/DM, their columns the assessment reads), in
 * force from the year before the demo's: every item the demo bills at its price, so automated assessment finds
 * nothing at most hospitals, and two stories at the costly ones. No service list: the demo's bills end with a line
 * "by the price table" of any amount, which a service list would have to know.
 */
export function demoCatalogues(facility: DemoFacility, year: number): [CatalogueKind, string][] {
  const from = `${year - 1}0101`;
  const drugs = DRUGS.filter(([code]) => !(facility.costly && code === UNLISTED)).map(([code, name, , price]) => {
    const approved = facility.costly && code === TENDERED_LOW.code ? TENDERED_LOW.price : price;
    return `${code},${quoted(name)},${approved},${from},`;
  });
  const supplies = SERVICES.filter(([, , , , group]) => group === "10").map(
    ([code, name, , price]) => `${code},${quoted(name)},${price},${from},`,
  );
  return [
    ["drugs", ["MA_THUOC,TEN_THUOC,DON_GIA_BH,TU_NGAY,DEN_NGAY", ...drugs].join("\n")],
    ["supplies", ["MA_VAT_TU,TEN_VAT_TU,DON_GIA_BH,TU_NGAY,DEN_NGAY", ...supplies].join("\n")],
  ];
}
