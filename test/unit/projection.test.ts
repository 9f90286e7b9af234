import { describe, expect, it } from "vitest";
import { elapsedRatio } from "../../src/domain/period.ts";
import { elapsedFraction, projectedOverrun, projectedRatio } from "../../src/domain/projection.ts";

// 2026 has 365 days; it starts at 2025-12-31T17:00:00Z (midnight in Vietnam).
const HALF_2026 = new Date("2026-07-02T05:00:00Z"); // 182.5 days in
const RULE = { ratio: "1.00", minElapsedRatio: "0.25", severity: "warning" };

describe("year-end projection by the pace method", () => {
  it("counts the share of the year in Vietnam time, exactly", () => {
    expect(elapsedFraction(2026, HALF_2026).toString()).toBe("0.5");
    expect(elapsedFraction(2026, new Date("2025-12-31T17:00:00Z")).toString()).toBe("0");
    expect(elapsedFraction(2026, new Date("2025-06-01T00:00:00Z")).toString()).toBe("0");
    expect(elapsedFraction(2026, new Date("2027-03-01T00:00:00Z")).toString()).toBe("1");
    // One day in: 1/365 to 40 significant digits, which period.ts shows rounded.
    expect(elapsedFraction(2026, new Date("2026-01-01T17:00:00Z")).times(365).toDecimalPlaces(30).toString()).toBe("1");
    expect(elapsedRatio(2026, new Date("2026-01-01T17:00:00Z"))).toBe("0.0027");
  });

  it("projects spent / elapsed / estimate, rounded half up to 4 decimals", () => {
    // Half the year, 45% used -> 90% at year end.
    expect(projectedRatio("450", "1000", 2026, HALF_2026)).toBe("0.9000");
    // One day in, 1 of 1000 used -> 365/1000.
    expect(projectedRatio("1", "1000", 2026, new Date("2026-01-01T17:00:00Z"))).toBe("0.3650");
    // 2/3 of a dong over half a year of 1000: 0.0013333.. -> 0.0013.
    expect(projectedRatio("0.67", "1000", 2026, HALF_2026)).toBe("0.0013");
  });

  it("uses the unrounded elapsed share, not the displayed one", () => {
    // 10 days in: elapsed 10/365 = 0.027397.. (shown 0.0274). 100/1000 at that pace:
    // 0.1 * 365 / 10 = 3.65 exactly; with 0.0274 it would be 3.6496.
    const tenDays = new Date("2026-01-10T17:00:00Z");
    expect(elapsedRatio(2026, tenDays)).toBe("0.0274");
    expect(projectedRatio("100", "1000", 2026, tenDays)).toBe("3.6500");
  });

  it("has no projection before the year starts or without a positive estimate", () => {
    expect(projectedRatio("100", "1000", 2027, HALF_2026)).toBeNull();
    expect(projectedRatio("100", null, 2026, HALF_2026)).toBeNull();
    expect(projectedRatio("100", "0", 2026, HALF_2026)).toBeNull();
  });

  it("calls an overrun only once enough of the year has passed", () => {
    expect(projectedOverrun("500", "1000", "0.5", RULE)).toBe("1.0000");
    expect(projectedOverrun("499.99", "1000", "0.5", RULE)).toBeNull();
    expect(projectedOverrun("200", "1000", "0.2", RULE)).toBeNull(); // 1.0 projected, but too early
    expect(projectedOverrun("250", "1000", "0.25", RULE)).toBe("1.0000");
    expect(projectedOverrun("250", null, "0.25", RULE)).toBeNull();
  });
});
