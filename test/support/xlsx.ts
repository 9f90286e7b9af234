import { unzipSync, strFromU8 } from "fflate";

/** The text of an XLSX workbook's shared strings and first sheet, to check what a download holds. */
export async function xlsxText(body: ArrayBuffer): Promise<string> {
  const files = unzipSync(new Uint8Array(body));
  const part = (name: string) => (files[name] ? strFromU8(files[name]) : "");
  return part("xl/sharedStrings.xml") + part("xl/worksheets/sheet1.xml");
}
