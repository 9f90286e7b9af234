import { describe, expect, it } from "vitest";
import { count, decimal, money, percent, vnDate } from "../../src/dashboard/format.ts";

describe("numbers on the pages, the Vietnamese way", () => {
  it("groups counts with dots (commas in English)", () => {
    expect(count(56536)).toBe("56.536");
    expect(count(1234567, "en")).toBe("1,234,567");
    expect(count(999)).toBe("999");
  });

  it("writes money in whole đồng, rounding half up, from the decimal string", () => {
    expect(money("1009337.69", "vi")).toBe("1.009.338 đ");
    expect(money("1009337.49", "vi")).toBe("1.009.337 đ");
    expect(money("-2500.5", "vi")).toBe("-2.501 đ");
    expect(money("1009337.69", "en")).toBe("₫1,009,338");
    // Past what a float holds exactly: still exact.
    expect(money("123456789012345678.50", "vi")).toBe("123.456.789.012.345.679 đ");
  });

  it("marks decimals with a comma: hours to one place, ratios as percentages", () => {
    expect(decimal("16.27", 1)).toBe("16,3");
    expect(decimal("3.5", 1)).toBe("3,5");
    expect(decimal("1234.56", 1, "en")).toBe("1,234.6");
    expect(decimal(null, 1)).toBe("—");
    expect(percent("0.8512")).toBe("85,12%");
    expect(percent("0.8512", "en")).toBe("85.12%");
  });

  it("writes dates as Vietnamese documents do, in Vietnam time", () => {
    expect(vnDate("2026-06-14T18:30:00Z")).toBe("15/06/2026");
  });
});
