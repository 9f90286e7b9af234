import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { loadRules } from "../../src/rules/load.ts";
import { DOCUMENT_TYPES, defaultRules, parseRules, RulesError } from "../../src/rules/schema.ts";
import { tempDir } from "../support/process.ts";

/** The error parseRules throws for `files`, checked to be a one-line RulesError. */
function rulesError(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(RulesError);
    const message = (err as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("expected a RulesError");
}

describe("rule files", () => {
  it("missing files mean the documented defaults: 85% and 100% thresholds, 30 days to stuck, 24 hours to submit", () => {
    const rules = parseRules({});
    expect(rules.usage.thresholds).toEqual([
      { ratio: "0.85", severity: "high" },
      { ratio: "1.00", severity: "critical" },
    ]);
    expect(rules.timing).toEqual({ stuckAfterDays: 30, submissionDeadlineHours: 24, referralConfirmDays: 30 });
    expect(rules.documents.documentTypes).toEqual([
      "discharge_paper",
      "referral_paper",
      "surgery_certificate",
      "death_certificate",
    ]);
    // An abscondment (MA_LOAI_RV 3) leaves without a discharge paper.
    expect(rules.documents.requirements[0]).toEqual({
      when: { visitTypes: ["inpatient", "day_treatment"], exceptDischargeKinds: ["3"] },
      documents: ["discharge_paper"],
    });
    expect(rules.usage.projectedOverrun).toEqual({ ratio: "1.00", minElapsedRatio: "0.25", severity: "warning" });
    expect(rules.backlog.stuckShareOfEstimate).toBe("0.05");
  });

  it("a file sets only what it names; the rest keeps its defaults", () => {
    const rules = parseRules({ "timing.json": { stuckAfterDays: 0 } });
    expect(rules.timing).toEqual({ stuckAfterDays: 0, submissionDeadlineHours: 24, referralConfirmDays: 30 });
  });

  it("an invalid field stops with one line naming the file and the field", () => {
    expect(
      rulesError(() => parseRules({ "usage.json": { thresholds: [{ ratio: "abc", severity: "high" }] } })),
    ).toMatch(/^rules: usage\.json: thresholds\.0\.ratio: /);
    expect(rulesError(() => parseRules({ "timing.json": { stuckAfterDays: -1 } }))).toMatch(
      /^rules: timing\.json: stuckAfterDays: /,
    );
    expect(rulesError(() => parseRules({ "timing.json": { stuckAfterDays: 30, deadline: 5 } }))).toMatch(
      /^rules: timing\.json: .*deadline/,
    );
    expect(
      rulesError(() =>
        parseRules({
          "usage.json": {
            thresholds: [
              { ratio: "0.85", severity: "high" },
              { ratio: "0.850", severity: "info" },
            ],
          },
        }),
      ),
    ).toMatch(/^rules: usage\.json: thresholds: thresholds must be distinct/);
    expect(rulesError(() => parseRules({ "backlog.json": [] }))).toMatch(/^rules: backlog\.json: \(top level\): /);
    const group = { code: "4", vi: "Thuốc", en: "Drugs", category: "drugs" };
    expect(rulesError(() => parseRules({ "costs.json": { costGroups: [group, group] } }))).toMatch(
      /^rules: costs\.json: costGroups: codes must be unique/,
    );
    expect(rulesError(() => parseRules({ "costs.json": { costGroups: [{ ...group, category: "food" }] } }))).toMatch(
      /^rules: costs\.json: costGroups\.0\.category: /,
    );
    expect(rulesError(() => parseRules({ "costs.json": { linesMismatch: "ignore" } }))).toMatch(
      /^rules: costs\.json: linesMismatch: /,
    );
  });

  it("refuses a file it does not know, naming it", () => {
    expect(rulesError(() => parseRules({ "quotas.json": {} }))).toMatch(/unknown rule file quotas\.json/);
  });

  it("refuses a requirement naming a document type that is not declared", () => {
    const message = rulesError(() =>
      parseRules({
        "documents.json": { requirements: [{ when: { referral: true }, documents: ["referral_paper", "x_ray"] }] },
      }),
    );
    expect(message).toBe('rules: documents.json: requirements.0.documents.1: unknown document type "x_ray"');
  });

  it("accepts a requirement on a document type the file itself declares", () => {
    const rules = parseRules({
      "documents.json": {
        documentTypes: [...DOCUMENT_TYPES, "x_ray"],
        requirements: [{ when: { procedure: true }, documents: ["x_ray"] }],
      },
    });
    expect(rules.documents.requirements).toEqual([{ when: { procedure: true }, documents: ["x_ray"] }]);
  });
});

describe("loading RULES_DIR", () => {
  const dirs: { remove: () => void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));
  const dir = (files: Record<string, string>) => {
    const d = tempDir("rules");
    dirs.push(d);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(d.path, name), text);
    return d.path;
  };

  it("the shipped rules folder states exactly the documented defaults", async () => {
    expect(await loadRules(fileURLToPath(new URL("../../rules", import.meta.url)))).toEqual(defaultRules());
  });

  it("reads the .json files and ignores the rest", async () => {
    const rules = await loadRules(dir({ "timing.json": '{ "submissionDeadlineHours": 48 }', "README.md": "# notes" }));
    expect(rules.timing.submissionDeadlineHours).toBe(48);
  });

  it("a file that is not JSON stops with one line naming it", async () => {
    const path = dir({ "usage.json": "{ thresholds: " });
    await expect(loadRules(path)).rejects.toThrow(/^rules: usage\.json: not valid JSON/);
  });

  it("a missing folder stops with one line naming it", async () => {
    const path = join(dir({}), "nowhere");
    await expect(loadRules(path)).rejects.toThrow(`rules: cannot read RULES_DIR ${path}`);
  });

  it("a subfolder is not mistaken for a rule file", async () => {
    const path = dir({});
    mkdirSync(join(path, "archive.json.d"));
    expect(await loadRules(path)).toEqual(defaultRules());
  });
});
