import { z } from "@hono/zod-openapi";
import { CLAIM_STATUSES } from "../domain/claim-status.ts";
import { MoneyOut, Timestamp } from "../http/schemas.ts";

/** A claim as the API shows it, in lists (ClaimSummary) and whole (Claim): for the claims and documents routes. */
const Amounts = z.object({
  total: MoneyOut,
  insurance: MoneyOut,
  patient: MoneyOut,
  other: MoneyOut,
  approved: MoneyOut.nullable(),
});
export const ClaimSummary = z
  .object({
    facilityCode: z.string(),
    claimId: z.string(),
    provinceCode: z.string(),
    year: z.number().int(),
    month: z.number().int(),
    visitType: z.string(),
    status: z.enum(CLAIM_STATUSES),
    stuck: z.boolean(),
    stuckAt: Timestamp.nullable(),
    pendingSince: Timestamp.nullable(),
    missingDocuments: z.array(z.string()),
    flags: z.array(z.string()),
    amounts: Amounts,
    admittedAt: Timestamp,
    dischargedAt: Timestamp,
    receivedAt: Timestamp,
    version: z.number().int(),
    updatedAt: Timestamp,
  })
  .openapi("ClaimSummary");
export const ClaimDetail = ClaimSummary.extend({
  patient: z.object({
    cardNumber: z.string().nullable(),
    citizenId: z.string().nullable(),
    name: z.string().nullable(),
    birthDate: z.string().nullable(),
    gender: z.string().nullable(),
  }),
  diagnosis: z.object({ primary: z.string(), secondary: z.array(z.string()) }),
  referral: z.boolean(),
  procedure: z.boolean(),
  died: z.boolean(),
  documents: z.array(z.object({ type: z.string(), reference: z.string(), receivedAt: Timestamp })),
  history: z.array(z.object({ kind: z.string(), version: z.number().int(), at: Timestamp, data: z.unknown() })),
}).openapi("Claim");
