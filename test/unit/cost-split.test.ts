import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitCounted } from "../../src/costs/split.ts";
import { Dec } from "../../src/domain/money.ts";

const split = (counted: string, weights: Record<string, string>) =>
  Object.fromEntries(
    [...splitCounted(new Dec(counted), new Map(Object.entries(weights).map(([g, w]) => [g, new Dec(w)])))].map(
      ([group, part]) => [group, part.toFixed()],
    ),
  );

describe("splitting what a claim counts over its cost groups", () => {
  it("keeps the lines' amounts when they add up to what is counted", () => {
    expect(split("4750000", { "4": "1140000", "15": "2850000", "2": "617500", "10": "142500" })).toEqual({
      "4": "1140000",
      "15": "2850000",
      "2": "617500",
      "10": "142500",
    });
  });

  it("splits an approval for less in the lines' shares, the cents left to the parts that lost most, by hand", () => {
    // 100 over weights 1:1:1 is 33.333...: each rounds down to 33.33, 0.01 is left; all lost alike, so the
    // lowest code takes it ("1" < "13" < "4" as text).
    expect(split("100", { "4": "10", "13": "10", "1": "10" })).toEqual({ "1": "33.34", "13": "33.33", "4": "33.33" });
    // 1.01 over 100,000.10 : 200,000.20 (1:2) is 0.3366... and 0.6733...: 0.33 and 0.67, 0.01 left to the first (lost
    // 0.0066 against 0.0033).
    expect(split("1.01", { "4": "100000.10", "13": "200000.20" })).toEqual({ "4": "0.34", "13": "0.67" });
  });

  it("counts a claim without lines, or whose lines the fund pays nothing of, as unspecified; a denial as nothing", () => {
    expect(split("280000", {})).toEqual({ unspecified: "280000" });
    expect(split("280000", { "4": "0" })).toEqual({ unspecified: "280000" });
    expect(split("0", { "4": "280000" })).toEqual({});
  });

  it("always adds up to the cent, whatever the weights", () => {
    const cents = fc.integer({ min: 0, max: 10_000_000_000 }).map((c) => new Dec(c).dividedBy(100));
    fc.assert(
      fc.property(cents, fc.dictionary(fc.constantFrom("1", "2", "4", "10", "13", "15"), cents), (counted, weights) => {
        const parts = splitCounted(counted, new Map(Object.entries(weights)));
        const sum = [...parts.values()].reduce((n, p) => n.plus(p), new Dec(0));
        expect(sum.equals(counted)).toBe(true);
        for (const part of parts.values()) expect(part.decimalPlaces()).toBeLessThanOrEqual(2);
      }),
    );
  });
});
