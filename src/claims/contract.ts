import { z } from "@hono/zod-openapi";
import { CLAIM_STATUSES } from "../domain/claim-status.ts";
import { ASSESSMENT_ACTIONS } from "../assessment/rules.ts";
import { LINE_KINDS, MAX_LINES } from "../costs/lines.ts";
import { Text, Count, DecimalOut, MoneyOut, Timestamp } from "../http/schemas.ts";

/** A claim as the API shows it, in lists (ClaimSummary) and whole (Claim): for the claims and documents routes. */
const Amounts = z.object({
  total: MoneyOut,
  insurance: MoneyOut,
  patient: MoneyOut,
  other: MoneyOut,
  approved: MoneyOut.nullable(),
  proposed: MoneyOut.nullable().openapi({
    description:
      "what automated assessment proposes to approve: the insurance amount less its cuts (null: stored before " +
      "assessment existed)",
  }),
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
  visitCode: Text.nullable().openapi({ description: "MA_LOAI_KCB as sent" }),
  dischargeKind: Text.nullable().openapi({ description: "MA_LOAI_RV as sent" }),
  treatmentResult: Text.nullable().openapi({ description: "KET_QUA_DTRI as sent" }),
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
        executedAt: Timestamp.nullable().openapi({ description: "NGAY_TH_YL" }),
        insuredPrice: DecimalOut.nullable().openapi({ description: "DON_GIA_BH" }),
        bidInfo: Text.nullable().openapi({ description: "TT_THAU" }),
        orderedBy: Text.nullable().openapi({ description: "MA_BAC_SI" }),
        performedBy: Text.nullable().openapi({ description: "NGUOI_THUC_HIEN" }),
        serviceCode: Text.nullable().openapi({ description: "a supply's MA_DICH_VU" }),
      }),
    )
    .max(MAX_LINES)
    .openapi({ description: "the cost lines as sent, in their order; empty for a claim sent without lines" }),
  findings: z
    .array(
      z.object({
        code: Text.openapi({ description: "the rule (rules/assessment.json, GET /v1/rules)" }),
        action: z.enum(ASSESSMENT_ACTIONS),
        line: Count.nullable().openapi({ description: "the line's place in `lines` (from 0); null for the claim" }),
        amount: MoneyOut.openapi({ description: "what it cuts; 0 for a warning" }),
        message: z.object({ vi: Text, en: Text }),
      }),
    )
    .max(100_000)
    .openapi({
      description:
        "what automated assessment found in the current version, against the facility's catalogues in force on " +
        "each line's day: each finding warns or cuts; the cuts add up to amounts.insurance − amounts.proposed",
    }),
  warnings: z
    .array(z.object({ path: Text, code: Text, message: Text }))
    .max(100)
    .openapi({ description: "what flags the claim without rejecting it (lines_mismatch: which sums differ)" }),
}).openapi("Claim");
