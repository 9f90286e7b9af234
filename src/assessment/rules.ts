import { z } from "zod";
import shipped from "../../rules/assessment.json" with { type: "json" };

/**
 * rules/assessment.json: the rules automated assessment applies (docs/domain.md "Automated assessment: the rules").
 * A rule's code names the check the engine (src/assessment/engine.ts) runs; the file says whether it runs, on which
 * line kinds, what a finding does (its action), its words in both languages and its parameters.
 */

/** What a finding does: nothing but tell, cut the part above the approved figure, cut the whole line, deny. */
export const ASSESSMENT_ACTIONS = ["warn", "cut_excess", "cut_line", "reject_claim"] as const;
export type AssessmentAction = (typeof ASSESSMENT_ACTIONS)[number];

/** The line kinds of a claim (src/costs/lines.ts LINE_KINDS): drugs of XML2, supplies and services of XML3. */
export const ASSESSED_KINDS = ["drug", "supply", "service"] as const;
export type LineKind = (typeof ASSESSED_KINDS)[number];
const ALL_KINDS: readonly LineKind[] = ASSESSED_KINDS;
const LINE_ACTIONS: readonly AssessmentAction[] = ["warn", "cut_line", "reject_claim"];
const EXCESS_ACTIONS: readonly AssessmentAction[] = ["warn", "cut_excess", "cut_line", "reject_claim"];

interface RuleSpec {
  scope: "line" | "claim";
  /** Line kinds the check knows how to read. */
  kinds: readonly LineKind[];
  actions: readonly AssessmentAction[];
  /** The {names} its messages may use. */
  placeholders: readonly string[];
}

/** What each check can do; the file's rules are validated against it. */
export const RULE_SPECS = {
  PRICE_ABOVE_APPROVED: {
    scope: "line",
    kinds: ALL_KINDS,
    actions: EXCESS_ACTIONS,
    placeholders: ["kind", "item", "price", "approved", "quantity", "day"],
  },
  NOT_IN_APPROVED_LIST: {
    scope: "line",
    kinds: ALL_KINDS,
    actions: LINE_ACTIONS,
    placeholders: ["kind", "item", "bid", "day"],
  },
  ORDER_OUTSIDE_STAY: {
    scope: "line",
    kinds: ALL_KINDS,
    actions: LINE_ACTIONS,
    placeholders: ["kind", "item", "ordered", "admitted", "discharged"],
  },
  EXECUTED_BEFORE_ORDER: {
    scope: "line",
    kinds: ALL_KINDS,
    actions: LINE_ACTIONS,
    placeholders: ["kind", "item", "ordered", "executed"],
  },
  BED_DAYS_EXCEED_STAY: {
    scope: "line",
    kinds: ["service"],
    actions: EXCESS_ACTIONS,
    placeholders: ["item", "billed", "allowed", "hours", "days", "quantity"],
  },
  BED_IN_OUTPATIENT: { scope: "line", kinds: ["service"], actions: LINE_ACTIONS, placeholders: ["item", "visit"] },
  BED_SHORT_STAY: {
    scope: "line",
    kinds: ["service"],
    actions: LINE_ACTIONS,
    placeholders: ["item", "hours", "minHours"],
  },
  EXAMINATION_REPEATED_INPATIENT: {
    scope: "line",
    kinds: ["service"],
    actions: LINE_ACTIONS,
    placeholders: ["item", "count", "allowed", "kept"],
  },
  SUPPLY_INCLUDED_IN_SERVICE: {
    scope: "line",
    kinds: ["supply"],
    actions: LINE_ACTIONS,
    placeholders: ["item", "service", "day"],
  },
  STAFF_NOT_CERTIFIED: {
    scope: "line",
    kinds: ALL_KINDS,
    actions: LINE_ACTIONS,
    placeholders: ["kind", "item", "staff", "day"],
  },
  MONEY_IDENTITY: {
    scope: "claim",
    kinds: [],
    actions: ["warn", "reject_claim"],
    placeholders: ["field", "stated", "formula", "computed"],
  },
} as const satisfies Record<string, RuleSpec>;

export type RuleCode = keyof typeof RULE_SPECS;

const VISIT_TYPES = ["outpatient", "day_treatment", "inpatient", "emergency"] as const;
const costGroup = z.string().regex(/^[1-9][0-9]?$/, "must be a MA_NHOM code, 1 to 99");
const visitTypes = z.array(z.enum(VISIT_TYPES)).min(1);
/** MA_LOAI_KCB, MA_LOAI_RV, KET_QUA_DTRI: codes as the files write them. */
const fileCodes = z.array(z.string().regex(/^[0-9]{1,2}$/, "must be a code of one or two digits"));
const pattern = z.string().refine((text) => {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}, "must be a regular expression");

const base = {
  /** Rule families of ../shared/reference/assessment-rules.md. */
  family: z.array(z.int().min(1).max(18)).min(1),
  appliesTo: z.discriminatedUnion("scope", [
    z.object({ scope: z.literal("line"), kinds: z.array(z.enum(ASSESSED_KINDS)).min(1) }).strict(),
    z.object({ scope: z.literal("claim") }).strict(),
  ]),
  action: z.enum(ASSESSMENT_ACTIONS),
  enabled: z.boolean().default(true),
  message: z.object({ vi: z.string().min(1).max(500), en: z.string().min(1).max(500) }).strict(),
  /** Where the rule comes from, for whoever edits the file. */
  source: z.string().max(1000).optional(),
};

const plain = <C extends RuleCode>(code: C) => z.object({ code: z.literal(code), ...base }).strict();

const RuleSchema = z.discriminatedUnion("code", [
  plain("PRICE_ABOVE_APPROVED"),
  z
    .object({
      code: z.literal("NOT_IN_APPROVED_LIST"),
      ...base,
      params: z
        .object({
          /** A drug or supply line that carries TT_THAU must match an entry's (first four parts), not only its code. */
          matchBidInfo: z.boolean().default(true),
          /** Item codes no catalogue lists (transport VC., blood transport VM., packaging BB.): not looked up. */
          exemptItemCodes: z.array(pattern).default([]),
        })
        .strict()
        .prefault({}),
    })
    .strict(),
  z
    .object({
      code: z.literal("ORDER_OUTSIDE_STAY"),
      ...base,
      params: z
        .object({
          /** "minute": NGAY_YL before NGAY_VAO or after NGAY_RA; "day": only on another (Vietnam) day. */
          precision: z.enum(["minute", "day"]).default("minute"),
        })
        .strict()
        .prefault({}),
    })
    .strict(),
  plain("EXECUTED_BEFORE_ORDER"),
  z
    .object({
      code: z.literal("BED_DAYS_EXCEED_STAY"),
      ...base,
      params: z
        .object({
          visitTypes: visitTypes.default(["inpatient", "day_treatment"]),
          /** KET_QUA_DTRI and MA_LOAI_RV both among these: the discharge day counts as a bed day too. */
          extraDay: z
            .object({ treatmentResults: fileCodes.default([]), dischargeKinds: fileCodes.default([]) })
            .strict()
            .prefault({}),
        })
        .strict()
        .prefault({}),
    })
    .strict(),
  z
    .object({
      code: z.literal("BED_IN_OUTPATIENT"),
      ...base,
      params: z
        .object({
          visitTypes: visitTypes.default(["outpatient", "emergency"]),
          /** MA_LOAI_KCB codes (when the claim has one) whose beds are refused whatever the visit type. */
          visitCodes: fileCodes.default([]),
        })
        .strict()
        .prefault({}),
    })
    .strict(),
  z
    .object({
      code: z.literal("BED_SHORT_STAY"),
      ...base,
      params: z
        .object({ visitTypes: visitTypes.default(["inpatient", "day_treatment"]) })
        .strict()
        .prefault({}),
    })
    .strict(),
  z
    .object({
      code: z.literal("EXAMINATION_REPEATED_INPATIENT"),
      ...base,
      params: z
        .object({
          visitTypes: visitTypes.default(["inpatient"]),
          /** Examination fees paid per stay; the earliest ordered are kept. */
          allowed: z.int().min(0).max(100).default(1),
        })
        .strict()
        .prefault({}),
    })
    .strict(),
  plain("SUPPLY_INCLUDED_IN_SERVICE"),
  plain("STAFF_NOT_CERTIFIED"),
  plain("MONEY_IDENTITY"),
]);

export type AssessmentRule = z.output<typeof RuleSchema>;
export type RuleOf<C extends RuleCode> = Extract<AssessmentRule, { code: C }>;

const ParametersSchema = z
  .object({
    /** MA_NHOM of bed days: 14 day treatment, 15 inpatient, 16 observation (Decision 5937, Appendix 3). */
    bedCostGroups: z.array(costGroup).min(1).default(shipped.parameters.bedCostGroups),
    /** MA_NHOM of examination fees: 13. */
    examinationCostGroups: z.array(costGroup).min(1).default(shipped.parameters.examinationCostGroups),
    /** A stay shorter than this many hours is paid no bed day (and a day's remainder under it is no day). */
    minBedStayHours: z.number().min(0).max(24).default(shipped.parameters.minBedStayHours),
  })
  .strict();

/** A check the file names as done by another rule file, so that it is not made a second rule. */
const CoveredSchema = z
  .object({
    check: z.string().min(1).max(500),
    family: z.array(z.int().min(1).max(18)).min(1),
    coveredBy: z.string().regex(/^[a-z][a-z0-9-]*\.json$/, "must name a rule file"),
    note: z.string().max(1000).optional(),
  })
  .strict();

export const AssessmentRulesSchema = z
  .object({
    source: z.string().max(2000).default(shipped.source),
    parameters: ParametersSchema.prefault({}),
    rules: z
      .array(RuleSchema)
      .max(100)
      .default(() => shipped.rules.map((entry) => RuleSchema.parse(entry))),
    coveredElsewhere: z
      .array(CoveredSchema)
      .default(() => shipped.coveredElsewhere.map((entry) => CoveredSchema.parse(entry))),
  })
  .strict()
  .superRefine((file, ctx) => file.rules.forEach((entry, index) => checkAgainstSpec(entry, index, file.rules, ctx)));

export type AssessmentRules = z.output<typeof AssessmentRulesSchema>;

/** A rule must fit what its check can do: unique code, its scope and kinds, an action it supports, known {names}. */
function checkAgainstSpec(entry: AssessmentRule, index: number, all: AssessmentRule[], ctx: z.RefinementCtx) {
  const spec: RuleSpec = RULE_SPECS[entry.code];
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: "custom", path: ["rules", index, ...path], message });
  if (all.findIndex((other) => other.code === entry.code) !== index) issue(["code"], `${entry.code} is listed twice`);
  if (entry.appliesTo.scope !== spec.scope)
    issue(["appliesTo", "scope"], `${entry.code} applies to the ${spec.scope}, not the ${entry.appliesTo.scope}`);
  else if (entry.appliesTo.scope === "line") {
    const foreign = entry.appliesTo.kinds.filter((kind) => !spec.kinds.includes(kind));
    if (foreign.length > 0)
      issue(["appliesTo", "kinds"], `${entry.code} reads ${spec.kinds.join(", ")} lines, not ${foreign.join(", ")}`);
  }
  if (!spec.actions.includes(entry.action))
    issue(["action"], `${entry.code} cannot ${entry.action} (it can: ${spec.actions.join(", ")})`);
  for (const lang of ["vi", "en"] as const) {
    const unknown = [...entry.message[lang].matchAll(/\{(\w+)\}/g)]
      .map((match) => match[1]!)
      .filter((name) => !spec.placeholders.includes(name));
    if (unknown.length > 0)
      issue(["message", lang], `unknown {${unknown[0]}}; ${entry.code} knows ${spec.placeholders.join(", ")}`);
  }
}
