import { checkLines, type LineTotals, type LineValues } from "../costs/lines.ts";
import type { CostRules } from "../costs/rules.ts";
import type { ItemSums } from "../costs/items.ts";
import type { CostSplit } from "../costs/split.ts";
import { REFERRAL_PAPER } from "../domain/documents.ts";
import { FIRST_CLAIM_YEAR, vietnamYearMonth } from "../domain/period.ts";
import { type FieldError, fieldErrors } from "../domain/field-errors.ts";
import { z } from "@hono/zod-openapi";
import { quickLines } from "../costs/line-input.ts";
import { MAX_LINES } from "../costs/lines.ts";
import { type ClaimInput, ClaimInputSchema } from "./schema.ts";

const EARLIEST_ADMISSION = new Date("1900-01-01T00:00:00+07:00");

/** A claim that passed every check, with its times parsed. */
export interface ValidClaim {
  index: number;
  input: ClaimInput;
  admittedAt: Date;
  dischargedAt: Date;
  amounts: ClaimInput["amounts"];
  /**
   * Findings that flag the claim without rejecting it (lines that do not add up, under rules/costs.json "flag"),
   * their paths relative to the claim.
   */
  warnings: FieldError[];
  /** Its lines' insurance by cost group: the shares its counted amount is split by (none without lines). */
  weights: CostSplit;
  /** Its lines by item. */
  items: ItemSums;
  /** Each line's decimals, parsed once (what automated assessment reads besides), in the order of input.lines. */
  lineValues: readonly LineValues[];
  /** What its lines add up to (automated assessment checks them against XML1's totals too). */
  lineTotals: LineTotals;
}

export interface ClaimError extends FieldError {
  index: number;
  claimId?: string;
}

export interface ValidationContext {
  now: Date;
  documentTypes: readonly string[];
  costs: CostRules;
}

/**
 * A referred patient's paper travels from the sending facility (its XML13); the receiving one holds its number.
 * That number is the referral paper for this claim: it does not wait for a paper its facility cannot send.
 */
function withReferralPaper(claim: ClaimInput): ClaimInput {
  if (claim.referralPaper === undefined) return claim;
  const sent = claim.documents.some((doc) => doc.type === REFERRAL_PAPER);
  const documents = sent
    ? claim.documents
    : [...claim.documents, { type: REFERRAL_PAPER, reference: claim.referralPaper }];
  return { ...claim, referral: true, documents };
}

/** The claim's fields but its lines by the schema; the lines, tens to thousands of them, by quickLines. */
const ClaimHeadSchema = ClaimInputSchema.extend({ lines: z.array(z.unknown()).max(MAX_LINES).default([]) });

/**
 * The claim as ClaimInputSchema reads it. Its lines are read by hand when they plainly fit (quickLines); a claim with
 * anything the schema might refuse goes through the schema whole, so its issues are the schema's, in its order.
 */
function parseClaim(raw: unknown): ReturnType<typeof ClaimInputSchema.safeParse> {
  const head = ClaimHeadSchema.safeParse(raw);
  const lines = head.success ? quickLines(head.data.lines) : null;
  if (!head.success || lines === null) return ClaimInputSchema.safeParse(raw);
  // Replaced in place: the claim's fields keep the schema's order (its content hash reads them in it).
  head.data.lines = lines;
  return head as ReturnType<typeof ClaimInputSchema.safeParse>;
}

/**
 * Checks one claim: its shape, then the domain rules of docs/domain.md
 * (dates in order, no future discharge, amounts that add up exactly, at least
 * one patient identifier, known document types). Pure: no database.
 */
export function validateClaim(
  raw: unknown,
  index: number,
  ctx: ValidationContext,
): { claim: ValidClaim } | { errors: ClaimError[] } {
  const prefix = `claims[${index}]`;
  const claimId =
    typeof (raw as { claimId?: unknown })?.claimId === "string" ? (raw as { claimId: string }).claimId : undefined;
  const at = (e: FieldError): ClaimError => ({ index, ...(claimId !== undefined ? { claimId } : {}), ...e });

  const parsed = parseClaim(raw);
  if (!parsed.success) return { errors: fieldErrors(parsed.error, prefix).map(at) };
  const claim = withReferralPaper(parsed.data);
  const errors: FieldError[] = [];
  const add = (path: string, code: string, message: string) =>
    errors.push({ path: `${prefix}.${path}`, code, message });

  if (!claim.patient.cardNumber && !claim.patient.citizenId)
    add("patient.cardNumber", "patient_identifier_required", "at least one of cardNumber and citizenId is required");
  const admittedAt = new Date(claim.admittedAt);
  const dischargedAt = new Date(claim.dischargedAt);
  // A stay in the 20th century or later; earlier is a typo (and year 0 is not a date PostgreSQL stores).
  if (admittedAt < EARLIEST_ADMISSION) add("admittedAt", "out_of_range", "admittedAt is before 1900");
  if (dischargedAt < admittedAt) add("dischargedAt", "dates_out_of_order", "dischargedAt is before admittedAt");
  if (dischargedAt > ctx.now) add("dischargedAt", "discharge_in_future", "dischargedAt is in the future");
  // Claims are kept in one partition a year from FIRST_CLAIM_YEAR on (docs/scaling.md, step 1).
  else if (vietnamYearMonth(dischargedAt).year < FIRST_CLAIM_YEAR)
    add(
      "dischargedAt",
      "out_of_range",
      `dischargedAt is before ${FIRST_CLAIM_YEAR}, the first year this service keeps`,
    );
  if (claim.patient.birthDate && new Date(`${claim.patient.birthDate}T00:00:00+07:00`) > dischargedAt)
    add("patient.birthDate", "birth_after_discharge", "birthDate is after dischargedAt");
  const { total, insurance, patient, other } = claim.amounts;
  if (!insurance.plus(patient).plus(other).equals(total))
    add("amounts.total", "amounts_do_not_add_up", "total must equal insurance + patient + other exactly");
  claim.documents.forEach((doc, docIndex) => {
    if (!ctx.documentTypes.includes(doc.type))
      add(
        `documents[${docIndex}].type`,
        "unknown_document_type",
        `unknown document type; allowed: ${ctx.documentTypes.join(", ")}`,
      );
  });

  const lines = checkLines(claim.lines, claim.amounts, ctx.costs);
  for (const error of lines.errors) add(error.path, error.code, error.message);

  if (errors.length) return { errors: errors.map(at) };
  const { warnings, weights, items, values, totals } = lines;
  return {
    claim: {
      index,
      input: claim,
      admittedAt,
      dischargedAt,
      amounts: claim.amounts,
      warnings,
      weights,
      items,
      lineValues: values,
      lineTotals: totals,
    },
  };
}
