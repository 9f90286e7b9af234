import { z } from "@hono/zod-openapi";
import { CLAIM_STATUSES } from "../domain/claim-status.ts";
import { CLAIM_FLAGS } from "../domain/flags.ts";

/** What became of each claim of a batch. */
export const OUTCOMES = ["created", "corrected", "unchanged", "rejected"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The most claims one batch may hold, in JSON or in one stored chunk of an XML file. */
export const MAX_CLAIMS_PER_BATCH = 5000;

const ClaimResult = z.object({
  index: z.number().int(),
  claimId: z.string().nullable(),
  status: z.enum(CLAIM_STATUSES).nullable().openapi({ description: "null for a rejected claim" }),
  outcome: z.enum(OUTCOMES),
  missingDocuments: z.array(z.string()).optional(),
  flags: z.array(z.enum(CLAIM_FLAGS)).optional(),
});
export const BatchResponseSchema = z
  .object({
    batchId: z.string(),
    facilityCode: z.string(),
    received: z.number().int(),
    accepted: z.number().int(),
    pendingDocumentation: z.number().int(),
    rejected: z.number().int(),
    corrected: z.number().int(),
    unchanged: z.number().int(),
    claims: z.array(ClaimResult),
    errors: z.array(
      z.object({
        index: z.number().int(),
        claimId: z.string().optional(),
        path: z.string(),
        code: z.string(),
        message: z.string(),
      }),
    ),
  })
  .openapi("BatchResponse");

export type BatchResponse = z.infer<typeof BatchResponseSchema>;
export type BatchClaimResult = BatchResponse["claims"][number];
