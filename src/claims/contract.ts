import { z } from "@hono/zod-openapi";
import { CLAIM_STATUSES } from "../domain/claim-status.ts";
import { LINE_KINDS, MAX_LINES } from "../costs/lines.ts";
import { Text, Count, DecimalOut, MoneyOut, Timestamp } from "../http/schemas.ts";

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
    facilityCode: Text,
    claimId: Text,
    provinceCode: Text,
    year: Count,
    month: Count,
    visitType: Text,
    status: z.enum(CLAIM_STATUSES),
    stuck: z.boolean(),
    stuckAt: Timestamp.nullable(),
    pendingSince: Timestamp.nullable(),
    missingDocuments: z.array(Text).max(50),
    flags: z.array(Text).max(50),
    amounts: Amounts,
    admittedAt: Timestamp,
    dischargedAt: Timestamp,
    receivedAt: Timestamp,
    version: Count,
    updatedAt: Timestamp,
  })
  .openapi("ClaimSummary");
export const ClaimDetail = ClaimSummary.extend({
  patient: z.object({
    cardNumber: Text.nullable(),
    citizenId: Text.nullable(),
    name: Text.nullable(),
    birthDate: Text.nullable(),
    gender: Text.nullable(),
  }),
  diagnosis: z.object({ primary: Text, secondary: z.array(Text).max(50) }),
  referral: z.boolean(),
  referralPaper: z
    .object({
      number: Text,
      from: Text.nullable().openapi({ description: "the referring facility (MA_NOI_DI); null when not sent" }),
      senderClaim: z
        .object({ facilityCode: Text, claimId: Text })
        .nullable()
        .openapi({ description: "the referring facility's claim whose referral paper (XML13) has this number" }),
    })
    .nullable()
    .openapi({ description: "a referred-in patient's paper: its number stands for the paper; null when none" }),
  procedure: z.boolean(),
  died: z.boolean(),
  documents: z.array(z.object({ type: Text, reference: Text, receivedAt: Timestamp })).max(10_000),
  history: z.array(z.object({ kind: Text, version: Count, at: Timestamp, data: z.unknown() })).max(10_000),
  lines: z
    .array(
      z.object({
        kind: z.enum(LINE_KINDS),
        itemCode: Text,
        name: Text.nullable(),
        costGroup: Text.openapi({ description: "MA_NHOM" }),
        quantity: DecimalOut,
        unitPrice: DecimalOut,
        amount: MoneyOut,
        insurance: MoneyOut,
        orderedAt: Timestamp.nullable(),
      }),
    )
    .max(MAX_LINES)
    .openapi({ description: "the cost lines as sent, in their order; empty for a claim sent without lines" }),
  warnings: z
    .array(z.object({ path: Text, code: Text, message: Text }))
    .max(100)
    .openapi({ description: "what flags the claim without rejecting it (lines_mismatch: which sums differ)" }),
}).openapi("Claim");
