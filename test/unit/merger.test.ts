import { describe, expect, it } from "vitest";
import { accountingProvince, sameAttribution } from "../../src/domain/merger.ts";

const MERGED_AT = new Date("2025-06-30T17:00:00Z"); // 2025-07-01 00:00 in Vietnam
const haGiang = (successorCode: string | null, mergedAt: Date | null) => ({
  provinceCode: "02",
  province: { successorCode, mergedAt },
});

describe("which province a claim counts in", () => {
  it("the facility's before the merger instant, the successor's from it on", () => {
    const f = haGiang("08", MERGED_AT);
    expect(accountingProvince(f, new Date(MERGED_AT.getTime() - 1))).toBe("02");
    expect(accountingProvince(f, MERGED_AT)).toBe("08");
    expect(accountingProvince(f, new Date("2026-01-01T00:00:00Z"))).toBe("08");
  });

  it("the facility's when the merger is not recorded whole", () => {
    expect(accountingProvince(haGiang(null, null), MERGED_AT)).toBe("02");
    expect(accountingProvince(haGiang("08", null), MERGED_AT)).toBe("02");
    expect(accountingProvince(haGiang(null, MERGED_AT), MERGED_AT)).toBe("02");
  });

  it("two records place claims alike only when province, successor and instant agree", () => {
    expect(sameAttribution(haGiang("08", MERGED_AT), haGiang("08", new Date(MERGED_AT.getTime())))).toBe(true);
    expect(sameAttribution(haGiang("08", MERGED_AT), haGiang("08", new Date(MERGED_AT.getTime() + 1)))).toBe(false);
    expect(sameAttribution(haGiang("08", MERGED_AT), haGiang(null, MERGED_AT))).toBe(false);
    expect(sameAttribution(haGiang(null, null), { ...haGiang(null, null), provinceCode: "08" })).toBe(false);
  });
});
