import { describe, expect, it } from "vitest";
import { daysBetween, elapsedRatio, vietnamYearMonth, yearStart } from "../../src/domain/period.ts";

describe("Vietnam-time periods", () => {
  it("a claim discharged at 2026-12-31T18:00:00Z belongs to January 2027", () => {
    expect(vietnamYearMonth(new Date("2026-12-31T18:00:00Z"))).toEqual({ year: 2027, month: 1 });
    expect(vietnamYearMonth(new Date("2026-12-31T16:59:59.999Z"))).toEqual({ year: 2026, month: 12 });
    expect(vietnamYearMonth(new Date("2026-12-31T17:00:00Z"))).toEqual({ year: 2027, month: 1 });
  });

  it("months turn at midnight Vietnam time, not UTC", () => {
    expect(vietnamYearMonth(new Date("2026-02-28T17:00:00Z"))).toEqual({ year: 2026, month: 3 });
    expect(vietnamYearMonth(new Date("2026-03-01T08:00:00+07:00"))).toEqual({ year: 2026, month: 3 });
  });

  it("a year starts at midnight of 1 January in Vietnam", () => {
    expect(yearStart(2027).toISOString()).toBe("2026-12-31T17:00:00.000Z");
  });

  it("elapsed share of the year is 0.0000 at its start and 1.0000 at its end, clamped outside", () => {
    expect(elapsedRatio(2026, yearStart(2026))).toBe("0.0000");
    expect(elapsedRatio(2026, yearStart(2027))).toBe("1.0000");
    expect(elapsedRatio(2026, new Date("2025-06-01T00:00:00Z"))).toBe("0.0000");
    expect(elapsedRatio(2026, new Date("2027-06-01T00:00:00Z"))).toBe("1.0000");
  });

  it("elapsed share in mid-year counts the days of that year (365 or 366)", () => {
    expect(elapsedRatio(2026, new Date(yearStart(2026).getTime() + 182.5 * 86_400_000))).toBe("0.5000");
    // 1 July: 181 of 365 days in 2026, 182 of 366 in 2028.
    expect(elapsedRatio(2026, new Date("2026-07-01T00:00:00+07:00"))).toBe("0.4959");
    expect(elapsedRatio(2028, new Date("2028-07-01T00:00:00+07:00"))).toBe("0.4973");
  });

  it("counts whole days waited", () => {
    expect(daysBetween(new Date("2026-03-01T00:00:00Z"), new Date("2026-03-31T00:00:00Z"))).toBe(30);
    expect(daysBetween(new Date("2026-03-01T00:00:00Z"), new Date("2026-03-30T23:59:59Z"))).toBe(29);
  });
});
