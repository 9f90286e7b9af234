import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RULE_SPECS } from "../../src/assessment/rules.ts";
import { defaultRules, parseRules, RulesError } from "../../src/rules/schema.ts";

const shippedFile = JSON.parse(readFileSync(new URL("../../rules/assessment.json", import.meta.url), "utf8"));
const costs = JSON.parse(readFileSync(new URL("../../rules/costs.json", import.meta.url), "utf8"));

/** parseRules with rules/assessment.json changed in its first rule (PRICE_ABOVE_APPROVED); the error's one line. */
function refusal(change: (file: typeof shippedFile) => void): string {
  const file = structuredClone(shippedFile);
  change(file);
  try {
    parseRules({ "assessment.json": file });
  } catch (err) {
    expect(err).toBeInstanceOf(RulesError);
    return (err as Error).message;
  }
  throw new Error("expected a RulesError");
}

describe("rules/assessment.json", () => {
  it("is loaded with the other rules: the shipped file is the default, every check once, all enabled", () => {
    const { assessment } = defaultRules();
    expect(parseRules({ "assessment.json": shippedFile }).assessment).toEqual(assessment);
    expect(assessment.rules.map((rule) => rule.code).sort()).toEqual(Object.keys(RULE_SPECS).sort());
    expect(assessment.rules.every((rule) => rule.enabled)).toBe(true);
    expect(Object.fromEntries(assessment.rules.map((rule) => [rule.code, rule.action]))).toEqual({
      PRICE_ABOVE_APPROVED: "cut_excess",
      NOT_IN_APPROVED_LIST: "cut_line",
      ORDER_OUTSIDE_STAY: "warn",
      EXECUTED_BEFORE_ORDER: "warn",
      BED_DAYS_EXCEED_STAY: "cut_excess",
      BED_IN_OUTPATIENT: "cut_line",
      BED_SHORT_STAY: "cut_line",
      EXAMINATION_REPEATED_INPATIENT: "cut_line",
      SUPPLY_INCLUDED_IN_SERVICE: "cut_line",
      STAFF_NOT_CERTIFIED: "warn",
      MONEY_IDENTITY: "warn",
    });
  });

  it("names beds and examinations by the cost groups rules/costs.json files as beds and examination", () => {
    const { parameters } = defaultRules().assessment;
    const inCategory = (category: string) =>
      costs.costGroups
        .filter((group: { category: string }) => group.category === category)
        .map((group: { code: string }) => group.code);
    expect(parameters).toEqual({
      bedCostGroups: ["14", "15", "16"],
      examinationCostGroups: ["13"],
      minBedStayHours: 4,
    });
    expect(parameters.bedCostGroups).toEqual(inCategory("beds"));
    expect(parameters.examinationCostGroups).toEqual(inCategory("examination"));
  });

  it("leaves the discharge paper (XML7) to documents.json instead of a second rule", () => {
    const { assessment, documents } = defaultRules();
    expect(assessment.coveredElsewhere).toEqual([
      expect.objectContaining({ family: [14], coveredBy: "documents.json" }),
    ]);
    // "for an inpatient stay that was not an abscondment": MA_LOAI_RV 3 is spared.
    expect(documents.requirements).toContainEqual({
      when: { visitTypes: ["inpatient", "day_treatment"], exceptDischargeKinds: ["3"] },
      documents: ["discharge_paper"],
    });
    expect(assessment.rules.some((rule) => rule.family.includes(14))).toBe(false);
  });

  it("a file that sets only parameters keeps the shipped rules; a rule's params take their defaults", () => {
    const rules = parseRules({ "assessment.json": { parameters: { minBedStayHours: 6 } } }).assessment;
    expect(rules.parameters).toEqual({
      bedCostGroups: ["14", "15", "16"],
      examinationCostGroups: ["13"],
      minBedStayHours: 6,
    });
    expect(rules.rules).toEqual(defaultRules().assessment.rules);
    const file = structuredClone(shippedFile);
    delete file.rules[7].params;
    const examination = parseRules({ "assessment.json": file }).assessment.rules[7]!;
    expect(examination).toMatchObject({
      code: "EXAMINATION_REPEATED_INPATIENT",
      params: { visitTypes: ["inpatient"], allowed: 1 },
    });
  });

  it("refuses an action that is not one of the four, naming the field", () => {
    expect(refusal((file) => (file.rules[0].action = "cut_half"))).toMatch(
      /^rules: assessment\.json: rules\.0\.action: /,
    );
  });

  it("refuses an action the check cannot take", () => {
    expect(refusal((file) => (file.rules[2].action = "cut_excess"))).toBe(
      "rules: assessment.json: rules.2.action: ORDER_OUTSIDE_STAY cannot cut_excess " +
        "(it can: warn, cut_line, reject_claim)",
    );
    expect(refusal((file) => (file.rules[10].action = "cut_line"))).toMatch(
      /^rules: assessment\.json: rules\.10\.action: /,
    );
  });

  it("refuses an unknown code, a code listed twice, and a scope or kinds the check does not read", () => {
    expect(refusal((file) => (file.rules[0].code = "PRICE_TOO_HIGH"))).toMatch(
      /^rules: assessment\.json: rules\.0\.code: /,
    );
    expect(refusal((file) => file.rules.push(structuredClone(file.rules[0])))).toBe(
      "rules: assessment.json: rules.11.code: PRICE_ABOVE_APPROVED is listed twice",
    );
    expect(refusal((file) => (file.rules[0].appliesTo = { scope: "claim" }))).toBe(
      "rules: assessment.json: rules.0.appliesTo.scope: PRICE_ABOVE_APPROVED applies to the line, not the claim",
    );
    expect(refusal((file) => (file.rules[8].appliesTo.kinds = ["drug"]))).toBe(
      "rules: assessment.json: rules.8.appliesTo.kinds: SUPPLY_INCLUDED_IN_SERVICE reads supply lines, not drug",
    );
  });

  it("refuses a message placeholder the check does not fill, a missing language, a bad parameter", () => {
    expect(refusal((file) => (file.rules[0].message.en = "{item} costs {cost}"))).toBe(
      "rules: assessment.json: rules.0.message.en: unknown {cost}; PRICE_ABOVE_APPROVED knows kind, item, price, " +
        "approved, quantity, day",
    );
    expect(refusal((file) => delete file.rules[0].message.vi)).toMatch(
      /^rules: assessment\.json: rules\.0\.message\.vi: /,
    );
    expect(refusal((file) => (file.parameters.bedCostGroups = ["015"]))).toMatch(
      /^rules: assessment\.json: parameters\.bedCostGroups\.0: must be a MA_NHOM code/,
    );
    expect(refusal((file) => (file.rules[1].params.exemptItemCodes = ["(VC"]))).toMatch(
      /^rules: assessment\.json: rules\.1\.params\.exemptItemCodes\.0: must be a regular expression/,
    );
    expect(refusal((file) => (file.rules[0].params = { x: 1 }))).toMatch(/^rules: assessment\.json: rules\.0: /);
  });
});
