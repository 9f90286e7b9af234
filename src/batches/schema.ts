import { z } from "@hono/zod-openapi";
import { CLAIM_STATUSES } from "../domain/claim-status.ts";
import { CLAIM_FLAGS } from "../domain/flags.ts";
import { Text, Count, FacilityCode, MoneyOut, Timestamp } from "../http/schemas.ts";
import { ListQuery } from "../http/paging.ts";

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
  assessment: z
    .object({
      findings: Count,
      cut: MoneyOut.openapi({ description: "what the findings propose to cut" }),
      proposedAmount: MoneyOut.openapi({ description: "the claimed insurance amount less the cuts" }),
    })
    .optional()
    .openapi({
      description:
        "what automated assessment found in the claim as written, when it found something: the findings are on " +
        "GET /v1/claims/{facilityCode}/{claimId}",
    }),
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

/** A day of the years the service's `year` parameters take (2000-2100), YYYY-MM-DD. */
const Day = z.iso.date("must be a date like 2026-03-01").refine((day) => day >= "2000-01-01" && day <= "2100-12-31", {
  message: "must be a day of 2000-2100",
  params: { code: "out_of_range" },
});

/** GET /v1/batches: which batches (docs/api.md "Listing batches and their rejected claims"). */
export const ListBatchesQuery = ListQuery.extend({
  facility: FacilityCode.optional().openapi({ description: "one facility's batches (outside the key's scope: none)" }),
  from: Day.optional().openapi({
    description: "received on or after this day (Vietnam time), 2000-2100",
    maxLength: 10,
  }),
  to: Day.optional().openapi({
    description: "received on or before this day (Vietnam time), 2000-2100; not before from",
    maxLength: 10,
  }),
  hasRejections: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional()
    .openapi({ description: "true: batches with a rejected claim; false: those without" }),
});

/** A stored batch as the list shows it: the counts of its response, not the response. */
export const BatchSummarySchema = z
  .object({
    batchId: Text,
    facilityCode: Text,
    receivedAt: Timestamp,
    source: z.enum(["json", "xml"]).openapi({ description: "POST /v1/batches, or a chunk of an XML file" }),
    file: z
      .object({ batchId: Text, chunk: Count, chunks: Count })
      .nullable()
      .openapi({
        description:
          "an XML file's chunk: the file's batchId, which chunk this is (1: the file's own batchId; k: " +
          "<batchId>:k) and of how many; null for a JSON batch",
      }),
    claimCount: Count.openapi({ description: "claims (or episodes) received in this batch" }),
    accepted: Count,
    pendingDocumentation: Count,
    rejected: Count,
    corrected: Count,
    unchanged: Count,
    links: z
      .object({
        self: Text.openapi({ description: "its stored response: GET /v1/batches/{batchId}?facility=" }),
        rejections: Text.openapi({
          description: "its rejected claims: GET /v1/batches/{batchId}/rejections?facility=",
        }),
      })
      .openapi({ description: "paths on this service, the batchId percent-encoded" }),
  })
  .openapi("BatchSummary");

/** Why one claim of a stored batch was rejected: an entry of the response's `errors`. */
export const BatchRejectionSchema = z
  .object({
    batchId: Text.openapi({ description: "the stored batch it is in (for an XML file, the chunk)" }),
    index: Count,
    claimId: Text.nullable().openapi({ description: "null when the claim's own id could not be read" }),
    path: Text,
    code: Text,
    message: Text,
  })
  .openapi("BatchRejection");
