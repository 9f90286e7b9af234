import { describe, expect, it } from "vitest";
import { seedReference, useTestApp } from "../support/harness.ts";
import { csvRows, drugLine as drug, stay, submitFor } from "../support/reports.ts";

const t = useTestApp();

/** A claim of an hour's stay discharged on 10 June 2026 with these lines (total and insurance their sums). */
function withLines(claimId: string, lines: ReturnType<typeof drug>[]) {
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const insurance = lines.reduce((sum, line) => sum + line.insurance, 0);
  return stay(claimId, "2026-06-10T03:00:00Z", String(insurance), {
    amounts: { total: String(total), insurance: String(insurance), patient: String(total - insurance), other: "0" },
    lines,
  });
}

const plain = (claimId: string) => stay(claimId, "2026-06-10T03:00:00Z");

async function loadDrugs(facility: string, csv: string) {
  const res = await t.json("PUT", `/v1/facilities/${facility}/catalogues/drugs`, {
    body: `MA_THUOC,TEN_THUOC,DON_GIA_BH,TU_NGAY,DEN_NGAY\n${csv}`,
    headers: { "content-type": "text/csv" },
  });
  expect(res.status).toBe(201);
}

/**
 * Hà Nội: 01001 (ITEM-A approved at 900), 01002 (ITEM-A at 1000) and 01003 (no catalogue); Hồ Chí Minh: 79001.
 * Every claim is discharged in June 2026.
 *
 * 01001, 3 claims:
 *   C1 ITEM-A 10 × 1000, the fund paying 8000: PRICE_ABOVE_APPROVED cuts 8000 × (1000 − 900) / 1000 = 800.
 *   C2 ITEM-B (not listed) 5000, paid whole: NOT_IN_APPROVED_LIST cuts 5000; ITEM-A 900 ordered the day before
 *      admission: ORDER_OUTSIDE_STAY warns (0).
 *   C3 no lines: nothing.  -> 3 findings, 5800 cut.
 * 01002, 4 claims: D1 ITEM-B 2000: NOT_IN_APPROVED_LIST cuts 2000; D2-D4 no lines.  -> 1 finding, 2000.
 * 01003, 2 claims without lines; 79001, 1.
 *
 * Per 1,000 claims, against the other facilities of Hà Nội pooled (9 claims, 7800 cut in all):
 *   01001: 5800 × 1000 / 3 = 1933333.33; peers (6 claims, 2000) 333333.33; ratio (5800/3) / (2000/6) = 5.8.
 *   01002: 2000 × 1000 / 4 = 500000; peers (5 claims, 5800) 1160000; ratio 500000 / 1160000 = 0.43103 -> 0.4310.
 */
async function scenario() {
  await seedReference(t);
  await t.json("PUT", "/v1/facilities/01003", { body: { name: "Bệnh viện Thanh Nhàn" } });
  await loadDrugs("01001", "ITEM-A,Thuốc A,900,20250101,\n");
  await loadDrugs("01002", "ITEM-A,Thuốc A,1000,20250101,\n");
  await submitFor(t, "01001", "H1", [
    withLines("C1", [drug("ITEM-A", 10, 1000, 8000)]),
    withLines("C2", [
      drug("ITEM-B", 1, 5000, 5000),
      drug("ITEM-A", 1, 900, 900, { orderedAt: "2026-06-09T08:00:00+07:00" }),
    ]),
    plain("C3"),
  ]);
  await submitFor(t, "01002", "V1", [
    withLines("D1", [drug("ITEM-B", 1, 2000, 2000)]),
    plain("D2"),
    plain("D3"),
    plain("D4"),
  ]);
  await submitFor(t, "01003", "N1", [plain("N1"), plain("N2")]);
  await submitFor(t, "79001", "R1", [plain("E1")]);
}

const RULE_NOT_LISTED = {
  code: "NOT_IN_APPROVED_LIST",
  title: { vi: "Không có trong danh mục được phê duyệt", en: "Not in the approved list" },
  action: "cut_line",
  findings: 2,
  claims: 2,
  amount: "7000",
  openAmount: "7000",
};
const RULE_PRICE = {
  code: "PRICE_ABOVE_APPROVED",
  title: { vi: "Đơn giá cao hơn giá được phê duyệt", en: "Unit price above the approved price" },
  action: "cut_excess",
  findings: 1,
  claims: 1,
  amount: "800",
  openAmount: "800",
};
const RULE_ORDER = {
  code: "ORDER_OUTSIDE_STAY",
  title: { vi: "Y lệnh ngoài thời gian điều trị", en: "Ordered outside the stay" },
  action: "warn",
  findings: 1,
  claims: 1,
  amount: "0",
  openAmount: "0",
};
const ROW_01001 = {
  facilityCode: "01001",
  name: "Bệnh viện Bạch Mai",
  provinceCode: "01",
  claims: 3,
  findings: 3,
  amount: "5800",
  openAmount: "5800",
  cutPerThousandClaims: "1933333.33",
  peers: { facilities: 2, cutPerThousandClaims: "333333.33" },
  ratioToPeers: "5.8000",
};
const ROW_01002 = {
  facilityCode: "01002",
  name: "Bệnh viện Việt Đức",
  provinceCode: "01",
  claims: 4,
  findings: 1,
  amount: "2000",
  openAmount: "2000",
  cutPerThousandClaims: "500000",
  peers: { facilities: 2, cutPerThousandClaims: "1160000" },
  ratioToPeers: "0.4310",
};

describe("the assessment report", () => {
  it("shows the year's findings and cuts by rule, and by facility against the other facilities of its province", async () => {
    await scenario();
    // The claims carry what the report adds up.
    const c1 = (await t.json("GET", "/v1/claims/01001/C1")).body;
    expect(c1.amounts).toMatchObject({ insurance: "8000", proposed: "7200" });
    expect(c1.findings.map((finding: any) => [finding.code, finding.line, finding.amount])).toEqual([
      ["PRICE_ABOVE_APPROVED", 0, "800"],
    ]);

    const res = await t.json("GET", "/v1/reports/assessment?year=2026");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      year: 2026,
      provinceCode: null,
      facilityCode: null,
      asOf: "2026-06-15T03:00:00.000Z",
      measure: expect.stringContaining("per 1,000 claims"),
      totals: { claims: 10, findings: 4, amount: "7800", openAmount: "7800" },
      byRule: [RULE_NOT_LISTED, RULE_PRICE, RULE_ORDER],
      byFacility: [ROW_01001, ROW_01002],
    });
    // Another year has nothing; the current year is the default.
    expect((await t.json("GET", "/v1/reports/assessment?year=2025")).body).toMatchObject({
      totals: { claims: 0, findings: 0, amount: "0", openAmount: "0" },
      byRule: [],
      byFacility: [],
    });
    expect((await t.json("GET", "/v1/reports/assessment")).body.totals.amount).toBe("7800");
  });

  it("keeps a decided claim's cut in the amount but no longer in the open amount", async () => {
    await scenario();
    const decided = await t.json("POST", "/v1/claims/01002/D1/decision", {
      body: { outcome: "approved", approvedAmount: "proposed", reason: "theo đề xuất" },
    });
    expect(decided.body.amounts).toMatchObject({ approved: "0", proposed: "0" });
    const { body } = await t.json("GET", "/v1/reports/assessment?year=2026&province=01");
    expect(body.totals).toEqual({ claims: 9, findings: 4, amount: "7800", openAmount: "5800" });
    expect(body.byRule[0]).toEqual({ ...RULE_NOT_LISTED, openAmount: "5000" });
    expect(body.byFacility).toEqual([ROW_01001, { ...ROW_01002, openAmount: "0" }]);
  });

  it("answers each key within its scope, peers compared in the province all the same", async () => {
    await scenario();
    const hanoi = await t.key("province", "01");
    const ownProvince = (await t.json("GET", "/v1/reports/assessment?year=2026", { key: hanoi })).body;
    expect(ownProvince).toMatchObject({ provinceCode: "01", totals: { claims: 9, findings: 4, amount: "7800" } });
    expect(ownProvince.byFacility).toEqual([ROW_01001, ROW_01002]);
    expect((await t.json("GET", "/v1/reports/assessment?province=79", { key: hanoi })).status).toBe(404);
    // A facility of another province matches nothing in this one.
    const foreign = (await t.json("GET", "/v1/reports/assessment?year=2026&facility=79001", { key: hanoi })).body;
    expect(foreign).toMatchObject({ totals: { claims: 0, findings: 0 }, byRule: [], byFacility: [] });

    const vietDuc = await t.key("facility", "01002");
    const own = (await t.json("GET", "/v1/reports/assessment?year=2026", { key: vietDuc })).body;
    expect(own).toMatchObject({ provinceCode: null, facilityCode: "01002" });
    expect(own.totals).toEqual({ claims: 4, findings: 1, amount: "2000", openAmount: "2000" });
    expect(own.byRule).toEqual([{ ...RULE_NOT_LISTED, findings: 1, claims: 1, amount: "2000", openAmount: "2000" }]);
    // Its two peers pooled are withheld from it: with 01001's figure known to 01003 either could work out the other's.
    const withheld = { ...ROW_01002, peers: { facilities: 2, cutPerThousandClaims: null }, ratioToPeers: null };
    expect(own.byFacility).toEqual([withheld]);
    expect((await t.json("GET", "/v1/reports/assessment?facility=01002", { key: vietDuc })).status).toBe(200);
    expect((await t.json("GET", "/v1/reports/assessment?facility=01001", { key: vietDuc })).status).toBe(404);

    // Central narrows to one facility, still against its province's others; an unknown one is 404.
    const one = (await t.json("GET", "/v1/reports/assessment?year=2026&facility=01001")).body;
    expect(one.byRule).toEqual([
      { ...RULE_NOT_LISTED, findings: 1, claims: 1, amount: "5000", openAmount: "5000" },
      RULE_PRICE,
      RULE_ORDER,
    ]);
    expect(one.byFacility).toEqual([ROW_01001]);
    expect(one.totals).toEqual({ claims: 3, findings: 3, amount: "5800", openAmount: "5800" });
    expect((await t.json("GET", "/v1/reports/assessment?facility=99999")).status).toBe(404);
    expect((await t.json("GET", "/v1/reports/assessment?province=99")).status).toBe(404);
  });

  it("shows a facility key its peers pooled once they are three", async () => {
    await scenario();
    const vietDuc = await t.key("facility", "01002");
    const csv = { key: vietDuc, headers: { accept: "text/csv" } };
    expect(csvRows(await (await t.call("GET", "/v1/reports/assessment?year=2026", csv)).text())[1]!.slice(-3)).toEqual([
      "2",
      "",
      "",
    ]);
    // A third peer, one claim without findings: 01001 (3 claims, 5800), 01003 (2, 0) and 01004 (1, 0) pooled are 6
    // claims and 5800: 966666.67 per 1,000; 01002's 500000 over it is 0.51724 -> 0.5172.
    await t.json("PUT", "/v1/facilities/01004", { body: { name: "Bệnh viện Xanh Pôn" } });
    await submitFor(t, "01004", "X1", [plain("X1")]);
    const own = (await t.json("GET", "/v1/reports/assessment?year=2026", { key: vietDuc })).body;
    expect(own.byFacility).toEqual([
      { ...ROW_01002, peers: { facilities: 3, cutPerThousandClaims: "966666.67" }, ratioToPeers: "0.5172" },
    ]);
  });

  it("refuses a parameter it cannot read, naming it", async () => {
    for (const [query, name] of [
      ["year=abc", "year"],
      ["province=1", "province"],
      ["facility=0100A", "facility"],
      ["table=claims", "table"],
    ]) {
      const res = await t.json("GET", `/v1/reports/assessment?${query}`);
      expect(res.status, query).toBe(422);
      expect(JSON.stringify(res.body.errors), query).toContain(name);
    }
  });

  it("answers CSV with Vietnamese headers, by facility or by rule", async () => {
    await scenario();
    const csv = { headers: { accept: "text/csv" } };
    const byFacility = await t.call("GET", "/v1/reports/assessment?year=2026", csv);
    expect(byFacility.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(byFacility.headers.get("content-disposition")).toBe('attachment; filename="assessment-2026.csv"');
    const rows = csvRows(await byFacility.text());
    expect(rows[0]).toEqual([
      "Mã cơ sở KCB",
      "Tên cơ sở KCB",
      "Mã tỉnh",
      "Số hồ sơ",
      "Số phát hiện",
      "Số tiền đề nghị xuất toán",
      "Trong đó của hồ sơ chưa quyết định",
      "Xuất toán trên 1.000 hồ sơ",
      "Số cơ sở khác trong tỉnh",
      "Các cơ sở khác trong tỉnh: xuất toán trên 1.000 hồ sơ",
      "Gấp bao nhiêu lần các cơ sở khác",
    ]);
    expect(rows.slice(1)).toEqual([
      ["01001", "Bệnh viện Bạch Mai", "01", "3", "3", "5800", "5800", "1933333.33", "2", "333333.33", "5.8000"],
      ["01002", "Bệnh viện Việt Đức", "01", "4", "1", "2000", "2000", "500000", "2", "1160000", "0.4310"],
    ]);
    const byRule = csvRows(await (await t.call("GET", "/v1/reports/assessment?year=2026&table=rules", csv)).text());
    expect(byRule[0]).toEqual([
      "Mã quy tắc",
      "Quy tắc giám định",
      "Cách xử lý",
      "Số phát hiện",
      "Số hồ sơ có phát hiện",
      "Số tiền đề nghị xuất toán",
      "Trong đó của hồ sơ chưa quyết định",
    ]);
    expect(byRule[2]).toEqual([
      "PRICE_ABOVE_APPROVED",
      "Đơn giá cao hơn giá được phê duyệt",
      "Xuất toán phần vượt",
      "1",
      "1",
      "800",
      "800",
    ]);
  });
});
