import { describe, expect, it } from "vitest";
import { defaultRules } from "../../src/rules/schema.ts";
import { START, useTestApp } from "../support/harness.ts";
import { csvRows, hoursBefore, stay, submitFor } from "../support/reports.ts";

// Small peer groups so a handful of claims can show the method: score from 2 claims, 3 peers.
const t = useTestApp({
  rules: () => ({ ...defaultRules(), reports: { outlierScore: "3.5", minClaimsForScore: 2, minPeersForScore: 3 } }),
});

/**
 * Outpatient claims of 2026 (insured amounts in VND):
 *   01001: 100, 100 -> 100        79001: 5000 (one claim: too few to score)
 *   01002: 110, 110 -> 110        79002: 115, 125 -> 120
 *   01003: 120, 120 -> 120        79003: 125, 135 -> 130
 *   01004: 130, 130 -> 130
 *   01005: 100, 100, 2800 -> mean 1000 (its median would be 100: the mean is
 *          the fund's cost per claim, and it is what stands out here). The 2800
 *          claim and one 100 claim are the same patient's overlapping stays:
 *          both flagged possible_duplicate, 2 of 3 = 0.6667.
 * and one inpatient claim of 01001 (too few to score).
 *
 * Province 01: 100 110 120 130 1000 -> median 120; |x - 120| = 20 10 0 10 880 ->
 *   MAD 10. 01005: 0.6745 x 880 / 10 = 59.356 -> outlier; 01004: 0.6745; 01001: -1.349.
 * Province 79: two scored facilities, fewer than 3 peers: no province score.
 * Nationally: 100 110 120 120 130 130 1000 -> median 120; deviations
 *   0 0 10 10 10 20 880 -> MAD 10; 79003: 0.6745, 79002: 0.
 */
async function scenario() {
  for (const [code, name] of [
    ["01", "Hà Nội"],
    ["79", "Hồ Chí Minh"],
  ])
    await t.json("PUT", `/v1/provinces/${code}`, { body: { name } });
  for (const code of ["01001", "01002", "01003", "01004", "01005", "79001", "79002", "79003"])
    await t.json("PUT", `/v1/facilities/${code}`, { body: { name: `Cơ sở ${code}` } });
  const at = (h: number) => hoursBefore(START, h);
  const pair = (code: string, a: string, b: string) =>
    submitFor(t, code, `O-${code}`, [stay(`${code}-1`, at(2), a), stay(`${code}-2`, at(4), b)]);
  await pair("01001", "100", "100");
  await pair("01002", "110", "110");
  await pair("01003", "120", "120");
  await pair("01004", "130", "130");
  const twice = { cardNumber: "DN4010555555555", citizenId: "001080555555" };
  await submitFor(t, "01005", "O-01005", [
    stay("01005-1", at(2), "100", { patient: twice }),
    stay("01005-2", at(2.5), "2800", { patient: twice, admittedAt: at(3).toISOString() }),
    stay("01005-3", at(6), "100"),
  ]);
  await submitFor(t, "79001", "O-79001", [stay("79001-1", at(2), "5000")]);
  await pair("79002", "115", "125");
  await pair("79003", "125", "135");
  await submitFor(t, "01001", "O-01001-IN", [
    stay("01001-IN", at(30), "900", {
      visitType: "inpatient",
      documents: [{ type: "discharge_paper", reference: "G1" }],
    }),
  ]);
}

const OUTLIER = {
  facilityCode: "01005",
  name: "Cơ sở 01005",
  provinceCode: "01",
  visitType: "outpatient",
  status: "outlier",
  claims: 3,
  insuranceAmount: "3000",
  perClaim: "1000",
  province: { peers: 5, median: "120", mad: "10", score: "59.36" },
  national: { peers: 7, median: "120", mad: "10", score: "59.36" },
  score: "59.36",
  duplicateClaims: 2,
  duplicateShare: "0.6667",
};
const tooFew = (facilityCode: string, provinceCode: string, visitType: string, amount: string) => ({
  facilityCode,
  name: `Cơ sở ${facilityCode}`,
  provinceCode,
  visitType,
  status: "too_few_claims",
  claims: 1,
  insuranceAmount: amount,
  perClaim: amount,
  province: null,
  national: null,
  score: null,
  duplicateClaims: 0,
  duplicateShare: "0.0000",
});

describe("facilities far above their peers", () => {
  it("lists the outlier with the figures behind its score, and the facilities with too few claims to score", async () => {
    await scenario();
    const res = await t.json("GET", "/v1/reports/outliers?year=2026");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      year: 2026,
      provinceCode: null,
      visitType: null,
      asOf: "2026-06-15T03:00:00.000Z",
      rules: { outlierScore: "3.5", minClaimsForScore: 2, minPeersForScore: 3 },
    });
    expect(res.body.measure).toContain("mean");
    expect(res.body.facilities).toEqual([
      OUTLIER,
      tooFew("01001", "01", "inpatient", "900"),
      tooFew("79001", "79", "outpatient", "5000"),
    ]);
  });

  it("scores the facilities that are not outliers too, on request, and says when a peer group is too small", async () => {
    await scenario();
    const res = await t.json("GET", "/v1/reports/outliers?year=2026&list=all&visitType=outpatient");
    const byCode = Object.fromEntries(res.body.facilities.map((f: any) => [f.facilityCode, f]));
    expect(res.body.facilities.map((f: any) => [f.facilityCode, f.status, f.score])).toEqual([
      ["01005", "outlier", "59.36"],
      ["01004", "within_range", "0.67"],
      ["79003", "within_range", "0.67"],
      ["01003", "within_range", "0.00"],
      ["79002", "within_range", "0.00"],
      ["01002", "within_range", "-0.67"],
      ["01001", "within_range", "-1.35"],
      ["79001", "too_few_claims", null],
    ]);
    expect(byCode["01001"]).toMatchObject({
      perClaim: "100",
      province: { peers: 5, median: "120", mad: "10", score: "-1.35" },
      national: { peers: 7, median: "120", mad: "10", score: "-1.35" },
    });
    expect(byCode["79003"]).toMatchObject({
      province: { peers: 2, median: null, mad: null, score: null },
      national: { peers: 7, score: "0.67" },
    });
  });

  it("raising the score threshold above the outlier's score lists it no more", async () => {
    await scenario();
    t.rules.reports = { ...t.rules.reports, outlierScore: "60" };
    const res = await t.json("GET", "/v1/reports/outliers?year=2026&visitType=outpatient");
    expect(res.body.facilities.map((f: any) => [f.facilityCode, f.status])).toEqual([["79001", "too_few_claims"]]);
  });

  it("shows a province its own facilities and a facility its own rows, compared with peers everywhere", async () => {
    await scenario();
    const p01 = await t.key("province", "01");
    const p79 = await t.key("province", "79");
    const f01005 = await t.key("facility", "01005");
    const f01004 = await t.key("facility", "01004");
    const codes = async (key: string, query = "") => {
      const res = await t.json("GET", `/v1/reports/outliers?year=2026${query}`, { key });
      return res.status === 200
        ? res.body.facilities.map((f: any) => `${f.facilityCode}:${f.visitType}:${f.status}`)
        : res.status;
    };
    expect(await codes(p01)).toEqual(["01005:outpatient:outlier", "01001:inpatient:too_few_claims"]);
    expect(await codes(p79)).toEqual(["79001:outpatient:too_few_claims"]);
    expect(await codes(p79, "&list=all")).toEqual([
      "79003:outpatient:within_range",
      "79002:outpatient:within_range",
      "79001:outpatient:too_few_claims",
    ]);
    expect(await codes(p79, "&province=01")).toBe(404);
    expect(await codes(f01005)).toEqual(["01005:outpatient:outlier"]);
    expect(await codes(f01004)).toEqual([]);
    expect(await codes(f01004, "&list=all")).toEqual(["01004:outpatient:within_range"]);
    // The province's view still compares nationally: the same score as central's.
    expect((await t.json("GET", "/v1/reports/outliers?year=2026", { key: p01 })).body.facilities[0]).toEqual(OUTLIER);
  });

  it("comes as CSV with Vietnamese headers", async () => {
    await scenario();
    const res = await t.call("GET", "/v1/reports/outliers?year=2026&province=01", { headers: { accept: "text/csv" } });
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    // Response.text() would drop the byte-order mark: read the bytes.
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(csvRows(text)).toEqual([
      [
        "Mã cơ sở KCB",
        "Tên cơ sở KCB",
        "Mã tỉnh",
        "Loại hình KCB",
        "Đánh giá",
        "Số hồ sơ",
        "Chi phí BHYT",
        "Chi BHYT bình quân/hồ sơ",
        "Trung vị trong tỉnh",
        "MAD trong tỉnh",
        "Điểm z trong tỉnh",
        "Trung vị toàn quốc",
        "MAD toàn quốc",
        "Điểm z toàn quốc",
        "Số hồ sơ nghi trùng",
        "Tỷ lệ hồ sơ nghi trùng",
      ],
      [
        "01005",
        "Cơ sở 01005",
        "01",
        "Khám bệnh ngoại trú",
        "Bất thường",
        "3",
        "3000",
        "1000",
        "120",
        "10",
        "59.36",
        "120",
        "10",
        "59.36",
        "2",
        "0.6667",
      ],
      [
        "01001",
        "Cơ sở 01001",
        "01",
        "Điều trị nội trú",
        "Quá ít hồ sơ",
        "1",
        "900",
        "900",
        "",
        "",
        "",
        "",
        "",
        "",
        "0",
        "0.0000",
      ],
    ]);
  });
});
