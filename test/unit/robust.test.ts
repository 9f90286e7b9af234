import { describe, expect, it } from "vitest";
import { median, medianAbsoluteDeviation, robustZ } from "../../src/domain/robust.ts";

describe("median, MAD and robust z in decimals", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median(["3", "1", "2"])!.toString()).toBe("2");
    expect(median(["4", "1", "3", "2"])!.toString()).toBe("2.5");
    expect(median(["0.1", "0.2"])!.toString()).toBe("0.15"); // no binary floating point
    expect(median([])).toBeNull();
  });

  it("measures spread as the median absolute deviation", () => {
    // 100 110 120 130 1000: median 120; deviations 20 10 0 10 880 -> 0 10 10 20 880: MAD 10.
    expect(medianAbsoluteDeviation(["100", "110", "120", "130", "1000"])!.toString()).toBe("10");
    expect(medianAbsoluteDeviation(["5", "5", "5"])!.toString()).toBe("0");
    expect(medianAbsoluteDeviation([])).toBeNull();
  });

  it("scores 0.6745 (x - median) / MAD, with no score when there is no spread", () => {
    expect(robustZ("1000", "120", "10")!.toString()).toBe("59.356"); // 0.6745 x 880 / 10
    expect(robustZ("130", "120", "10")!.toString()).toBe("0.6745");
    expect(robustZ("100", "120", "10")!.toString()).toBe("-1.349");
    expect(robustZ("7", "5", "0")).toBeNull();
  });
});
