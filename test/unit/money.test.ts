import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatMoney, parseMoney, ratio } from "../../src/domain/money.ts";

const parsed = (value: unknown, options?: { allowNegative?: boolean }) =>
  parseMoney(value, options)?.toString() ?? null;

describe("money input", () => {
  it("accepts decimal strings and JSON numbers with at most 2 decimals", () => {
    expect(parsed("1234.50")).toBe("1234.5");
    expect(parsed("280000")).toBe("280000");
    expect(parsed(1234.5)).toBe("1234.5");
    expect(parsed(0)).toBe("0");
    expect(parsed("0.01")).toBe("0.01");
    expect(parsed("9999999999999999.99")).toBe("9999999999999999.99");
  });

  it("refuses a number whose shortest form has more than 2 decimals, such as 0.1 + 0.2", () => {
    expect(parsed(0.1 + 0.2)).toBeNull();
    expect(parsed(1.005)).toBeNull();
    expect(parsed("1.234")).toBeNull();
  });

  it("refuses exponents, infinities, NaN and non-numbers", () => {
    expect(parsed(JSON.parse("1e309"))).toBeNull(); // Infinity once parsed
    expect(parsed(Number.NaN)).toBeNull();
    expect(parsed("1e3")).toBeNull();
    expect(parsed(1e21)).toBeNull(); // String(1e21) is "1e+21"
    expect(parsed(1e-7)).toBeNull();
    for (const v of ["", "abc", "12,5", "0x10", "1.", ".5", null, undefined, true, {}, [], 10n])
      expect(parsed(v), String(v)).toBeNull();
  });

  it("refuses more than 16 integer digits (the column holds numeric(18,2))", () => {
    expect(parsed("12345678901234567")).toBeNull();
  });

  it("refuses negative amounts unless the field allows them (estimate adjustments)", () => {
    expect(parsed("-5000000")).toBeNull();
    expect(parsed(-1)).toBeNull();
    expect(parsed("-5000000", { allowNegative: true })).toBe("-5000000");
    expect(parsed(-1234.5, { allowNegative: true })).toBe("-1234.5");
    expect(parsed("-1.234", { allowNegative: true })).toBeNull();
  });

  it("every number with at most 2 decimals and 15 significant digits is accepted with its exact value", () => {
    // 15 digits is what a double is guaranteed to carry; longer numbers should be sent as strings.
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }), (cents) => {
        const text = `${cents / 100n}.${String(cents % 100n).padStart(2, "0")}`;
        const result = parseMoney(Number(text));
        expect(result?.toFixed(2)).toBe(text);
      }),
    );
  });
});

describe("money input past a double's exact range", () => {
  it("refuses a JSON number too large to carry exact cents, and takes the same amount as a string", () => {
    // JSON.parse has already rounded this one to ...637.75: accepting it would store the wrong amount.
    expect(parseMoney(JSON.parse("144001341309637.76"))).toBeNull();
    expect(parseMoney(2 ** 53 / 100)).toBeNull();
    expect(parseMoney("144001341309637.76")?.toString()).toBe("144001341309637.76");
    expect(parseMoney(89_999_999_999_999)?.toString()).toBe("89999999999999");
  });
});

describe("money output", () => {
  it("is plain digits, with two decimals only when there is a fraction", () => {
    expect(formatMoney("280000.00")).toBe("280000");
    expect(formatMoney("1234.5")).toBe("1234.50");
    expect(formatMoney("-5000000")).toBe("-5000000");
    expect(formatMoney("0")).toBe("0");
  });

  it("never emits an exponent, however large or small the amount", () => {
    expect(formatMoney("1e20")).toBe("100000000000000000000");
    expect(formatMoney("1e-7")).toBe("0.00");
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }),
        fc.integer({ min: 0, max: 20 }),
        (digits, scale) => {
          const value = scale === 0 ? digits.toString() : `${digits}e-${scale}`;
          expect(formatMoney(value)).toMatch(/^-?\d+(\.\d{2})?$/);
        },
      ),
    );
  });
});

describe("ratios", () => {
  it("have 4 decimals, rounded half up", () => {
    expect(ratio("84995", "100000")).toBe("0.8500");
    expect(ratio("84994", "100000")).toBe("0.8499");
    expect(ratio("1", "3")).toBe("0.3333");
    expect(ratio("2", "3")).toBe("0.6667");
    expect(ratio("0", "100")).toBe("0.0000");
    expect(ratio("150", "100")).toBe("1.5000");
  });

  it("are null where there is nothing to divide by", () => {
    expect(ratio("100", null)).toBeNull();
    expect(ratio("100", "0")).toBeNull();
  });
});
