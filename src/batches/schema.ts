import { z } from "@hono/zod-openapi";
import { CLAIM_STATUSES } from "../domain/claim-status.ts";
import { CLAIM_FLAGS } from "../domain/flags.ts";
import { Text, Count } from "../http/schemas.ts";

/** What became of each claim of a batch. */
export const OUTCOMES = ["created", "corrected", "unchanged", "rejected"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The most claims one batch may hold, in JSON or in one stored chunk of an XML file. */
export const MAX_CLAIMS_PER_BATCH = 5000;

/** Something about one claim of the batch, named by its field. */
const ClaimFinding = z.object({
  index: Count,
  claimId: Text.optional(),
  path: Text,
  code: Text,
  message: Text,
});

const ClaimResult = z.object({
  index: Count,
  claimId: Text.nullable(),
  status: z.enum(CLAIM_STATUSES).nullable().openapi({ description: "null for a rejected claim" }),
  outcome: z.enum(OUTCOMES),
  missingDocuments: z.array(Text).max(50).optional(),
  flags: z.array(z.enum(CLAIM_FLAGS)).max(50).optional(),
});
export const BatchResponseSchema = z
  .object({
    batchId: Text,
    facilityCode: Text,
    received: Count,
    accepted: Count,
    pendingDocumentation: Count,
    rejected: Count,
    corrected: Count,
    unchanged: Count,
    claims: z.array(ClaimResult).max(10_000_000),
    errors: z.array(ClaimFinding).max(100_000_000).openapi({ description: "why each rejected claim was rejected" }),
    warnings: z
      .array(ClaimFinding)
      .max(100_000_000)
      .optional()
      .openapi({
        description:
          "what flags a stored claim without rejecting it, by field: lines_mismatch names each total its lines do " +
          "not add up to (absent from responses stored before lines existed)",
      }),
  })
  .openapi("BatchResponse");

export type BatchResponse = z.infer<typeof BatchResponseSchema>;
export type BatchClaimResult = BatchResponse["claims"][number];
