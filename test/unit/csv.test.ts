import { describe, expect, it } from "vitest";
import { toCsv, wantsCsv } from "../../src/reports/csv.ts";

describe("report CSV", () => {
  it("starts with a UTF-8 byte-order mark, uses CRLF and quotes what needs quoting", () => {
    const csv = toCsv(
      [
        { header: "Mã cơ sở", value: (r: any) => r.code },
        { header: "Tên cơ sở", value: (r: any) => r.name },
        { header: "Tỷ lệ", value: (r: any) => r.share },
      ],
      [
        { code: "01001", name: 'Bệnh viện "Bạch Mai", Hà Nội', share: "0.5000" },
        { code: "01002", name: "=HYPERLINK(1)", share: null },
        { code: "01003", name: "-5", share: "-1.25" },
      ],
    );
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1).split("\r\n")).toEqual([
      "Mã cơ sở,Tên cơ sở,Tỷ lệ",
      '01001,"Bệnh viện ""Bạch Mai"", Hà Nội",0.5000',
      "01002,'=HYPERLINK(1),",
      "01003,-5,-1.25",
      "",
    ]);
    expect(new TextEncoder().encode(csv).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
  });

  it("is chosen by Accept: text/csv, not by other types or q=0", () => {
    expect(wantsCsv("text/csv")).toBe(true);
    expect(wantsCsv("application/json, text/csv;q=0.5")).toBe(true);
    expect(wantsCsv("TEXT/CSV; charset=utf-8")).toBe(true);
    expect(wantsCsv("text/csv;q=0")).toBe(false);
    expect(wantsCsv("application/json")).toBe(false);
    expect(wantsCsv("*/*")).toBe(false);
    expect(wantsCsv(undefined)).toBe(false);
  });
});
