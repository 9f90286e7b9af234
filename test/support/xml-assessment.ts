import {
  type DetailLine,
  type EpisodeSpec,
  type FixtureOptions,
  envelopeParts,
  episodeTables,
  escapeXml,
  fixtureSpecs,
  hosoXml,
  vnTime,
} from "../../src/demo/xml-envelope.ts";

/**
 * The XML fixture generator (src/demo/xml-envelope.ts) extended with what automated assessment reads of XML2 and
 * XML3 rows and the generator does not write: NGAY_TH_YL, DON_GIA_BH, TT_THAU, NGUOI_THUC_HIEN, a supply's
 * MA_DICH_VU, and a row's own NGAY_YL or MA_BAC_SI. The generator's episodes, amounts and other tables are kept as
 * they are (MA_LOAI_RV and KET_QUA_DTRI are its spec's `leave` and `outcome`); only the detail rows get the fields
 * their line names.
 */

/** Row fields to set on a detail line's XML row (a value), or to leave out of it (null). */
export type RowFields = Record<string, string | number | null>;

/** A detail line of a spec whose XML row carries fields of its own besides the generator's. */
export type AssessedLine = DetailLine & { fields?: RowFields };

/**
 * A detail line as the generator writes it: `quantity` × `price` (DON_GIA) is THANH_TIEN_BV, `inScope`
 * (THANH_TIEN_BH) the part inside the fund's scope (all of it unless given), with row fields of its own.
 */
export function detailLine(
  [code, name, unit, group]: [code: string, name: string, unit: string, group: string],
  quantity: number,
  price: number,
  options: { inScope?: number; fields?: RowFields } = {},
): AssessedLine {
  return {
    code,
    name,
    unit,
    quantity,
    price,
    inScope: options.inScope ?? quantity * price,
    group,
    ...(options.fields ? { fields: options.fields } : {}),
  };
}

/** One row with fields set (value) or removed (null); a field it lacks is added before the row's end. */
function withRowFields(row: string, item: string, fields: RowFields): string {
  let out = row;
  for (const [name, value] of Object.entries(fields)) {
    const element = new RegExp(`<${name}>[^<]*</${name}>|<${name}/>`);
    const replacement = value === null ? "" : `<${name}>${escapeXml(String(value))}</${name}>`;
    if (element.test(out)) out = out.replace(element, replacement);
    else if (value !== null) out = out.replace(`</${item}>`, `${replacement}</${item}>`);
  }
  return out;
}

/** A detail table with each row's own fields (rows in the order of `lines`, as the generator writes them). */
function withLineFields(xml: string, item: string, lines: readonly AssessedLine[]): string {
  let index = 0;
  return xml.replace(new RegExp(`<${item}>.*?</${item}>`, "gs"), (row) => {
    const fields = lines[index++]?.fields;
    return fields ? withRowFields(row, item, fields) : row;
  });
}

/** The generator's tables of an episode, its XML2 and XML3 rows carrying their lines' own fields. */
export function assessedEpisodeTables(spec: EpisodeSpec, xml1: Partial<Record<string, string | null>> = {}) {
  return episodeTables(spec, "130", xml1).map(([type, xml]): [string, string] => {
    if (type === "XML2") return [type, withLineFields(xml, "CHI_TIET_THUOC", spec.drugs as AssessedLine[])];
    if (type === "XML3") return [type, withLineFields(xml, "CHI_TIET_DVKT", spec.services as AssessedLine[])];
    return [type, xml];
  });
}

/**
 * A file of the generator's (Decision 130 standard), whose episodes' detail rows carry their lines' own fields:
 * `options.override` gives an episode lines made with detailLine.
 */
export function assessedEnvelope(options: FixtureOptions): string {
  const hosos = [...fixtureSpecs(options)].map((spec, index) =>
    hosoXml(assessedEpisodeTables(spec, options.xml1?.(index))),
  );
  return [
    ...envelopeParts(options.facility, hosos, hosos.length, {
      createdOn: vnTime(options.dischargedBefore).slice(0, 8),
    }),
  ].join("");
}
