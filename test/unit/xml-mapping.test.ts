import { describe, expect, it } from "vitest";
import { Problem } from "../../src/http/problem.ts";
import { defaultRules, parseRules } from "../../src/rules/schema.ts";
import { birthDate, icd10, mapEpisode, vietnamTime, xmlField } from "../../src/xml/map.ts";
import type { XmlMappingRules } from "../../src/xml/rules.ts";
import { fixture, withFields } from "../fixtures/xml/index.ts";

/**
 * Each mapping rule of issue 11 against the hand-written tables of
 * test/fixtures/xml (values chosen and summed by hand, see the comments).
 */
const RULES = defaultRules().xml;
const TONG_HOP_130 = fixture("tong-hop-130.xml");
const TONG_HOP_4210 = fixture("tong-hop-4210.xml");

function map(tables: [string, string][], rules: XmlMappingRules = RULES, facilityCode = "01001") {
  return mapEpisode(
    { index: 7, tables: tables.map(([type, xml], position) => ({ type, position, xml })) },
    { rules, facilityCode },
  );
}
const summary = (fields: Record<string, string | null> = {}, base = TONG_HOP_130) =>
  map([["XML1", withFields(base, fields)]]);
const claimOf = (fields: Record<string, string | null> = {}, base = TONG_HOP_130) => {
  const m = summary(fields, base);
  expect(m.errors).toEqual([]);
  return m.claim as Record<string, any>;
};

describe("an XML1 summary of Decision 130 becomes a claim", () => {
  it("maps every field the contract needs, as worked out by hand", () => {
    const m = map([
      ["XML1", TONG_HOP_130],
      ["XML2", fixture("chi-tiet-thuoc.xml")],
      ["XML3", fixture("chi-tiet-dvkt.xml")],
      ["XML5", "<not read/>"],
      ["XML7", fixture("giay-ra-vien.xml")],
    ]);
    expect(m.standard).toBe("130");
    expect(m.errors).toEqual([]);
    expect(m.claim).toEqual({
      claimId: "LK2026061401",
      // The card changed during the stay: the last one is in force at discharge.
      patient: {
        cardNumber: "HT3010987654321",
        citizenId: "001080012345",
        name: "Nguyễn Văn An",
        birthDate: "1980-05-01",
        gender: "male",
      },
      visitType: "inpatient",
      // What automated assessment reads besides, as sent: MA_LOAI_KCB, MA_LOAI_RV, KET_QUA_DTRI.
      visitCode: "03",
      dischargeKind: "1",
      treatmentResult: "2",
      admittedAt: "2026-06-10T08:00:00+07:00",
      dischargedAt: "2026-06-14T10:30:00+07:00",
      diagnosis: { primary: "J18.9", secondary: ["E11", "I10"] },
      referral: false,
      procedure: false,
      died: false,
      // total T_TONGCHI_BV 5,350,000 = T_BHTT 4,750,000 + T_BNCCT 250,000 + T_BNTT 300,000 + T_NGUONKHAC 50,000.
      // With lines, T_THUOC and T_VTYT are what the drug and supply lines must add up to.
      amounts: {
        total: "5350000",
        insurance: "4750000",
        patient: "550000",
        other: "50000",
        drugs: "1200000",
        supplies: "150000",
      },
      documents: [{ type: "discharge_paper", reference: "LT-2026-0001" }],
      // XML2 then XML3, each in row order; a row with MA_VAT_TU is a supply (test/fixtures/xml/chi-tiet-*.xml).
      lines: [
        {
          kind: "drug",
          itemCode: "40.244",
          name: "Ceftriaxon 1g",
          costGroup: "4",
          quantity: "20",
          unitPrice: "45000",
          amount: "900000",
          insurance: "855000",
          orderedAt: "2026-06-10T08:30:00+07:00",
        },
        {
          kind: "drug",
          itemCode: "40.1035",
          name: "Natri clorid 0,9% 500ml",
          costGroup: "4",
          quantity: "20",
          unitPrice: "15000",
          amount: "300000",
          insurance: "285000",
          orderedAt: "2026-06-10T08:30:00+07:00",
        },
        {
          kind: "service",
          itemCode: "K03.1901",
          name: "Ngày giường bệnh Nội khoa loại 2",
          costGroup: "15",
          quantity: "5",
          unitPrice: "600000",
          amount: "3000000",
          insurance: "2850000",
          // DON_GIA_BH: the price automated assessment checks.
          insuredPrice: "600000",
        },
        {
          kind: "service",
          itemCode: "18.0068",
          name: "Chụp Xquang ngực thẳng",
          costGroup: "2",
          quantity: "1",
          unitPrice: "1000000",
          amount: "1000000",
          insurance: "617500",
        },
        {
          kind: "supply",
          itemCode: "N03.02.070",
          name: "Bơm tiêm nhựa 5ml",
          costGroup: "10",
          quantity: "10",
          unitPrice: "15000",
          amount: "150000",
          insurance: "142500",
        },
      ],
    });
    expect(m.documentTables).toEqual(["XML7"]);
    expect(m.lineSources).toEqual([
      { table: "XML2", row: 0 },
      { table: "XML2", row: 1 },
      { table: "XML3", row: 0 },
      { table: "XML3", row: 1 },
      { table: "XML3", row: 2 },
    ]);
  });

  it("reads the visit type from MA_LOAI_KCB through the rules", () => {
    const expected: Record<string, string> = {
      "01": "outpatient",
      "02": "day_treatment",
      "03": "inpatient",
      "04": "day_treatment",
      "05": "outpatient",
      "06": "day_treatment",
      "07": "outpatient",
      "08": "outpatient",
      "09": "inpatient",
      "3": "inpatient",
    };
    for (const [code, visitType] of Object.entries(expected))
      expect(claimOf({ MA_LOAI_KCB: code }).visitType, code).toBe(visitType);
    expect(summary({ MA_LOAI_KCB: "10" }).errors).toEqual([
      expect.objectContaining({ path: "XML1.MA_LOAI_KCB", code: "invalid_value" }),
    ]);
    expect(summary({ MA_LOAI_KCB: null }).errors).toEqual([
      expect.objectContaining({ path: "XML1.MA_LOAI_KCB", code: "required" }),
    ]);
  });

  it("makes an emergency of an outpatient visit whose MA_DOITUONG_KCB is 2, not of an admitted one", () => {
    expect(claimOf({ MA_LOAI_KCB: "01", MA_DOITUONG_KCB: "2" }).visitType).toBe("emergency");
    expect(claimOf({ MA_LOAI_KCB: "01", MA_DOITUONG_KCB: "1" }).visitType).toBe("outpatient");
    expect(claimOf({ MA_LOAI_KCB: "03", MA_DOITUONG_KCB: "2" }).visitType).toBe("inpatient");
  });

  it("marks a procedure when MA_PTTT_QT holds ICD-9-CM codes", () => {
    expect(claimOf({ MA_PTTT_QT: "47.09;99.04" }).procedure).toBe(true);
    expect(claimOf({ MA_PTTT_QT: "" }).procedure).toBe(false);
    expect(claimOf({ MA_PTTT_QT: " ; " }).procedure).toBe(true);
  });

  it("marks a death for KET_QUA_DTRI 5 (died) and 8 (died outside hospital) only", () => {
    expect(claimOf({ KET_QUA_DTRI: "5" }).died).toBe(true);
    expect(claimOf({ KET_QUA_DTRI: "8" }).died).toBe(true);
    for (const code of ["1", "2", "3", "4", "6", "7"]) expect(claimOf({ KET_QUA_DTRI: code }).died, code).toBe(false);
  });

  it("marks a referral when MA_NOI_DI or GIAY_CHUYEN_TUYEN is present", () => {
    expect(claimOf({ MA_NOI_DI: "01002" }).referral).toBe(true);
    expect(claimOf({ GIAY_CHUYEN_TUYEN: "55/GCT" }).referral).toBe(true);
    expect(claimOf({ MA_NOI_DI: "", GIAY_CHUYEN_TUYEN: "" }).referral).toBe(false);
  });

  it("takes XML7 as the discharge paper and XML13 as the referral paper, with their numbers as references", () => {
    const m = map([
      ["XML1", TONG_HOP_130],
      ["XML13", fixture("giay-chuyen-tuyen.xml")],
      ["XML7", fixture("giay-ra-vien.xml")],
    ]);
    expect(m.claim!.documents).toEqual([
      { type: "referral_paper", reference: "123/2026/GCT" },
      { type: "discharge_paper", reference: "LT-2026-0001" },
    ]);
    expect(m.documentTables).toEqual(["XML13", "XML7"]);
    // Without its number, a paper is named by its table and the episode.
    const bare = map([
      ["XML1", TONG_HOP_130],
      ["XML7", withFields(fixture("giay-ra-vien.xml"), { SO_LUU_TRU: null, MA_LK: null })],
    ]);
    expect(bare.claim!.documents).toEqual([{ type: "discharge_paper", reference: "XML7/LK2026061401" }]);
    // Or with it empty.
    const blank = map([
      ["XML1", TONG_HOP_130],
      ["XML7", withFields(fixture("giay-ra-vien.xml"), { SO_LUU_TRU: " ", MA_LK: "" })],
    ]);
    expect(blank.claim!.documents).toEqual([{ type: "discharge_paper", reference: "XML7/LK2026061401" }]);
    expect(map([["XML1", TONG_HOP_130]]).claim!.documents).toEqual([]);
  });

  it("reads the 12-digit times as Vietnam time and refuses what is not one", () => {
    expect(claimOf({ NGAY_VAO: "202612312300", NGAY_RA: "202701010030" })).toMatchObject({
      admittedAt: "2026-12-31T23:00:00+07:00",
      dischargedAt: "2027-01-01T00:30:00+07:00",
    });
    for (const bad of ["20260230 1000", "202602301000", "202606142460", "2026-06-14", "20260614"])
      expect(summary({ NGAY_RA: bad }).errors, bad).toEqual([
        { path: "XML1.NGAY_RA", code: "invalid_format", message: expect.stringMatching(/yyyymmddHHMM/) },
      ]);
    expect(summary({ NGAY_VAO: null }).errors).toEqual([
      { path: "XML1.NGAY_VAO", code: "required", message: "required" },
    ]);
  });

  it("leaves out a birth date whose month or day is unknown (0000), and refuses one that is not a date", () => {
    expect(claimOf({ NGAY_SINH: "198000000000" }).patient.birthDate).toBeUndefined();
    expect(claimOf({ NGAY_SINH: "198007000000" }).patient.birthDate).toBeUndefined();
    expect(claimOf({ NGAY_SINH: "201402281530" }).patient.birthDate).toBe("2014-02-28");
    expect(summary({ NGAY_SINH: "19801301" }).errors).toEqual([
      expect.objectContaining({ path: "XML1.NGAY_SINH", code: "invalid_format" }),
    ]);
  });

  it("reads GIOI_TINH 1, 2, 3 and refuses other codes", () => {
    expect(claimOf({ GIOI_TINH: "2" }).patient.gender).toBe("female");
    expect(claimOf({ GIOI_TINH: "3" }).patient.gender).toBe("undetermined");
    expect(claimOf({ GIOI_TINH: null }).patient.gender).toBeUndefined();
    expect(summary({ GIOI_TINH: "0" }).errors).toEqual([
      expect.objectContaining({ path: "XML1.GIOI_TINH", code: "invalid_value" }),
    ]);
  });

  it("identifies by citizen ID when it is 12 digits, and by the card alone otherwise", () => {
    expect(claimOf({ SO_CCCD: "B1234567" }).patient).not.toHaveProperty("citizenId");
    expect(claimOf({ MA_THE_BHYT: "" }).patient).toMatchObject({ citizenId: "001080012345" });
    expect(claimOf({ MA_THE_BHYT: "" }).patient).not.toHaveProperty("cardNumber");
  });

  it("splits the ; lists of secondary diagnoses, writes codes without a dot with one, and allows at most 12", () => {
    expect(claimOf({ MA_BENH_CHINH: "j189", MA_BENH_KT: " E119 ; I10;;K21.9 " }).diagnosis).toEqual({
      primary: "J18.9",
      secondary: ["E11.9", "I10", "K21.9"],
    });
    const thirteen = Array.from({ length: 13 }, (_, i) => `A${String(i).padStart(2, "0")}`).join(";");
    expect(summary({ MA_BENH_KT: thirteen }).errors).toEqual([
      expect.objectContaining({ path: "XML1.MA_BENH_KT", code: "too_big" }),
    ]);
    expect(summary({ MA_BENH_CHINH: "" }).errors).toEqual([
      expect.objectContaining({ path: "XML1.MA_BENH_CHINH", code: "required" }),
    ]);
  });

  it("refuses amounts that break Decision 130's own formula, or that are not amounts, naming the field", () => {
    // T_BHTT must be T_TONGCHI_BH - T_BNCCT = 5,000,000 - 250,000.
    expect(summary({ T_BHTT: "4800000" }).errors).toEqual([
      { path: "XML1.T_BHTT", code: "amounts_inconsistent", message: "T_BHTT must equal T_TONGCHI_BH - T_BNCCT" },
    ]);
    expect(summary({ T_BNCCT: "25O000" }).errors).toEqual([
      expect.objectContaining({ path: "XML1.T_BNCCT", code: "invalid_money" }),
    ]);
    expect(summary({ T_TONGCHI_BV: null }).errors).toEqual([
      expect.objectContaining({ path: "XML1.T_TONGCHI_BV", code: "required" }),
    ]);
    // Empty optional parts are 0: 4,750,000 + 250,000 = 5,000,000.
    expect(claimOf({ T_BNTT: "", T_NGUONKHAC: null, T_TONGCHI_BV: "5000000" }).amounts).toEqual({
      total: "5000000",
      insurance: "4750000",
      patient: "250000",
      other: "0",
    });
    expect(claimOf({ T_TONGCHI_BV: "5350000.50", T_BNTT: "300000.5" }).amounts).toMatchObject({
      total: "5350000.50",
      patient: "550000.50",
    });
  });

  it("refuses an episode of another facility (MA_CSKCB)", () => {
    expect(summary({ MA_CSKCB: "79001" }).errors).toEqual([
      expect.objectContaining({ path: "XML1.MA_CSKCB", code: "facility_mismatch" }),
    ]);
  });

  it("refuses a HOSO without exactly one well-formed TONG_HOP summary", () => {
    expect(map([["XML2", "<x/>"]]).errors).toEqual([expect.objectContaining({ path: "XML1", code: "required" })]);
    expect(
      map([
        ["XML1", TONG_HOP_130],
        ["XML1", TONG_HOP_130],
      ]).errors,
    ).toEqual([expect.objectContaining({ path: "XML1", code: "duplicate_table" })]);
    expect(map([["XML1", "<TONG_HOP><MA_LK>X</MA_LK>"]]).errors).toEqual([
      expect.objectContaining({ path: "XML1", code: "xml_malformed" }),
    ]);
    expect(map([["XML1", "<TONGHOP><MA_LK>X</MA_LK></TONGHOP>"]]).errors).toEqual([
      expect.objectContaining({ path: "XML1", code: "unexpected_root" }),
    ]);
    expect(map([["XML1", "<TONG_HOP><MA_LK>X</MA_LK></TONG_HOP>"]]).errors).toEqual([
      expect.objectContaining({ path: "XML1", code: "unknown_standard" }),
    ]);
  });

  it("refuses the whole file for a DOCTYPE inside an inner document", () => {
    expect(() => map([["XML1", fixture("tong-hop-doctype.xml")]])).toThrow(Problem);
    try {
      map([["XML1", fixture("tong-hop-doctype.xml")]]);
    } catch (err) {
      expect((err as Problem).code).toBe("xml_doctype_forbidden");
      expect((err as Problem).errors?.[0]?.path).toBe("HOSO[7].XML1");
    }
  });
});

describe("a legacy 4210 summary becomes a claim", () => {
  it("is recognised by its fields: MA_THE, MA_BENH / MA_BENHKHAC, T_TONGCHI, an 8-digit NGAY_SINH, no SO_CCCD", () => {
    const m = map([["XML1", TONG_HOP_4210]]);
    expect(m.standard).toBe("4210");
    expect(m.claim).toEqual({
      claimId: "LK4210A",
      patient: { cardNumber: "GD4790123456789", name: "Trần Thị Bình", birthDate: "1975-03-12", gender: "female" },
      // MA_LOAI_KCB 1 (examination) with MA_LYDO_VVIEN 2 (emergency).
      visitType: "emergency",
      // 4210's single-digit MA_LOAI_KCB, as two digits.
      visitCode: "01",
      treatmentResult: "1",
      admittedAt: "2026-06-14T07:00:00+07:00",
      dischargedAt: "2026-06-14T11:00:00+07:00",
      diagnosis: { primary: "K29.7", secondary: ["K21.9"] },
      referral: false,
      procedure: false,
      died: false,
      // T_TONGCHI 420,000 = T_BHTT 336,000 + T_BNCCT 84,000.
      amounts: { total: "420000", insurance: "336000", patient: "84000", other: "0" },
      documents: [],
      lines: [],
    });
  });

  it("names the 4210 fields in errors of the claim validation", () => {
    const ep = { standard: "4210" as const, documentTables: [], lineSources: [] };
    expect(xmlField("amounts.total", "amounts_do_not_add_up", "x", ep)).toEqual({
      path: "XML1.T_TONGCHI",
      message: "T_TONGCHI must equal T_BHTT + T_BNCCT + T_BNTT + T_NGUONKHAC exactly",
    });
    expect(xmlField("patient.cardNumber", "invalid_format", "must be a 15-character card number", ep).path).toBe(
      "XML1.MA_THE",
    );
    expect(xmlField("diagnosis.secondary[1]", "invalid_format", "x", ep).path).toBe("XML1.MA_BENHKHAC");
  });
});

describe("errors of the claim validation, named in the standard's terms", () => {
  const ep = { standard: "130" as const, documentTables: ["XML7", "XML13"], lineSources: [{ table: "XML3", row: 4 }] };
  it.each([
    ["claimId", "invalid_format", "XML1.MA_LK"],
    ["patient.cardNumber", "invalid_format", "XML1.MA_THE_BHYT"],
    ["patient.name", "too_big", "XML1.HO_TEN"],
    ["dischargedAt", "discharge_in_future", "XML1.NGAY_RA"],
    ["dischargedAt", "dates_out_of_order", "XML1.NGAY_RA"],
    ["diagnosis.primary", "invalid_format", "XML1.MA_BENH_CHINH"],
    ["diagnosis.secondary[0]", "invalid_format", "XML1.MA_BENH_KT"],
    ["amounts.insurance", "invalid_money", "XML1.T_BHTT"],
    ["documents[1].reference", "too_big", "XML13"],
    ["amounts.drugs", "lines_mismatch", "XML1.T_THUOC"],
    ["amounts.supplies", "lines_mismatch", "XML1.T_VTYT"],
    ["lines[0].quantity", "invalid_number", "XML3[4].SO_LUONG"],
    ["lines[0].costGroup", "unknown_cost_group", "XML3[4].MA_NHOM"],
    ["lines[0].amount", "invalid_money", "XML3[4].THANH_TIEN_BV"],
  ])("%s (%s) is %s", (path, code, expected) => {
    expect(xmlField(path, code, "dischargedAt is before admittedAt", ep)).toEqual({
      path: expected,
      message: "NGAY_RA is before NGAY_VAO",
    });
  });

  it("says which fields must add up, and which identify the patient", () => {
    expect(
      xmlField("amounts.total", "amounts_do_not_add_up", "total must equal insurance + patient + other exactly", ep)
        .message,
    ).toBe("T_TONGCHI_BV must equal T_BHTT + T_BNCCT + T_BNTT + T_NGUONKHAC exactly");
    expect(xmlField("patient.cardNumber", "patient_identifier_required", "x", ep)).toEqual({
      path: "XML1.MA_THE_BHYT",
      message: "MA_THE_BHYT or SO_CCCD (12 digits) is required",
    });
  });
});

describe("the mapping is data (rules/xml-mapping.json)", () => {
  it("follows a rule file that maps differently", () => {
    const rules = parseRules({
      "xml-mapping.json": {
        visitTypes: { "01": "day_treatment", "03": "inpatient" },
        emergency: { when: [{ field: "MA_DOITUONG_KCB", in: ["9"] }], replaces: ["inpatient"] },
        referral: [{ field: "MA_NOI_CHUYEN" }],
        died: [{ field: "KET_QUA_DTRI", in: ["4"] }],
        documentTables: { XML14: { type: "referral_paper", reference: ["SO_GIAYHEN_KL"] } },
      },
    }).xml;
    const m = map(
      [
        ["XML1", withFields(TONG_HOP_130, { MA_DOITUONG_KCB: "9", MA_NOI_CHUYEN: "79001", KET_QUA_DTRI: "4" })],
        ["XML7", fixture("giay-ra-vien.xml")],
        ["XML14", "<CHI_TIEU_GIAYHEN><SO_GIAYHEN_KL>H1</SO_GIAYHEN_KL></CHI_TIEU_GIAYHEN>"],
      ],
      rules,
    );
    expect(m.claim).toMatchObject({
      visitType: "emergency",
      referral: true,
      died: true,
      documents: [{ type: "referral_paper", reference: "H1" }],
    });
    expect(map([["XML1", withFields(TONG_HOP_130, { MA_LOAI_KCB: "01" })]], rules).claim).toMatchObject({
      visitType: "day_treatment",
    });
  });

  it("refuses a rule file naming a document type documents.json does not know", () => {
    expect(() =>
      parseRules({ "xml-mapping.json": { documentTables: { XML9: { type: "birth_certificate" } } } }),
    ).toThrow(
      'rules: xml-mapping.json: documentTables.XML9.type: unknown document type "birth_certificate" (not in ' +
        "documents.json)",
    );
    expect(() => parseRules({ "xml-mapping.json": { visitTypes: { "1": "inpatient" } } })).toThrow(
      /xml-mapping\.json: visitTypes/,
    );
  });
});

describe("the standard's formats", () => {
  it("times, birth dates and ICD-10 codes", () => {
    expect(vietnamTime("202606141030")).toBe("2026-06-14T10:30:00+07:00");
    expect(vietnamTime("202602291030")).toBeNull();
    expect(vietnamTime("202802291030")).toBe("2028-02-29T10:30:00+07:00");
    expect(birthDate("19800501")).toBe("1980-05-01");
    expect(birthDate("198005010000")).toBe("1980-05-01");
    expect(birthDate("000000000000")).toBeNull();
    expect(icd10("e11")).toBe("E11");
    expect(icd10("E1190")).toBe("E11.90");
    expect(icd10("J18.9")).toBe("J18.9");
  });
});
