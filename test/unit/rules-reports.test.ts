import { describe, expect, it } from "vitest";
import { parseRules, RulesError } from "../../src/rules/schema.ts";

describe("rules for the reports and the projection", () => {
  it("default to the documented figures", () => {
    const rules = parseRules({});
    expect(rules.reports).toEqual({ outlierScore: "3.5", minClaimsForScore: 30, minPeersForScore: 5 });
    expect(rules.projection).toEqual({ historyMonths: 24, minHistoryMonths: 6, maxDelayMonths: 12 });
  });

  it("take a file's values and refuse bad ones, naming the file and field", () => {
    expect(parseRules({ "reports.json": { outlierScore: "5", minClaimsForScore: 50 } }).reports).toEqual({
      outlierScore: "5",
      minClaimsForScore: 50,
      minPeersForScore: 5,
    });
    expect(() => parseRules({ "reports.json": { outlierScore: 3.5 } })).toThrow(/reports\.json: outlierScore/);
    expect(() => parseRules({ "reports.json": { minPeersForScore: 2 } })).toThrow(/reports\.json: minPeersForScore/);
    expect(() => parseRules({ "reports.json": { extra: 1 } })).toThrow(RulesError);
    expect(() => parseRules({ "projection.json": { historyMonths: 6, minHistoryMonths: 6 } })).toThrow(
      /projection\.json: minHistoryMonths/,
    );
    expect(() => parseRules({ "projection.json": { maxDelayMonths: 0 } })).toThrow(/projection\.json: maxDelayMonths/);
  });
});
