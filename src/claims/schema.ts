import { z } from "@hono/zod-openapi";
import { ClaimLineSchema, MAX_LINES } from "../costs/lines.ts";
import { Money } from "../http/schemas.ts";

/**
 * One claim as hospitals send it (docs/api.md "Claim batches"). Shape
 * only; the domain checks that need more than one field live in validate.ts.
 */
// Strings bounded by an anchored pattern state their length for the OpenAPI document (the pattern enforces it).
const Icd10 = z
  .string()
  .regex(/^[A-Z][0-9]{2}(\.[0-9]{1,2})?$/, "must be an ICD-10 code like J18.9")
  .openapi({ maxLength: 6 });
export const Instant = z.iso
  .datetime({
    offset: true,
    message: "must be an RFC 3339 time with offset, e.g. 2026-03-01T08:00:00+07:00",
  })
  .max(40);

export const ClaimInputSchema = z
  .object({
    claimId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._/-]+$/, "letters, digits and . _ / - only"),
    patient: z
      .object({
        cardNumber: z
          .string()
          .regex(/^[A-Z]{2}[1-5][0-9]{12}$/, "must be a 15-character card number like DN4010123456789")
          .openapi({ maxLength: 15 })
          .optional(),
        citizenId: z
          .string()
          .regex(/^[0-9]{12}$/, "must be 12 digits")
          .openapi({ maxLength: 12 })
          .optional(),
        name: z.string().trim().min(1).max(200).optional(),
        birthDate: z.iso.date("must be a date like 1980-05-01").openapi({ maxLength: 10 }).optional(),
        gender: z.enum(["male", "female", "undetermined"]).optional(),
      })
      .strict(),
    visitType: z.enum(["outpatient", "day_treatment", "inpatient", "emergency"]),
    visitCode: z
      .string()
      .regex(/^[0-9]{2}$/, 'must be two digits like "03"')
      .optional()
      .openapi({ maxLength: 2, description: "MA_LOAI_KCB as sent: the visit's type code (automated assessment)" }),
    dischargeKind: z
      .string()
      .regex(/^[1-9]$/, 'must be one digit like "1"')
      .optional()
      .openapi({
        maxLength: 1,
        description: "MA_LOAI_RV: 1 discharged, 2 referred, 3 absconded, 4 asked to leave, 5 referred on request",
      }),
    treatmentResult: z
      .string()
      .regex(/^[1-9]$/, 'must be one digit like "1"')
      .optional()
      .openapi({ maxLength: 1, description: "KET_QUA_DTRI: the treatment's result code" }),
    admittedAt: Instant,
    dischargedAt: Instant,
    diagnosis: z.object({ primary: Icd10, secondary: z.array(Icd10).max(50).default([]) }).strict(),
    referral: z.boolean().default(false),
    referralFrom: z
      .string()
      .regex(/^[0-9]{5}$/, "must be 5 digits")
      .openapi({ maxLength: 5, description: "the facility that referred the patient (MA_NOI_DI)" })
      .optional(),
    referralPaper: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .optional()
      .openapi({
        description:
          "the referral paper's number (giấy chuyển tuyến, GIAY_CHUYEN_TUYEN): it counts as the referral_paper " +
          "document, whose paper stays with the sending facility; implies referral",
      }),
    procedure: z
      .boolean()
      .default(false)
      .openapi({ description: "a surgery or procedure was billed (needs surgery_certificate)" }),
    died: z.boolean().default(false).openapi({ description: "the patient died (needs death_certificate)" }),
    amounts: z
      .object({
        total: Money,
        insurance: Money,
        patient: Money,
        other: Money.prefault("0"),
        drugs: Money.optional().openapi({ description: "T_THUOC: what the drug lines add up to, checked when sent" }),
        supplies: Money.optional().openapi({
          description: "T_VTYT: what the supply lines add up to, checked when sent",
        }),
      })
      .strict(),
    lines: z
      .array(ClaimLineSchema)
      .max(MAX_LINES)
      .default([])
      .openapi({
        description:
          "the claim's cost lines (XML2 drugs, XML3 services and supplies). Optional: a claim without lines counts " +
          "under the cost group `unspecified`. Lines that do not add up to the totals are flagged lines_mismatch " +
          "(or reject the claim, as rules/costs.json says)",
      }),
    documents: z
      .array(z.object({ type: z.string().min(1).max(64), reference: z.string().trim().min(1).max(200) }).strict())
      .max(50)
      .default([]),
  })
  .strict()
  .openapi("ClaimInput");

export type ClaimInput = z.output<typeof ClaimInputSchema>;

export const BatchEnvelopeSchema = z
  .object({
    batchId: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9._:/-]+$/, "letters, digits and . _ : / - only"),
    facilityCode: z
      .string()
      .regex(/^[0-9]{5}$/, "must be 5 digits")
      .openapi({ maxLength: 5 })
      .optional(),
    claims: z.array(z.unknown()).min(1, "a batch needs at least one claim"),
  })
  .strict();

export const BatchDocSchema = BatchEnvelopeSchema.extend({
  claims: z.array(ClaimInputSchema).min(1).max(5000),
}).openapi("BatchInput");
