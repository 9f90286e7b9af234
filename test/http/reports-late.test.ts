import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bandEnd, delayBand } from "../../src/domain/receipt-delay.ts";
import { aggregates } from "../support/aggregates.ts";
import { START, seedReference, useTestApp } from "../support/harness.ts";
import { csvRows, hoursBefore, stay, submitFor } from "../support/reports.ts";

const t = useTestApp();

/**
 * Every batch arrives at START (2026-06-15T03:00Z); the deadline is 24 hours.
 * Percentiles are read from the stored distribution of delays: the end of
 * the band (1 hour wide under 72 hours, 6 hours to 7 days, 1 day to 30 days)
 * that holds percentile_disc's claim, the first at or above p of the claims.
 *
 * 01001: hours from discharge to receipt 2, 10, 30, 50 in June and 353 (discharged
 *   2026-05-31T10:00Z, May 31 in Vietnam): late 30, 50, 353 -> 3 of 5 = 0.6000.
 *   Sorted 2 10 30 50 353: median the 3rd, 30, in band [30, 31) -> 31; 90th
 *   percentile the 5th (4.5 rounded up), 353, in the day-wide band [336, 360) -> 360.
 *   One claim's citizen ID says born 1980 while the birth date says 1981: one mismatch.
 *   June only: 2 10 30 50 -> late 2 of 4, median the 2nd, 10 -> 11, p90 the 4th, 50 -> 51.
 * 01002: 1, 25.5, 100 hours: late 2 of 3 = 0.6667, median 25.5 in [25, 26) -> 26,
 *   p90 the 3rd, 100 in the 6-hour band [96, 102) -> 102.
 *   One claim of a woman whose ID's 4th digit 0 says male: one mismatch.
 * 79001: 5 and 6 hours: none late, median 5 -> 6, p90 6 -> 7.
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
  medianHours: "26.00",
  p90Hours: "102.00",
  citizenIdMismatches: 1,
};
const ROW_01001 = {
  facilityCode: "01001",
  name: "Bệnh viện Bạch Mai",
  provinceCode: "01",
  claims: 5,
  late: 3,
  lateShare: "0.6000",
  medianHours: "31.00",
  p90Hours: "360.00",
  citizenIdMismatches: 1,
};
const ROW_79001 = {
  facilityCode: "79001",
  name: "Bệnh viện Chợ Rẫy",
  provinceCode: "79",
  claims: 2,
  late: 0,
  lateShare: "0.0000",
  medianHours: "6.00",
  p90Hours: "7.00",
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
        medianHours: "11.00",
        p90Hours: "51.00",
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

  it("reads the median and 90th percentile within one band of the exact values computed from the claims", async () => {
    await seedReference(t);
    let batch = 0;
    // Delays in minutes, up to 100 days: every tier of bands, and many claims sharing a band.
    const delays = fc.array(fc.oneof(fc.nat(72 * 60), fc.nat(100 * 24 * 60)), { minLength: 1, maxLength: 25 });
    await fc.assert(
      fc.asyncProperty(delays, async (minutes) => {
        batch++;
        await submitFor(
          t,
          "01002",
          `P${batch}`,
          minutes.map((m, i) => stay(`P${batch}-${i}`, new Date(Date.parse(START) - m * 60_000))),
        );
        const [exact] = await t.db.prisma.$queryRawUnsafe<{ median: number; p90: number }[]>(
          `SELECT (extract(epoch FROM percentile_disc(0.5) WITHIN GROUP (ORDER BY d)) * 1000)::float8 AS median,
                  (extract(epoch FROM percentile_disc(0.9) WITHIN GROUP (ORDER BY d)) * 1000)::float8 AS p90
           FROM (SELECT GREATEST(received_at - discharged_at, interval '0') AS d FROM claim
                 WHERE facility_code = '01002') c`,
        );
        const [row] = (await t.json("GET", "/v1/reports/late-submissions?year=2026&province=01")).body.facilities;
        // The stored bands are the SQL twin's (DELAY_BAND), in every tier.
        const { stored, recomputed } = await aggregates(t.db);
        expect(stored.delays).toEqual(recomputed.delays);
        // The band end of the exact value, and nothing else, is what the report may say.
        expect(row.medianHours).toBe(bandEnd(delayBand(exact!.median))!.toFixed(2));
        expect(row.p90Hours).toBe(bandEnd(delayBand(exact!.p90))!.toFixed(2));
      }),
      { numRuns: 8, seed: 20261205 },
    );
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
      ["01002", "Bệnh viện Việt Đức", "01", "3", "2", "0.6667", "26.00", "102.00", "1"],
      ["01001", "Bệnh viện Bạch Mai", "01", "5", "3", "0.6000", "31.00", "360.00", "1"],
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
