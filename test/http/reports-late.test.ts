import { describe, expect, it } from "vitest";
import { START, seedReference, useTestApp } from "../support/harness.ts";
import { csvRows, hoursBefore, stay, submitFor } from "../support/reports.ts";

const t = useTestApp();

/**
 * Every batch arrives at START (2026-06-15T03:00Z); the deadline is 24 hours.
 *
 * 01001: hours from discharge to receipt 2, 10, 30, 50 in June and 353 (discharged
 *   2026-05-31T10:00Z, May 31 in Vietnam): late 30, 50, 353 -> 3 of 5 = 0.6000.
 *   Sorted 2 10 30 50 353: median 30; 90th percentile (percentile_disc: the first
 *   claim at or above 90% of 5 = 4.5, the 5th) 353. One claim's citizen ID says
 *   born 1980 while the birth date says 1981: one mismatch.
 *   June only: 2 10 30 50 -> late 2 of 4, median (10 + 30) / 2 = 20, p90 the 4th = 50.
 * 01002: 1, 25.5, 100 hours: late 2 of 3 = 0.6667, median 25.5, p90 the 3rd = 100.
 *   One claim of a woman whose ID's 4th digit 0 says male: one mismatch.
 * 79001: 5 and 6 hours: none late, median 5.5, p90 6.
 */
async function scenario() {
  await seedReference(t);
  await submitFor(t, "01001", "L1", [
    stay("A1", hoursBefore(START, 2)),
    stay("A2", hoursBefore(START, 10), "100000", { patient: { birthDate: "1981-02-03" } }),
    stay("A3", hoursBefore(START, 30)),
    stay("A4", hoursBefore(START, 50)),
    stay("A5", "2026-05-31T10:00:00Z"),
  ]);
  await submitFor(t, "01002", "L2", [
    stay("B1", hoursBefore(START, 1)),
    stay("B2", hoursBefore(START, 25.5), "100000", { patient: { gender: "female" } }),
    stay("B3", hoursBefore(START, 100)),
  ]);
  await submitFor(t, "79001", "L3", [stay("C1", hoursBefore(START, 5)), stay("C2", hoursBefore(START, 6))]);
}

const ROW_01002 = {
  facilityCode: "01002",
  name: "Bệnh viện Việt Đức",
  provinceCode: "01",
  claims: 3,
  late: 2,
  lateShare: "0.6667",
  medianHours: "25.50",
  p90Hours: "100.00",
  citizenIdMismatches: 1,
};
const ROW_01001 = {
  facilityCode: "01001",
  name: "Bệnh viện Bạch Mai",
  provinceCode: "01",
  claims: 5,
  late: 3,
  lateShare: "0.6000",
  medianHours: "30.00",
  p90Hours: "353.00",
  citizenIdMismatches: 1,
};
const ROW_79001 = {
  facilityCode: "79001",
  name: "Bệnh viện Chợ Rẫy",
  provinceCode: "79",
  claims: 2,
  late: 0,
  lateShare: "0.0000",
  medianHours: "5.50",
  p90Hours: "6.00",
  citizenIdMismatches: 0,
};

describe("late submissions by facility", () => {
  it(
    "ranks facilities by their share of late claims, with median and 90th-percentile hours and citizen-ID " +
      "mismatches",
    async () => {
      await scenario();
      const res = await t.json("GET", "/v1/reports/late-submissions?year=2026");
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        year: 2026,
        month: null,
        provinceCode: null,
        asOf: "2026-06-15T03:00:00.000Z",
        submissionDeadlineHours: 24,
        totals: { claims: 10, late: 5, lateShare: "0.5000", citizenIdMismatches: 2 },
        facilities: [ROW_01002, ROW_01001, ROW_79001],
      });
    },
  );

  it("narrows to one discharge month", async () => {
    await scenario();
    const res = await t.json("GET", "/v1/reports/late-submissions?year=2026&month=6&province=01");
    expect(res.body.facilities).toEqual([
      ROW_01002,
      {
        ...ROW_01001,
        claims: 4,
        late: 2,
        lateShare: "0.5000",
        medianHours: "20.00",
        p90Hours: "50.00",
        citizenIdMismatches: 1,
      },
    ]);
    expect(
      (await t.json("GET", "/v1/reports/late-submissions?year=2026&month=5")).body.facilities.map((f: any) => [
        f.facilityCode,
        f.claims,
      ]),
    ).toEqual([["01001", 1]]);
    expect((await t.json("GET", "/v1/reports/late-submissions?year=2025")).body).toMatchObject({
      totals: { claims: 0, late: 0, lateShare: null },
      facilities: [],
    });
    expect((await t.json("GET", "/v1/reports/late-submissions?year=2026&month=13")).status).toBe(422);
  });

  it("shows central every facility, a province its own facilities, a facility only its own row", async () => {
    await scenario();
    const p01 = await t.key("province", "01");
    const p79 = await t.key("province", "79");
    const f01001 = await t.key("facility", "01001");
    const ofKey = async (key: string, query = "") => {
      const res = await t.json("GET", `/v1/reports/late-submissions?year=2026${query}`, { key });
      return res.status === 200 ? res.body.facilities.map((f: any) => f.facilityCode) : res.status;
    };
    expect(await ofKey(p01)).toEqual(["01002", "01001"]);
    expect(await ofKey(p79)).toEqual(["79001"]);
    expect(await ofKey(p79, "&province=01")).toBe(404);
    expect(await ofKey(f01001)).toEqual(["01001"]);
    expect(await ofKey(f01001, "&province=79")).toEqual([]);
    const own = await t.json("GET", "/v1/reports/late-submissions?year=2026", { key: f01001 });
    expect(own.body.totals).toEqual({ claims: 5, late: 3, lateShare: "0.6000", citizenIdMismatches: 1 });
    expect(
      (await t.json("GET", "/v1/reports/late-submissions?year=2026&province=79")).body.facilities.map(
        (f: any) => f.facilityCode,
      ),
    ).toEqual(["79001"]);
    expect((await t.json("GET", "/v1/reports/late-submissions?year=2026&province=48")).status).toBe(404);
  });

  it("comes as CSV with Vietnamese headers, UTF-8 with a byte-order mark", async () => {
    await scenario();
    const res = await t.call("GET", "/v1/reports/late-submissions?year=2026&province=01", {
      headers: { accept: "text/csv" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="late-submissions-2026.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csvRows(new TextDecoder().decode(bytes))).toEqual([
      [
        "Mã cơ sở KCB",
        "Tên cơ sở KCB",
        "Mã tỉnh",
        "Số hồ sơ",
        "Số hồ sơ gửi muộn",
        "Tỷ lệ gửi muộn",
        "Trung vị số giờ từ ra viện đến khi nhận",
        "Bách phân vị 90 số giờ từ ra viện đến khi nhận",
        "Số hồ sơ lệch số CCCD",
      ],
      ["01002", "Bệnh viện Việt Đức", "01", "3", "2", "0.6667", "25.50", "100.00", "1"],
      ["01001", "Bệnh viện Bạch Mai", "01", "5", "3", "0.6000", "30.00", "353.00", "1"],
    ]);
    // Errors stay problem+json.
    const refused = await t.call("GET", "/v1/reports/late-submissions?year=2026&province=48", {
      headers: { accept: "text/csv" },
    });
    expect(refused.status).toBe(404);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
  });
});

describe("the citizen_id_mismatch flag", () => {
  it("flags a claim whose citizen ID disagrees with its birth date or gender, and still stores it", async () => {
    await seedReference(t);
    const res = await submitFor(t, "01001", "M1", [
      stay("OK", hoursBefore(START, 1)),
      stay("YEAR", hoursBefore(START, 1), "100000", {
        patient: { citizenId: "001080012345", birthDate: "1979-05-01" },
      }),
      stay("CENTURY", hoursBefore(START, 1), "100000", {
        patient: { citizenId: "001280012345", birthDate: "1980-05-01", gender: "male" },
      }),
      stay("SEX", hoursBefore(START, 1), "100000", { patient: { citizenId: "001180012345", gender: "male" } }),
      stay("CARD-ONLY", hoursBefore(START, 1), "100000", { patient: { citizenId: undefined, gender: "female" } }),
    ]);
    expect(res.accepted).toBe(5);
    expect(res.claims.map((c: any) => [c.claimId, c.status, c.flags ?? []])).toEqual([
      ["OK", "accepted", []],
      ["YEAR", "accepted", ["citizen_id_mismatch"]],
      ["CENTURY", "accepted", ["citizen_id_mismatch"]],
      ["SEX", "accepted", ["citizen_id_mismatch"]],
      ["CARD-ONLY", "accepted", []],
    ]);
    const listed = await t.json("GET", "/v1/claims?flag=citizen_id_mismatch");
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((c: any) => c.claimId).sort()).toEqual(["CENTURY", "SEX", "YEAR"]);
    expect((await t.json("GET", "/v1/claims/01001/SEX")).body.flags).toEqual(["citizen_id_mismatch"]);
  });
});
