import { z } from "zod";

/**
 * rules/xml-mapping.json: how an episode of the Ministry of Health XML standard
 * (Decision 130/4750, legacy 4210) becomes a claim of the JSON contract. The
 * field names of the standard are fixed (src/xml/map.ts); what they mean for
 * the claim model is data, here.
 *
 * A test is a field of the summary table (XML1) that is non-empty, or, with
 * `in`, whose trimmed value is one of the values. A list of tests holds when
 * any of them holds.
 */
const Field = z.string().regex(/^[A-Z][A-Z0-9_]*$/, "an XML field name like MA_LOAI_KCB");
const Test = z.object({ field: Field, in: z.array(z.string().min(1)).min(1).optional() }).strict();
const AnyOf = z.array(Test);
/** Fields tried in order: the first non-empty value is taken. */
const Fields = z.array(Field).min(1);
const VisitType = z.enum(["outpatient", "day_treatment", "inpatient", "emergency"]);

export const XmlMappingRulesSchema = z
  .object({
    /** MA_LOAI_KCB (two digits; 4210's "1".."3" read as "01".."03") -> the contract's visitType. */
    visitTypes: z.record(z.string().regex(/^\d{2}$/, 'two digits like "03"'), VisitType).default({
      "01": "outpatient", // khám bệnh: an outpatient visit
      "02": "day_treatment", // điều trị ngoại trú: an outpatient treatment course
      "03": "inpatient", // điều trị nội trú
      "04": "day_treatment", // điều trị nội trú ban ngày: day inpatient
      "05": "outpatient", // chronic disease, outpatient, examination and drugs
      "06": "day_treatment", // observation stay at a commune station / regional clinic
      "07": "outpatient", // drug refill by appointment, no examination
      "08": "outpatient", // chronic disease, outpatient, with procedures (dialysis ...)
      "09": "inpatient", // inpatient under 4 hours
    }),
    /** An episode that passes `when` is an emergency, if its MA_LOAI_KCB made it one of `replaces`. */
    emergency: z
      .object({ when: AnyOf, replaces: z.array(VisitType).min(1) })
      .strict()
      .default({
        // 130: MA_DOITUONG_KCB "2" cấp cứu; 4210: MA_LYDO_VVIEN "2" cấp cứu.
        when: [
          { field: "MA_DOITUONG_KCB", in: ["2"] },
          { field: "MA_LYDO_VVIEN", in: ["2"] },
        ],
        // An emergency that was admitted stays an inpatient stay (it still needs its discharge paper).
        replaces: ["outpatient"],
      }),
    /** The claim's `referral`: referred from another facility. */
    referral: AnyOf.default([{ field: "MA_NOI_DI" }, { field: "GIAY_CHUYEN_TUYEN" }]),
    /**
     * Fields of XML1 whose first non-empty value is the referral paper's number: the receiving facility's record
     * of a paper that travels as the sender's XML13 (the claim's `referralPaper`).
     */
    referralPaper: z.array(Field).default(["GIAY_CHUYEN_TUYEN"]),
    /** Fields of XML1 whose first 5-digit value is the referring facility (the claim's `referralFrom`). */
    referralFrom: z.array(Field).default(["MA_NOI_DI"]),
    /** The claim's `procedure`: a surgery or procedure (ICD-9-CM codes in MA_PTTT_QT). */
    procedure: AnyOf.default([{ field: "MA_PTTT_QT" }]),
    /** The claim's `died`: KET_QUA_DTRI 5 death, 8 death outside hospital. */
    died: AnyOf.default([{ field: "KET_QUA_DTRI", in: ["5", "8"] }]),
    /**
     * Tables (LOAIHOSO) that are documents of the claim: the document type, and
     * the fields of that table whose first non-empty value is the reference
     * (otherwise "<table>/<MA_LK>").
     */
    documentTables: z
      .record(
        z.string().regex(/^XML\d{1,2}$/, "a table name like XML7"),
        z.object({ type: z.string().regex(/^[a-z][a-z0-9_]*$/), reference: z.array(Field).default([]) }).strict(),
      )
      .default({
        XML7: { type: "discharge_paper", reference: ["SO_LUU_TRU", "MA_LK"] },
        XML13: { type: "referral_paper", reference: ["GIAY_CHUYEN_TUYEN", "SO_HOSO"] },
      }),
    /**
     * Tables whose rows are the claim's cost lines (the claim's `lines`): the element of each row, the line's kind
     * (a row with one of `supplyWhen` non-empty is a supply), and for each part of a line the fields whose first
     * non-empty value it is (130 names first, then 4210's).
     */
    lineTables: z
      .record(
        z.string().regex(/^XML\d{1,2}$/, "a table name like XML2"),
        z
          .object({
            row: Field,
            kind: z.enum(["drug", "service", "supply"]),
            supplyWhen: z.array(Field).default([]),
            itemCode: Fields,
            name: z.array(Field).default([]),
            costGroup: Fields,
            quantity: Fields,
            unitPrice: Fields,
            amount: Fields,
            insurance: Fields,
            orderedAt: z.array(Field).default([]),
            // What automated assessment reads besides (issue 23); none of them is required.
            executedAt: z.array(Field).default([]),
            insuredPrice: z.array(Field).default([]),
            bidInfo: z.array(Field).default([]),
            orderedBy: z.array(Field).default([]),
            performedBy: z.array(Field).default([]),
            /** Read on supply rows only: the service the supply was used in. */
            serviceCode: z.array(Field).default([]),
          })
          .strict(),
      )
      .default({
        XML2: {
          row: "CHI_TIET_THUOC",
          kind: "drug",
          supplyWhen: [],
          itemCode: ["MA_THUOC"],
          name: ["TEN_THUOC"],
          costGroup: ["MA_NHOM"],
          quantity: ["SO_LUONG"],
          unitPrice: ["DON_GIA"],
          amount: ["THANH_TIEN_BV", "THANH_TIEN"],
          insurance: ["T_BHTT"],
          orderedAt: ["NGAY_YL"],
          executedAt: ["NGAY_TH_YL"],
          insuredPrice: [],
          bidInfo: ["TT_THAU"],
          orderedBy: ["MA_BAC_SI"],
          performedBy: [],
          serviceCode: [],
        },
        XML3: {
          row: "CHI_TIET_DVKT",
          kind: "service",
          supplyWhen: ["MA_VAT_TU"],
          itemCode: ["MA_VAT_TU", "MA_DICH_VU"],
          name: ["TEN_VAT_TU", "TEN_DICH_VU"],
          costGroup: ["MA_NHOM"],
          quantity: ["SO_LUONG"],
          unitPrice: ["DON_GIA_BV", "DON_GIA"],
          amount: ["THANH_TIEN_BV", "THANH_TIEN"],
          insurance: ["T_BHTT"],
          orderedAt: ["NGAY_YL"],
          executedAt: ["NGAY_TH_YL"],
          insuredPrice: ["DON_GIA_BH"],
          bidInfo: ["TT_THAU"],
          orderedBy: ["MA_BAC_SI"],
          performedBy: ["NGUOI_THUC_HIEN"],
          serviceCode: ["MA_DICH_VU"],
        },
      }),
    /** The standard allows at most 12 secondary diagnoses (MA_BENH_KT). */
    maxSecondaryDiagnoses: z.number().int().min(0).max(50).default(12),
  })
  .strict()
  .superRefine((mapping, ctx) => {
    if (mapping.documentTables.XML1)
      ctx.addIssue({
        code: "custom",
        path: ["documentTables", "XML1"],
        message: "XML1 is the summary, not a document",
      });
    for (const table of Object.keys(mapping.lineTables))
      if (table === "XML1" || mapping.documentTables[table])
        ctx.addIssue({
          code: "custom",
          path: ["lineTables", table],
          message: "a table of lines is neither the summary nor a document",
        });
  });

export type XmlMappingRules = z.output<typeof XmlMappingRulesSchema>;
export type XmlTest = z.output<typeof Test>;
