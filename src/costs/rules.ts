import { z } from "zod";
import shipped from "../../rules/costs.json" with { type: "json" };

/** The roll-up a briefing speaks in: "drugs, supplies, tests, beds". */
export const COST_CATEGORIES = [
  "tests",
  "drugs",
  "blood",
  "procedures",
  "supplies",
  "examination",
  "beds",
  "other",
] as const;

const CostGroupSchema = z
  .object({
    /** MA_NHOM as the files write it, without leading zeros. */
    code: z.string().regex(/^[1-9][0-9]?$/, "must be a MA_NHOM code, 1 to 99"),
    vi: z.string().min(1).max(200),
    en: z.string().min(1).max(200),
    category: z.enum(COST_CATEGORIES),
    /** A group of Decision 4210 that 5937's appendix no longer lists: taken, and shown as such. */
    legacy: z.boolean().default(false),
  })
  .strict();

/** rules/costs.json: the cost groups lines are filed under, and what a claim whose lines do not add up gets. */
export const CostRulesSchema = z
  .object({
    /** Where the groups come from, for whoever edits the file. */
    source: z.string().max(2000).default(shipped.source),
    costGroups: z
      .array(CostGroupSchema)
      .min(1)
      .max(99)
      .default(() => shipped.costGroups.map((group) => CostGroupSchema.parse(group)))
      .refine((groups) => new Set(groups.map((group) => group.code)).size === groups.length, "codes must be unique"),
    /**
     * Lines whose sums differ from the claim's totals: "flag" stores the claim with the flag lines_mismatch and the
     * differences named; "reject" rejects the claim with them as its errors.
     */
    linesMismatch: z.enum(["flag", "reject"]).default("flag"),
  })
  .strict();

export type CostRules = z.infer<typeof CostRulesSchema>;
export type CostGroup = z.infer<typeof CostGroupSchema>;

/** Spending of claims sent without lines (or whose lines carry no insurance amount) is filed under this group. */
export const UNSPECIFIED_GROUP = "unspecified";
