import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assessClaim } from "../../src/assessment/engine.ts";
import type { AssessedLine, AssessmentCatalogue, AssessmentInput } from "../../src/assessment/model.ts";
import type { AssessmentRule, AssessmentRules, RuleCode } from "../../src/assessment/rules.ts";
import type { DrugEntry, ServiceEntry, StaffEntry, SupplyEntry } from "../../src/assessment/types.ts";
import { Dec } from "../../src/domain/money.ts";
import { defaultRules } from "../../src/rules/schema.ts";

const shipped = defaultRules().assessment;

/** The shipped rules, only those named, each with the changes given. */
function only(codes: RuleCode[], changes: Partial<Record<RuleCode, Partial<AssessmentRule>>> = {}): AssessmentRules {
  const rules = shipped.rules
    .filter((rule) => codes.includes(rule.code))
    .map((rule) => ({ ...rule, ...changes[rule.code] }) as AssessmentRule);
  return { ...shipped, rules };
}

const FACILITY = "01001";
// An inpatient stay of 74 hours: 08:00 on 2 March to 10:00 on 5 March 2026, Vietnam time.
const ADMITTED = "2026-03-02T08:00:00+07:00";
const DISCHARGED = "2026-03-05T10:00:00+07:00";

const line = (changes: Partial<AssessedLine> = {}): AssessedLine => ({
  kind: "drug",
  itemCode: "40.1",
  costGroup: "4",
  quantity: "1",
  unitPrice: "100000",
  amount: "100000",
  insurance: "80000",
  orderedAt: "2026-03-02T09:00:00+07:00",
  ...changes,
});

/** A claim of these lines whose totals are their sums (so the money identities hold unless a test breaks them). */
function claim(lines: AssessedLine[], changes: Partial<AssessmentInput> = {}): AssessmentInput {
  const sum = (pick: (one: AssessedLine) => string) =>
    lines.reduce((total, one) => total.plus(pick(one)), new Dec(0)).toFixed();
  return {
    facilityCode: FACILITY,
    visitType: "inpatient",
    admittedAt: ADMITTED,
    dischargedAt: DISCHARGED,
    totals: { total: sum((one) => one.amount), insurance: sum((one) => one.insurance) },
    lines,
    catalogue: {},
    ...changes,
  };
}

const validity = (validFrom = "2026-01-01", validTo: string | null = null) => ({ validFrom, validTo });
const drug = (code: string, unitPrice: string, changes: Partial<DrugEntry> = {}): DrugEntry => ({
  facilityCode: FACILITY,
  code,
  name: `drug ${code}`,
  concentration: null,
  registrationNumber: null,
  bidInfo: null,
  unitPrice,
  costGroup: "4",
  ...validity(),
  ...changes,
});
const supply = (code: string, unitPrice: string, changes: Partial<SupplyEntry> = {}): SupplyEntry => ({
  facilityCode: FACILITY,
  code,
  name: `supply ${code}`,
  bidInfo: null,
  unitPrice,
  ...validity(),
  ...changes,
});
const service = (code: string, unitPrice: string, changes: Partial<ServiceEntry> = {}): ServiceEntry => ({
  facilityCode: FACILITY,
  code,
  name: `service ${code}`,
  unitPrice,
  suppliesIncluded: false,
  ...validity(),
  ...changes,
});
const staff = (certificate: string, changes: Partial<StaffEntry> = {}): StaffEntry => ({
  facilityCode: FACILITY,
  certificate,
  name: null,
  ...validity(),
  ...changes,
});

const assess = (input: AssessmentInput, codes: RuleCode[], changes?: Parameters<typeof only>[1]) =>
  assessClaim(input, only(codes, changes));
const brief = (input: AssessmentInput, codes: RuleCode[], changes?: Parameters<typeof only>[1]) =>
  assess(input, codes, changes).findings.map(({ code, lineIndex, amount }) => [code, lineIndex, amount]);

describe("unit price above the approved price (PRICE_ABOVE_APPROVED, cut_excess)", () => {
  it("cuts the fund's share of the excess, by hand", () => {
    // 10 units at 12,000 against an approved 10,000; the fund pays 80%: T_BHTT 96,000. Its share of the excess is
    // 96,000 × (12,000 − 10,000) / 12,000 = 16,000 (the other 4,000 of the 20,000 excess is the patient's
    // co-payment). Approved: 96,000 − 16,000 = 80,000.
    const input = claim([line({ quantity: "10", unitPrice: "12000", amount: "120000", insurance: "96000" })], {
      catalogue: { drugs: [drug("40.1", "10000")] },
    });
    const result = assess(input, ["PRICE_ABOVE_APPROVED"]);
    expect(result).toMatchObject({ cut: "16000.00", proposedApproved: "80000.00", rejected: false });
    expect(result.findings).toEqual([
      {
        code: "PRICE_ABOVE_APPROVED",
        action: "cut_excess",
        lineIndex: 0,
        amount: "16000.00",
        message: {
          vi: "Thuốc 40.1: đơn giá 12000 cao hơn giá được phê duyệt 10000 (ngày 02/03/2026)",
          en: "Drug 40.1: unit price 12000 above the approved price 10000 (on 2026-03-02)",
        },
      },
    ]);
  });

  it("rounds the cut half up to the cent", () => {
    // 7 × 125.50 = 878.50 at 95%: T_BHTT 834.575 sent as 834.58. Cut 834.58 × 25.50 / 125.50 = 169.576... -> 169.58;
    // approved 834.58 − 169.58 = 665.00.
    const input = claim([line({ kind: "supply", itemCode: "VT1", costGroup: "10", quantity: "7" })], {
      catalogue: { supplies: [supply("VT1", "100")] },
    });
    input.lines = [{ ...input.lines[0]!, unitPrice: "125.5", amount: "878.50", insurance: "834.58" }];
    input.totals = { total: "878.50", insurance: "834.58" };
    expect(assess(input, ["PRICE_ABOVE_APPROVED"])).toMatchObject({ cut: "169.58", proposedApproved: "665.00" });
  });

  it("a price equal to the approved one is not cut", () => {
    const input = claim([line()], { catalogue: { drugs: [drug("40.1", "100000")] } });
    expect(assess(input, ["PRICE_ABOVE_APPROVED"])).toEqual({
      findings: [],
      cut: "0.00",
      proposedApproved: "80000.00",
      rejected: false,
    });
  });

  it("prices a line with TT_THAU by the entry of the same bid", () => {
    const catalogue = {
      drugs: [
        drug("40.1", "90000", { bidInfo: "57/QĐ-TTMS;G1;N1;2025" }),
        drug("40.1", "110000", { bidInfo: "12/QĐ-SYT;G2;N3;2025" }),
      ],
    };
    // Bid G1 at 90,000: 80,000 × 10,000 / 100,000 = 8,000. The fifth part (the awarding unit) does not matter.
    const first = claim([line({ bidInfo: "57/QĐ-TTMS;G1;N1;2025;00" })], { catalogue });
    expect(brief(first, ["PRICE_ABOVE_APPROVED"])).toEqual([["PRICE_ABOVE_APPROVED", 0, "8000.00"]]);
    const second = claim([line({ bidInfo: "12/QĐ-SYT;G2;N3;2025" })], { catalogue });
    expect(brief(second, ["PRICE_ABOVE_APPROVED"])).toEqual([]);
  });

  it("checks services against the price list in force that day", () => {
    const catalogue = {
      services: [
        service("02.03", "50000", { validTo: "2026-03-02" }),
        service("02.03", "45000", { validFrom: "2026-03-03" }),
      ],
    };
    const lines = [
      line({
        kind: "service",
        itemCode: "02.03",
        costGroup: "2",
        unitPrice: "50000",
        amount: "50000",
        insurance: "50000",
      }),
      line({
        kind: "service",
        itemCode: "02.03",
        costGroup: "2",
        unitPrice: "50000",
        amount: "50000",
        insurance: "50000",
        orderedAt: "2026-03-03T08:00:00+07:00",
      }),
    ];
    // The second, ordered on 3 March, is priced at 45,000: 50,000 × 5,000 / 50,000 = 5,000.
    expect(brief(claim(lines, { catalogue }), ["PRICE_ABOVE_APPROVED"])).toEqual([
      ["PRICE_ABOVE_APPROVED", 1, "5000.00"],
    ]);
  });
});

describe("not in the facility's approved list on that date (NOT_IN_APPROVED_LIST, cut_line)", () => {
  it("cuts the whole line's insurance", () => {
    const input = claim([line(), line({ itemCode: "40.2", insurance: "50000.50", amount: "60000" })], {
      catalogue: { drugs: [drug("40.1", "100000")] },
    });
    const result = assess(input, ["NOT_IN_APPROVED_LIST"]);
    // 80,000 + 50,000.50 claimed; the second line is cut whole: 80,000.00 left.
    expect(result).toMatchObject({ cut: "50000.50", proposedApproved: "80000.00" });
    expect(result.findings[0]).toMatchObject({
      lineIndex: 1,
      message: {
        vi: "Thuốc 40.2 (thông tin thầu -) không có trong danh mục được phê duyệt của cơ sở KCB ngày 02/03/2026",
        en: "Drug 40.2 (bid -) is not in the facility's approved list on 2026-03-02",
      },
    });
  });

  it("counts validTo as a day in force, and reads the day in Vietnam time", () => {
    const catalogue = { drugs: [drug("40.1", "100000", { validFrom: "2026-03-02", validTo: "2026-03-04" })] };
    // 23:30 on 4 March in Hanoi is 16:30 UTC: still the last day in force.
    const lastDay = claim([line({ orderedAt: "2026-03-04T16:30:00Z" })], { catalogue });
    expect(brief(lastDay, ["NOT_IN_APPROVED_LIST"])).toEqual([]);
    // 00:10 on 5 March in Hanoi is still 4 March in UTC: out of force.
    const dayAfter = claim([line({ orderedAt: "2026-03-04T17:10:00Z" })], { catalogue });
    expect(brief(dayAfter, ["NOT_IN_APPROVED_LIST"])).toEqual([["NOT_IN_APPROVED_LIST", 0, "80000.00"]]);
    // Ordered on the first day in force (the admission day): listed.
    const firstDay = claim([line({ orderedAt: "2026-03-02T00:00:00+07:00" })], { catalogue });
    expect(brief(firstDay, ["NOT_IN_APPROVED_LIST"])).toEqual([]);
  });

  it("reads a line without an order time on the admission day", () => {
    const catalogue = { drugs: [drug("40.1", "100000", { validFrom: "2026-03-03" })] };
    expect(brief(claim([line({ orderedAt: null })], { catalogue }), ["NOT_IN_APPROVED_LIST"])).toEqual([
      ["NOT_IN_APPROVED_LIST", 0, "80000.00"],
    ]);
  });

  it("a line whose TT_THAU matches no entry's is not in the list; one without TT_THAU is matched on the code", () => {
    const catalogue = { supplies: [supply("VT1", "100000", { bidInfo: "57/QĐ-TTMS;G1;N1;2025" })] };
    const supplyLine = (bidInfo: string | null) => line({ kind: "supply", itemCode: "VT1", costGroup: "10", bidInfo });
    expect(brief(claim([supplyLine("99/QĐ-BV;G1;N1;2025")], { catalogue }), ["NOT_IN_APPROVED_LIST"])).toEqual([
      ["NOT_IN_APPROVED_LIST", 0, "80000.00"],
    ]);
    expect(brief(claim([supplyLine(null)], { catalogue }), ["NOT_IN_APPROVED_LIST"])).toEqual([]);
    const lenient = { params: { matchBidInfo: false, exemptItemCodes: [] } } as Partial<AssessmentRule>;
    expect(
      brief(claim([supplyLine("99/QĐ-BV;G1;N1;2025")], { catalogue }), ["NOT_IN_APPROVED_LIST"], {
        NOT_IN_APPROVED_LIST: lenient,
      }),
    ).toEqual([]);
  });

  it("passes lines by without their kind's catalogue, and transport codes; another facility's entries do not count", () => {
    expect(brief(claim([line()], { catalogue: { supplies: [] } }), ["NOT_IN_APPROVED_LIST"])).toEqual([]);
    const elsewhere = { drugs: [drug("40.1", "100000", { facilityCode: "01002" })] };
    expect(brief(claim([line()], { catalogue: elsewhere }), ["NOT_IN_APPROVED_LIST"])).toEqual([
      ["NOT_IN_APPROVED_LIST", 0, "80000.00"],
    ]);
    const transport = line({ kind: "service", itemCode: "VC.01002", costGroup: "12" });
    expect(brief(claim([transport], { catalogue: { services: [] } }), ["NOT_IN_APPROVED_LIST"])).toEqual([]);
  });
});

describe("precedence: a line is never cut twice", () => {
  it("a line not in the list is cut whole, not also for its excess", () => {
    // Bid X is not the listed bid A (10,000), so the line is out of the list: cut whole (96,000). Its price is also
    // above bid A's, but that excess is already inside the whole-line cut: 0.00.
    const catalogue = { drugs: [drug("40.1", "10000", { bidInfo: "1/QĐ;G1;N1;2025" })] };
    const input = claim(
      [line({ quantity: "10", unitPrice: "12000", amount: "120000", insurance: "96000", bidInfo: "2/QĐ;G1;N1;2025" })],
      { catalogue },
    );
    const result = assess(input, ["PRICE_ABOVE_APPROVED", "NOT_IN_APPROVED_LIST"]);
    expect(result.findings.map(({ code, amount }) => [code, amount])).toEqual([
      ["NOT_IN_APPROVED_LIST", "96000.00"],
      ["PRICE_ABOVE_APPROVED", "0.00"],
    ]);
    expect(result).toMatchObject({ cut: "96000.00", proposedApproved: "0.00", rejected: false });
  });

  it("two excess cuts on one line apply one after the other", () => {
    // Stay of 74 hours: 3 bed days allowed, 4 billed on one line (quantity 4, 300,000 a day, T_BHTT 960,000), priced
    // 300,000 against an approved 250,000. Whole-line cuts first, then excess cuts in file order: the price takes
    // 960,000 × 50,000 / 300,000 = 160,000, leaving 800,000; the extra day takes 800,000 × 1 / 4 = 200,000.
    const bed = line({
      kind: "service",
      itemCode: "K01.1901",
      costGroup: "15",
      quantity: "4",
      unitPrice: "300000",
      amount: "1200000",
      insurance: "960000",
    });
    const result = assess(claim([bed], { catalogue: { services: [service("K01.1901", "250000")] } }), [
      "PRICE_ABOVE_APPROVED",
      "BED_DAYS_EXCEED_STAY",
    ]);
    expect(result.findings.map(({ code, amount }) => [code, amount])).toEqual([
      ["PRICE_ABOVE_APPROVED", "160000.00"],
      ["BED_DAYS_EXCEED_STAY", "200000.00"],
    ]);
    expect(result.proposedApproved).toBe("600000.00");
  });
});

describe("order and execution times (ORDER_OUTSIDE_STAY, EXECUTED_BEFORE_ORDER, warn)", () => {
  const codes: RuleCode[] = ["ORDER_OUTSIDE_STAY", "EXECUTED_BEFORE_ORDER"];

  it("warns of an order before admission or after discharge, and cuts nothing", () => {
    const before = line({ orderedAt: "2026-03-01T20:00:00+07:00" });
    const after = line({ orderedAt: "2026-03-05T10:01:00+07:00" });
    const result = assess(claim([before, after]), codes);
    expect(result).toMatchObject({ cut: "0.00", proposedApproved: "160000.00" });
    expect(result.findings.map(({ code, action, lineIndex, amount }) => [code, action, lineIndex, amount])).toEqual([
      ["ORDER_OUTSIDE_STAY", "warn", 0, "0.00"],
      ["ORDER_OUTSIDE_STAY", "warn", 1, "0.00"],
    ]);
    expect(result.findings[0]!.message).toEqual({
      vi:
        "Thuốc 40.1: thời điểm y lệnh 20:00 01/03/2026 nằm ngoài thời gian điều trị " +
        "(08:00 02/03/2026 – 10:00 05/03/2026)",
      en: "Drug 40.1: ordered at 2026-03-01 20:00, outside the stay (2026-03-02 08:00 to 2026-03-05 10:00)",
    });
  });

  it("an order at the admission or discharge minute is inside; earlier on the admission day only by the minute", () => {
    const atAdmission = line({ orderedAt: ADMITTED });
    const atDischarge = line({ orderedAt: DISCHARGED });
    expect(brief(claim([atAdmission, atDischarge]), codes)).toEqual([]);
    // 07:00 on the admission day, an hour before admission: outside to the minute, inside by the day.
    const early = claim([line({ orderedAt: "2026-03-02T07:00:00+07:00" })]);
    expect(brief(early, codes)).toEqual([["ORDER_OUTSIDE_STAY", 0, "0.00"]]);
    const byDay = { ORDER_OUTSIDE_STAY: { params: { precision: "day" } } as Partial<AssessmentRule> };
    expect(brief(early, codes, byDay)).toEqual([]);
  });

  it("warns of an execution before its order, not of one at the same minute", () => {
    const input = claim([
      line({ orderedAt: "2026-03-02T09:00:00+07:00", executedAt: "2026-03-02T08:59:00+07:00" }),
      line({ orderedAt: "2026-03-02T09:00:00+07:00", executedAt: "2026-03-02T09:00:00+07:00" }),
    ]);
    const result = assess(input, codes);
    expect(result.findings.map(({ code, lineIndex }) => [code, lineIndex])).toEqual([["EXECUTED_BEFORE_ORDER", 0]]);
    expect(result.findings[0]!.message.en).toBe(
      "Drug 40.1: executed at 2026-03-02 08:59, before it was ordered at 2026-03-02 09:00",
    );
  });
});

const bed = (day: string, changes: Partial<AssessedLine> = {}) =>
  line({
    kind: "service",
    itemCode: "K01.1901",
    costGroup: "15",
    unitPrice: "300000",
    amount: "300000",
    insurance: "240000",
    orderedAt: `${day}T08:00:00+07:00`,
    ...changes,
  });

describe("beds (BED_DAYS_EXCEED_STAY, BED_IN_OUTPATIENT, BED_SHORT_STAY)", () => {
  const beds = ["BED_DAYS_EXCEED_STAY", "BED_IN_OUTPATIENT", "BED_SHORT_STAY"] as RuleCode[];
  const fourDays = [bed("2026-03-02"), bed("2026-03-03"), bed("2026-03-04"), bed("2026-03-05")];

  it("cuts the bed days beyond the stay from the latest lines", () => {
    // 08:00 on 2 March to 10:00 on 5 March: 74 hours, 3 calendar days, 2 hours over whole days (< 4): 3 bed days.
    // 4 billed: the line of 5 March is cut, 240,000 × 1 / 1.
    const result = assess(claim(fourDays), beds);
    expect(result.findings.map(({ code, lineIndex, amount }) => [code, lineIndex, amount])).toEqual([
      ["BED_DAYS_EXCEED_STAY", 3, "240000.00"],
    ]);
    expect(result.proposedApproved).toBe("720000.00");
    expect(result.findings[0]!.message.en).toBe(
      "Bed K01.1901: 4 bed days billed, at most 3 for a stay of 74 hours; 1 of this line's 1 exceed it",
    );
  });

  it("takes part of a line when the excess is less than its quantity", () => {
    // Two lines of 2 days (T_BHTT 480,000 each), 3 allowed: one day of the later line, 480,000 × 1 / 2 = 240,000.
    const twoByTwo = [
      bed("2026-03-02", { quantity: "2", amount: "600000", insurance: "480000" }),
      bed("2026-03-04", { quantity: "2", amount: "600000", insurance: "480000" }),
    ];
    expect(brief(claim(twoByTwo), beds)).toEqual([["BED_DAYS_EXCEED_STAY", 1, "240000.00"]]);
  });

  it("counts the discharge day when 4 hours or more are left over whole days, or for a transfer in a worse state", () => {
    // 08:00 on 2 March to 12:00 on 5 March: 76 hours, exactly 4 over 3 whole days: 4 bed days.
    expect(brief(claim(fourDays, { dischargedAt: "2026-03-05T12:00:00+07:00" }), beds)).toEqual([]);
    // KET_QUA_DTRI 3 (worse) with MA_LOAI_RV 2 (transferred): the discharge day counts.
    expect(brief(claim(fourDays, { treatmentResult: "3", dischargeKind: "2" }), beds)).toEqual([]);
    expect(brief(claim(fourDays, { treatmentResult: "1", dischargeKind: "2" }), beds)).toHaveLength(1);
  });

  it("allows one bed day for a stay of 4 to 24 hours", () => {
    const input = claim([bed("2026-03-02"), bed("2026-03-03")], { dischargedAt: "2026-03-03T07:00:00+07:00" });
    expect(brief(input, beds)).toEqual([["BED_DAYS_EXCEED_STAY", 1, "240000.00"]]);
  });

  it("cuts every bed line of a stay under 4 hours, and none of a stay of exactly 4", () => {
    const short = claim([bed("2026-03-02")], { dischargedAt: "2026-03-02T11:59:00+07:00" });
    const result = assess(short, beds);
    expect(result.findings.map(({ code, amount }) => [code, amount])).toEqual([["BED_SHORT_STAY", "240000.00"]]);
    expect(result.findings[0]!.message).toEqual({
      vi: "Giường K01.1901: thời gian điều trị 3.98 giờ, dưới 4 giờ không được tính tiền giường",
      en: "Bed K01.1901: a stay of 3.98 hours; under 4 hours no bed day is paid",
    });
    expect(brief(claim([bed("2026-03-02")], { dischargedAt: "2026-03-02T12:00:00+07:00" }), beds)).toEqual([]);
  });

  it("cuts a bed charged to an examination or an outpatient course (MA_LOAI_KCB 02), not to a day inpatient (04)", () => {
    const visit = { dischargedAt: "2026-03-02T10:00:00+07:00" };
    const outpatient = assess(claim([bed("2026-03-02")], { ...visit, visitType: "outpatient", visitCode: "01" }), beds);
    expect(outpatient.findings.map(({ code, amount }) => [code, amount])).toEqual([["BED_IN_OUTPATIENT", "240000.00"]]);
    expect(outpatient.findings[0]!.message.vi).toBe(
      "Giường K01.1901 được tính cho lượt khám bệnh ngoại trú (MA_LOAI_KCB 01): khám bệnh, điều trị ngoại trú " +
        "không được thanh toán tiền giường",
    );
    const course = claim([bed("2026-03-02", { costGroup: "14" })], { visitType: "day_treatment", visitCode: "02" });
    expect(brief(course, ["BED_IN_OUTPATIENT"])).toEqual([["BED_IN_OUTPATIENT", 0, "240000.00"]]);
    const dayInpatient = claim([bed("2026-03-02", { costGroup: "14" })], {
      visitType: "day_treatment",
      visitCode: "04",
    });
    expect(brief(dayInpatient, ["BED_IN_OUTPATIENT"])).toEqual([]);
  });
});

describe("two examination fees in one inpatient stay (EXAMINATION_REPEATED_INPATIENT, cut_line)", () => {
  const exam = (orderedAt: string, itemCode = "02.1896") =>
    line({
      kind: "service",
      itemCode,
      costGroup: "13",
      unitPrice: "37500",
      amount: "37500",
      insurance: "30000",
      orderedAt,
    });

  it("keeps the earliest ordered and cuts the second", () => {
    // Listed out of time order: the one ordered at 07:30 is kept, the 10:00 one (line 0) is cut: 30,000.
    const input = claim([exam("2026-03-02T10:00:00+07:00", "02.1897"), exam("2026-03-02T07:30:00+07:00")]);
    const result = assess(input, ["EXAMINATION_REPEATED_INPATIENT"]);
    expect(result.findings.map(({ lineIndex, amount }) => [lineIndex, amount])).toEqual([[0, "30000.00"]]);
    expect(result.proposedApproved).toBe("30000.00");
    expect(result.findings[0]!.message.en).toBe(
      "Examination 02.1897: 2 examination fees in one inpatient stay, 1 paid (02.1896)",
    );
  });

  it("leaves an outpatient visit's examinations alone", () => {
    const input = claim([exam(ADMITTED), exam(ADMITTED)], { visitType: "outpatient" });
    expect(brief(input, ["EXAMINATION_REPEATED_INPATIENT"])).toEqual([]);
  });
});

describe("a supply whose service price already includes it (SUPPLY_INCLUDED_IN_SERVICE, cut_line)", () => {
  const supplyLine = (serviceCode: string | null) =>
    line({ kind: "supply", itemCode: "N03.01.070", costGroup: "10", insurance: "45000", serviceCode });

  it("cuts the supply when the service's price in force includes supplies", () => {
    const catalogue = { services: [service("10.9001", "1500000", { suppliesIncluded: true })] };
    const result = assess(claim([supplyLine("10.9001")], { catalogue }), ["SUPPLY_INCLUDED_IN_SERVICE"]);
    expect(result.findings.map(({ lineIndex, amount }) => [lineIndex, amount])).toEqual([[0, "45000.00"]]);
    expect(result.findings[0]!.message.en).toBe(
      "Supply N03.01.070 is already in the price of service 10.9001 (on 2026-03-02) and is not paid separately",
    );
  });

  it("leaves it when the price does not include supplies, the service is unknown or not named", () => {
    const catalogue = { services: [service("10.9001", "1500000")] };
    expect(brief(claim([supplyLine("10.9001")], { catalogue }), ["SUPPLY_INCLUDED_IN_SERVICE"])).toEqual([]);
    expect(brief(claim([supplyLine("10.9002")], { catalogue }), ["SUPPLY_INCLUDED_IN_SERVICE"])).toEqual([]);
    expect(brief(claim([supplyLine(null)], { catalogue }), ["SUPPLY_INCLUDED_IN_SERVICE"])).toEqual([]);
  });
});

describe("staff without a valid certificate on the date (STAFF_NOT_CERTIFIED, warn)", () => {
  const catalogue: AssessmentCatalogue = {
    staff: [
      staff("000123/HNO-CCHN", { validTo: "2026-03-01" }),
      staff("000456/HNO-CCHN"),
      staff("000789/HNO-CCHN", { validFrom: "2026-03-03" }),
    ],
  };

  it("names the orderers and performers not certified on the day, leaving out trainees and lent staff", () => {
    const input = claim(
      [
        line({ orderedBy: "000123/HNO-CCHN;000456/HNO-CCHN(NV01);000999/HNO-CCHN.C.01002" }),
        line({
          kind: "service",
          itemCode: "18.0001",
          costGroup: "18",
          orderedBy: "000456/HNO-CCHN",
          performedBy: "000789/HNO-CCHN",
          executedAt: "2026-03-03T08:00:00+07:00",
        }),
      ],
      { catalogue },
    );
    // Line 0: 000123's certificate ended on 1 March. Line 1: 000789 is certified from 3 March, the day it performed.
    const result = assess(input, ["STAFF_NOT_CERTIFIED"]);
    expect(result.findings.map(({ lineIndex, amount }) => [lineIndex, amount])).toEqual([[0, "0.00"]]);
    expect(result.findings[0]!.message).toEqual({
      vi:
        "Thuốc 40.1: nhân viên y tế 000123/HNO-CCHN không có chứng chỉ hành nghề hợp lệ trong danh mục của cơ sở KCB " +
        "ngày 02/03/2026",
      en:
        "Drug 40.1: staff 000123/HNO-CCHN without a valid practising certificate in the facility's list " +
        "on 2026-03-02",
    });
  });

  it("says nothing without the staff list", () => {
    expect(brief(claim([line({ orderedBy: "000123/HNO-CCHN" })]), ["STAFF_NOT_CERTIFIED"])).toEqual([]);
  });
});

describe("the money identities between XML1 and the lines (MONEY_IDENTITY)", () => {
  it("warns of each total that is not its lines' sum, to the cent", () => {
    const input = claim([line({ amount: "100000.10", insurance: "80000.05" }), line()]);
    input.totals = { total: "200000.10", insurance: "160000.05", drugs: "200000.00", supplies: "0" };
    // T_TONGCHI_BV and T_BHTT add up; T_THUOC is 200,000.00 against 200,000.10; T_VTYT is 0 with no supply: fine.
    const result = assess(input, ["MONEY_IDENTITY"]);
    expect(result.findings).toEqual([
      {
        code: "MONEY_IDENTITY",
        action: "warn",
        lineIndex: null,
        amount: "0.00",
        message: {
          vi: "T_THUOC của XML1 là 200000, khác tổng THANH_TIEN_BV của thuốc = 200000.10",
          en: "XML1 T_THUOC is 200000, not the drugs' THANH_TIEN_BV = 200000.10",
        },
      },
    ]);
    expect(result.proposedApproved).toBe("160000.05");
  });

  it("checks T_BHTT = T_TONGCHI_BH − T_BNCCT when both are sent, even without lines", () => {
    const input = claim([], {
      totals: { total: "1000000", insurance: "800000", insuredTotal: "1000000", coPayment: "200000.01" },
    });
    expect(assess(input, ["MONEY_IDENTITY"]).findings.map(({ message }) => message.en)).toEqual([
      "XML1 T_BHTT is 800000, not T_TONGCHI_BH − T_BNCCT = 799999.99",
    ]);
  });

  it("rejects the claim when the rule says so: nothing is approved", () => {
    const input = claim([line(), line({ kind: "supply", itemCode: "VT1", costGroup: "10" })], {
      catalogue: { supplies: [] },
    });
    input.totals = { total: "200000", insurance: "170000" };
    // The supply is out of the list (80,000 cut); T_BHTT 170,000 against the lines' 160,000 rejects the claim: the
    // rejection takes the 90,000 left.
    const result = assess(input, ["NOT_IN_APPROVED_LIST", "MONEY_IDENTITY"], {
      MONEY_IDENTITY: { action: "reject_claim" },
    });
    expect(result.findings.map(({ code, action, lineIndex, amount }) => [code, action, lineIndex, amount])).toEqual([
      ["NOT_IN_APPROVED_LIST", "cut_line", 1, "80000.00"],
      ["MONEY_IDENTITY", "reject_claim", null, "90000.00"],
    ]);
    expect(result).toMatchObject({ cut: "170000.00", proposedApproved: "0.00", rejected: true });
  });
});

describe("the claim's totals", () => {
  it("approves the claimed amount less every cut, exact to the cent", () => {
    // Claimed 80,000.15 + 45,000.35 + 20,000.25 = 145,000.75.
    // Line 0: price 100,000 against 99,999.99: 80,000.15 × 0.01 / 100,000 = 0.0080... -> 0.01.
    // Line 1: out of the list: 45,000.35. Line 2: at the approved price, ordered after discharge: a warning.
    // Cut 0.01 + 45,000.35 = 45,000.36; approved 145,000.75 − 45,000.36 = 100,000.39.
    const input = claim(
      [
        line({ insurance: "80000.15" }),
        line({ itemCode: "40.9", insurance: "45000.35" }),
        line({ unitPrice: "99999.99", insurance: "20000.25", orderedAt: "2026-03-06T08:00:00+07:00" }),
      ],
      { catalogue: { drugs: [drug("40.1", "99999.99")] } },
    );
    const result = assess(input, ["PRICE_ABOVE_APPROVED", "NOT_IN_APPROVED_LIST", "ORDER_OUTSIDE_STAY"]);
    expect(result.findings.map(({ code, lineIndex, amount }) => [code, lineIndex, amount])).toEqual([
      ["PRICE_ABOVE_APPROVED", 0, "0.01"],
      ["NOT_IN_APPROVED_LIST", 1, "45000.35"],
      ["ORDER_OUTSIDE_STAY", 2, "0.00"],
    ]);
    expect(result).toMatchObject({ cut: "45000.36", proposedApproved: "100000.39" });
  });

  it("never approves below 0 when the lines claim more than XML1", () => {
    const input = claim([line(), line()], { catalogue: { drugs: [] } });
    input.totals = { total: "200000", insurance: "100000" };
    const result = assess(input, ["NOT_IN_APPROVED_LIST"]);
    expect(result.findings.map(({ amount }) => amount)).toEqual(["80000.00", "20000.00"]);
    expect(result).toMatchObject({ cut: "100000.00", proposedApproved: "0.00", rejected: false });
  });

  it("a disabled rule finds nothing", () => {
    const input = claim([line()], { catalogue: { drugs: [] } });
    expect(assess(input, ["NOT_IN_APPROVED_LIST"]).findings).toHaveLength(1);
    const disabled = { NOT_IN_APPROVED_LIST: { enabled: false } };
    expect(assess(input, ["NOT_IN_APPROVED_LIST"], disabled)).toEqual({
      findings: [],
      cut: "0.00",
      proposedApproved: "80000.00",
      rejected: false,
    });
  });

  it("with every shipped rule, a clean claim has no finding", () => {
    const input = claim([line({ orderedBy: "000456/HNO-CCHN" })], {
      catalogue: { drugs: [drug("40.1", "100000")], staff: [staff("000456/HNO-CCHN")] },
    });
    expect(assessClaim(input, shipped)).toEqual({
      findings: [],
      cut: "0.00",
      proposedApproved: "80000.00",
      rejected: false,
    });
  });
});

describe("whatever the claim", () => {
  const cents = (max: number) => fc.integer({ min: 0, max }).map((value) => new Dec(value).div(100).toFixed());
  const arbitraryLine = fc.record({
    kind: fc.constantFrom("drug", "supply", "service") as fc.Arbitrary<AssessedLine["kind"]>,
    itemCode: fc.constantFrom("A", "B", "C", "D"),
    costGroup: fc.constantFrom("4", "10", "13", "15"),
    quantity: fc.integer({ min: 0, max: 4000 }).map((value) => new Dec(value).div(1000).toFixed()),
    unitPrice: cents(50_000_000),
    amount: cents(100_000_000),
    insurance: cents(100_000_000),
    orderedAt: fc
      .integer({ min: -2, max: 5 })
      .map((day) => new Date(Date.parse(ADMITTED) + day * 86_400_000).toISOString()),
    bidInfo: fc.constantFrom(null, "1/QĐ;G1;N1;2025", "2/QĐ;G1;N1;2025"),
    serviceCode: fc.constantFrom(null, "A", "B"),
  });
  const entries = fc.array(
    fc.record({ code: fc.constantFrom("A", "B", "C"), price: cents(50_000_000), included: fc.boolean() }),
    { maxLength: 6 },
  );

  it("cuts never exceed the claimed insurance, and what is approved plus the cuts is what was claimed", () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryLine, { maxLength: 12 }),
        entries,
        cents(500_000_000),
        fc.constantFrom<AssessmentInput["visitType"]>("outpatient", "day_treatment", "inpatient", "emergency"),
        fc.boolean(),
        (lines, listed, claimed, visitType, rejectOnMismatch) => {
          const catalogue: AssessmentCatalogue = {
            drugs: listed.map(({ code, price }) => drug(code, price, { bidInfo: "1/QĐ;G1;N1;2025" })),
            supplies: listed.map(({ code, price }) => supply(code, price)),
            services: listed.map(({ code, price, included }) => service(code, price, { suppliesIncluded: included })),
          };
          const input = claim(lines, { visitType, catalogue });
          input.totals = { ...input.totals, insurance: claimed };
          const withReject: AssessmentRules = {
            ...shipped,
            rules: shipped.rules.map((rule) =>
              rule.code === "MONEY_IDENTITY" && rejectOnMismatch ? { ...rule, action: "reject_claim" } : rule,
            ),
          };
          const result = assessClaim(input, rejectOnMismatch ? withReject : shipped);
          const cut = result.findings.reduce((sum, finding) => sum.plus(finding.amount), new Dec(0));
          expect(cut.toFixed(2)).toBe(result.cut);
          expect(cut.lessThanOrEqualTo(claimed)).toBe(true);
          expect(new Dec(result.proposedApproved).plus(cut).equals(claimed)).toBe(true);
          expect(new Dec(result.proposedApproved).isNegative()).toBe(false);
          for (const finding of result.findings) expect(finding.amount).toMatch(/^\d+\.\d{2}$/);
          const byLine = new Map<number, Dec>();
          for (const { lineIndex, amount } of result.findings)
            if (lineIndex !== null) byLine.set(lineIndex, (byLine.get(lineIndex) ?? new Dec(0)).plus(amount));
          if (!result.rejected)
            for (const [index, lineCut] of byLine)
              expect(lineCut.lessThanOrEqualTo(lines[index]!.insurance)).toBe(true);
          if (result.rejected) expect(result.proposedApproved).toBe("0.00");
        },
      ),
      { numRuns: 300 },
    );
  });
});
