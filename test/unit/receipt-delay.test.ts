import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BANDS, bandEnd, bandPercentile, bandStart, delayBand } from "../../src/domain/receipt-delay.ts";

const H = 3_600_000;

describe("bands of the delay from discharge to first receipt", () => {
  it("are an hour wide under 72 hours, 6 hours to 7 days, a day to 30 days, a week to 366 days, then open", () => {
    const cases: [hours: number, band: number, start: number, end: number | null][] = [
      [0, 0, 0, 1],
      [0.99, 0, 0, 1],
      [1, 1, 1, 2],
      [71.5, 71, 71, 72],
      [72, 72, 72, 78],
      [77.9, 72, 72, 78],
      [167.99, 87, 162, 168],
      [168, 88, 168, 192],
      [719, 110, 696, 720],
      [720, 111, 720, 888],
      [2000, 118, 1896, 2064],
      [8783, 158, 8616, 8784],
      [8784, 159, 8784, null],
      [20000, 159, 8784, null],
    ];
    for (const [hours, band, start, end] of cases) {
      expect(delayBand(hours * H), `${hours} h`).toBe(band);
      expect(bandStart(band), `${hours} h`).toBe(start);
      expect(bandEnd(band), `${hours} h`).toBe(end);
    }
    expect(BANDS).toBe(160);
    // A correction may move the discharge after the first receipt: that counts as no delay.
    expect(delayBand(-5 * H)).toBe(0);
  });

  it("hold every delay: band start <= delay < band end", () => {
    fc.assert(
      fc.property(fc.nat(400 * 24 * H), (ms) => {
        const band = delayBand(ms);
        expect(band).toBeLessThan(BANDS);
        expect(bandStart(band) * H).toBeLessThanOrEqual(ms);
        expect(ms).toBeLessThan((bandEnd(band) ?? Infinity) * H);
      }),
    );
  });

  it("give percentile_disc's claim's band end (the open band's start)", () => {
    const delays = fc.array(fc.oneof(fc.nat(100 * H), fc.nat(500 * 24 * H)), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(delays, fc.constantFrom(0.5, 0.9, 0.25, 1), (ms, p) => {
        const sorted = [...ms].sort((a, b) => a - b);
        // percentile_disc: the first value whose position (1-based) reaches p of the count.
        const exact = delayBand(sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!);
        const claims: number[] = [];
        for (const d of ms) {
          while (claims.length <= delayBand(d)) claims.push(0);
          claims[delayBand(d)]! += 1;
        }
        expect(bandPercentile(claims, p)).toBe(bandEnd(exact) ?? bandStart(exact));
      }),
    );
    expect(bandPercentile([], 0.5)).toBeNull();
    expect(bandPercentile([0, 0], 0.5)).toBeNull();
  });
});
