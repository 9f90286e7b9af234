import { z } from "zod";
import { XmlMappingRulesSchema } from "../xml/rules.ts";
import { LimitRulesSchema } from "../limits/rules.ts";
import { CostRulesSchema } from "../costs/rules.ts";
import { AssessmentRulesSchema } from "../assessment/rules.ts";

/**
 * Rule files: one JSON file per concern in RULES_DIR. A missing file means its
 * defaults (the figures in docs/domain.md); an unknown file or an invalid
 * field stops start-up.
 */
const ratioString = z
  .string()
  .regex(/^(0(\.\d{1,4})?|1(\.0{1,4})?|[1-9]\d*(\.\d{1,4})?)$/, 'must be a decimal string like "0.85"');

export const DOCUMENT_TYPES = [
  "discharge_paper",
  "referral_paper",
  "surgery_certificate",
  "death_certificate",
] as const;

export const UsageRulesSchema = z
  .object({
    thresholds: z
      .array(z.object({ ratio: ratioString, severity: z.enum(["info", "warning", "high", "critical"]) }).strict())
      .min(1)
      // 85%: the agency's line for cost control; 100%: the province has spent its whole estimate.
      .default([
        { ratio: "0.85", severity: "high" },
        { ratio: "1.00", severity: "critical" },
      ])
      .refine((ts) => new Set(ts.map((t) => Number(t.ratio))).size === ts.length, "thresholds must be distinct"),
    projectedOverrun: z
      .object({
        ratio: ratioString.default("1.00"),
        /** Before this share of the year has passed, a projection is too noisy to alert on. */
        minElapsedRatio: ratioString.default("0.25"),
        severity: z.enum(["info", "warning", "high", "critical"]).default("warning"),
      })
      .strict()
      .prefault({}),
  })
  .strict();

const condition = z
  .object({
    visitTypes: z
      .array(z.enum(["outpatient", "day_treatment", "inpatient", "emergency"]))
      .min(1)
      .optional(),
    referral: z.literal(true).optional(),
    procedure: z.literal(true).optional(),
    died: z.literal(true).optional(),
    /** The requirement does not hold for these MA_LOAI_RV (3: absconded, who leave without a discharge paper). */
    exceptDischargeKinds: z
      .array(z.string().regex(/^[1-9]$/, 'a MA_LOAI_RV digit like "3"'))
      .min(1)
      .optional(),
  })
  .strict()
  .refine((c) => Object.keys(c).length > 0, "a condition needs at least one field");

export const DocumentRulesSchema = z
  .object({
    documentTypes: z
      .array(z.string().regex(/^[a-z][a-z0-9_]*$/))
      .min(1)
      .default([...DOCUMENT_TYPES]),
    /** Each requirement: when every field of `when` holds, these documents are needed. */
    requirements: z.array(z.object({ when: condition, documents: z.array(z.string()).min(1) }).strict()).default([
      {
        when: { visitTypes: ["inpatient", "day_treatment"], exceptDischargeKinds: ["3"] },
        documents: ["discharge_paper"],
      },
      { when: { referral: true }, documents: ["referral_paper"] },
      { when: { procedure: true }, documents: ["surgery_certificate"] },
      { when: { died: true }, documents: ["death_certificate"] },
    ]),
  })
  .strict()
  .superRefine((requirementRules, ctx) => {
    requirementRules.requirements.forEach((req, i) =>
      req.documents.forEach((doc, docIndex) => {
        if (!requirementRules.documentTypes.includes(doc))
          ctx.addIssue({
            code: "custom",
            path: ["requirements", i, "documents", docIndex],
            message: `unknown document type "${doc}"`,
          });
      }),
    );
  });

export const TimingRulesSchema = z
  .object({
    /** A claim pending documentation longer than this is stuck; 0 = stuck at the next marking. */
    stuckAfterDays: z.number().int().min(0).max(3650).default(30),
    /** A claim received more than this many hours after discharge is flagged late_submission. */
    submissionDeadlineHours: z
      .number()
      .int()
      .min(0)
      .max(24 * 365)
      .default(24),
    /**
     * A referral whose paper's number has not appeared on a claim of the referring facility (its XML13) this many
     * days after the claim arrived is flagged referral_unconfirmed at the next marking: for inspection, not a hold.
     */
    referralConfirmDays: z.number().int().min(0).max(3650).default(30),
  })
  .strict();

export const BacklogRulesSchema = z
  .object({
    /** A stuck_backlog alert is raised when a province's stuck amount passes this share of its estimate. */
    stuckShareOfEstimate: ratioString.default("0.05"),
    severity: z.enum(["info", "warning", "high", "critical"]).default("warning"),
    /** Age buckets of the backlog, in days since pending (lower bounds). */
    ageBucketsDays: z.array(z.number().int().min(0)).min(1).default([0, 30, 60, 90]),
  })
  .strict();

/** Inspection targeting (GET /v1/reports/outliers): when a facility's cost per claim stands out from its peers. */
export const ReportsRulesSchema = z
  .object({
    /**
     * A facility whose robust z-score, 0.6745 (x - median) / MAD, reaches this against its peers is listed as an
     * outlier.
     */
    outlierScore: z
      .string()
      .regex(/^\d{1,3}(\.\d{1,4})?$/, 'must be a decimal string like "3.5"')
      .default("3.5"),
    /** A facility with fewer claims of a visit type than this is listed as too few to score, not scored. */
    minClaimsForScore: z.number().int().min(1).max(1_000_000).default(30),
    /** A peer group (visit type, in a province or nationally) with fewer scored facilities than this gives no score. */
    minPeersForScore: z.number().int().min(3).max(100_000).default(5),
  })
  .strict();

/**
 * The year-end projection (usage, projected_overrun alerts, GET /v1/provinces/{code}/projection): see
 * docs/projection.md.
 */
export const ProjectionRulesSchema = z
  .object({
    /** Origin (discharge) months before the current one whose arrivals feed the development factors. */
    historyMonths: z.number().int().min(2).max(120).default(24),
    /** Fewer origin months with a complete month of development than this: the pace method is used instead. */
    minHistoryMonths: z.number().int().min(1).max(120).default(6),
    /** Arrivals are followed for this many months after the discharge month; later ones count in the last column. */
    maxDelayMonths: z.number().int().min(1).max(60).default(12),
  })
  .strict()
  .refine((r) => r.minHistoryMonths <= r.historyMonths - 1, {
    message: "minHistoryMonths must be below historyMonths",
    path: ["minHistoryMonths"],
  });

export const RULE_FILES = {
  "usage.json": UsageRulesSchema,
  "documents.json": DocumentRulesSchema,
  "timing.json": TimingRulesSchema,
  "backlog.json": BacklogRulesSchema,
  "xml-mapping.json": XmlMappingRulesSchema,
  "reports.json": ReportsRulesSchema,
  "projection.json": ProjectionRulesSchema,
  "limits.json": LimitRulesSchema,
  "costs.json": CostRulesSchema,
  "assessment.json": AssessmentRulesSchema,
} as const;

export interface Rules {
  usage: z.infer<typeof UsageRulesSchema>;
  documents: z.infer<typeof DocumentRulesSchema>;
  timing: z.infer<typeof TimingRulesSchema>;
  backlog: z.infer<typeof BacklogRulesSchema>;
  /** How the Ministry of Health XML standard maps to claims (src/xml/rules.ts). */
  xml: z.infer<typeof XmlMappingRulesSchema>;
  reports: z.infer<typeof ReportsRulesSchema>;
  projection: z.infer<typeof ProjectionRulesSchema>;
  /** Rate limits per key, facility and client address (src/limits). */
  limits: z.infer<typeof LimitRulesSchema>;
  /** Cost groups (MA_NHOM) and what lines that do not add up get (src/costs). */
  costs: z.infer<typeof CostRulesSchema>;
  /** What automated assessment checks and what a finding does (src/assessment). */
  assessment: z.infer<typeof AssessmentRulesSchema>;
}

export class RulesError extends Error {}

/** Validates the parsed contents of the rule files, keyed by file name. */
export function parseRules(files: Record<string, unknown>): Rules {
  for (const name of Object.keys(files)) {
    if (!(name in RULE_FILES))
      throw new RulesError(`rules: unknown rule file ${name} (expected one of ${Object.keys(RULE_FILES).join(", ")})`);
  }
  const one = <K extends keyof typeof RULE_FILES>(name: K) => {
    const result = RULE_FILES[name].safeParse(files[name] ?? {});
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const field = issue.path.length ? issue.path.join(".") : "(top level)";
      throw new RulesError(`rules: ${name}: ${field}: ${issue.message}`);
    }
    return result.data;
  };
  const rules: Rules = {
    usage: one("usage.json") as Rules["usage"],
    documents: one("documents.json") as Rules["documents"],
    timing: one("timing.json") as Rules["timing"],
    backlog: one("backlog.json") as Rules["backlog"],
    xml: one("xml-mapping.json") as Rules["xml"],
    reports: one("reports.json") as Rules["reports"],
    projection: one("projection.json") as Rules["projection"],
    limits: one("limits.json") as Rules["limits"],
    costs: one("costs.json") as Rules["costs"],
    assessment: one("assessment.json") as Rules["assessment"],
  };
  for (const [table, { type }] of Object.entries(rules.xml.documentTables)) {
    if (!rules.documents.documentTypes.includes(type))
      throw new RulesError(
        `rules: xml-mapping.json: documentTables.${table}.type: unknown document type "${type}" (not in ` +
          `documents.json)`,
      );
  }
  return rules;
}

export const defaultRules = (): Rules => parseRules({});
