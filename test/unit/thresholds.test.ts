import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/money.ts";
import { crossedThresholds, thresholdText, usageLiveKey } from "../../src/domain/thresholds.ts";

const DEFAULT = [{ ratio: "0.85", severity: "high" }];
const LADDER = [
  { ratio: "0.85", severity: "high" },
  { ratio: "0.7", severity: "warning" },
  { ratio: "1", severity: "critical" },
];

describe("which usage thresholds spending has reached", () => {
  it("reaches 85% exactly at 85% of the estimate, not a dong before", () => {
    expect(crossedThresholds("850000", "1000000", DEFAULT)).toEqual([
      { threshold: "0.8500", severity: "high", ratio: "0.8500" },
    ]);
    expect(crossedThresholds("849999.99", "1000000", DEFAULT)).toEqual([]);
  });

  it("compares exactly, so a ratio that only rounds up to the threshold does not reach it", () => {
    // 849,960 / 1,000,000 = 0.84996, displayed "0.8500", still below 85%.
    expect(crossedThresholds("849960", "1000000", DEFAULT)).toEqual([]);
  });

  it("works in decimals where binary floating point would not (0.1 + 0.2 style sums)", () => {
    // 0.3 x 3 = 0.9 exactly; in doubles 0.3 * 3 = 0.8999999999999999.
    expect(crossedThresholds("0.9", "3", [{ ratio: "0.3", severity: "info" }])).toHaveLength(1);
    expect(crossedThresholds("0.89", "3", [{ ratio: "0.3", severity: "info" }])).toHaveLength(0);
  });

  it("returns every threshold reached, highest first, each with its own severity", () => {
    expect(crossedThresholds("900", "1000", LADDER)).toEqual([
      { threshold: "0.8500", severity: "high", ratio: "0.9000" },
      { threshold: "0.7000", severity: "warning", ratio: "0.9000" },
    ]);
    expect(crossedThresholds("1200", "1000", LADDER).map((c) => c.threshold)).toEqual(["1.0000", "0.8500", "0.7000"]);
    expect(crossedThresholds("699.99", "1000", LADDER)).toEqual([]);
  });

  it("reports the ratio rounded half up to 4 decimals", () => {
    // 2 / 3 = 0.66666... -> 0.6667; 0.85005 -> 0.8501 (half up).
    expect(crossedThresholds("2", "3", [{ ratio: "0.5", severity: "info" }])[0]!.ratio).toBe("0.6667");
    expect(crossedThresholds("85005", "100000", DEFAULT)[0]!.ratio).toBe("0.8501");
  });

  it("reaches nothing without an estimate or with an estimate of zero", () => {
    expect(crossedThresholds("1000", null, DEFAULT)).toEqual([]);
    expect(crossedThresholds("1000", undefined, DEFAULT)).toEqual([]);
    expect(crossedThresholds("1000", "0", DEFAULT)).toEqual([]);
  });

  it("keys a live alert by province, year and the threshold written with 4 decimals", () => {
    expect(usageLiveKey("01", 2026, "0.85")).toBe("usage_threshold:01:2026:0.8500");
    expect(usageLiveKey("79", 2027, "1")).toBe("usage_threshold:79:2027:1.0000");
    expect(thresholdText("0.9")).toBe("0.9000");
  });

  it("agrees with spent x 10000 >= threshold x estimate x 10000 in integers, for any amounts", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 17n }),
        fc.bigInt({ min: 1n, max: 10n ** 17n }),
        fc.integer({ min: 0, max: 20000 }),
        (spentCents, estimateCents, t) => {
          const threshold = new Dec(t).div(10000);
          const crossed = crossedThresholds(
            new Dec(spentCents.toString()).div(100),
            new Dec(estimateCents.toString()).div(100),
            [{ ratio: threshold.toString(), severity: "x" }],
          );
          expect(crossed.length === 1).toBe(spentCents * 10000n >= BigInt(t) * estimateCents);
        },
      ),
    );
  });
});
