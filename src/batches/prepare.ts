import type { ClaimError, ValidClaim } from "../claims/validate.ts";
import { validateClaim } from "../claims/validate.ts";
import type { AppDeps } from "../deps.ts";
import { sha256 } from "../domain/canonical.ts";
import { isCitizenIdMismatch } from "../domain/citizen-id.ts";
import { storedLine, type StoredLine } from "../costs/lines.ts";
import { requiredDocuments } from "../domain/documents.ts";
import { isOutOfProvince } from "../domain/flags.ts";
import { accountingProvince } from "../domain/merger.ts";
import { formatMoney } from "../domain/money.ts";
import { vietnamYearMonth } from "../domain/period.ts";
import type { BatchRequest, FacilityInfo } from "./request.ts";

/** A claim ready to store, with everything derived from it that needs no database. */
export interface Prepared {
  valid: ValidClaim;
  claimId: string;
  provinceCode: string;
  year: number;
  month: number;
  contentHash: string;
  required: string[];
  outOfProvince: boolean;
  citizenIdMismatch: boolean;
  /** Its lines as the claim row keeps them; null when it has none. */
  lines: StoredLine[] | null;
}

/** Validated claims ready to store, and what was refused before any database work (with the index it had). */
export interface Sorted {
  prepared: Prepared[];
  errors: ClaimError[];
  rejectedAt: Map<number, string | null>;
}

export function prepare(valid: ValidClaim, facility: FacilityInfo, deps: Pick<AppDeps, "rules">): Prepared {
  const input = valid.input;
  const { year, month } = vietnamYearMonth(valid.dischargedAt);
  // What "the same claim" means: the validated claim with times in UTC and amounts normalised. Its keys come
  // out of the schema in a fixed order, so plain JSON is canonical here.
  // A claim without lines hashes as it did before lines existed, so resending one stays "unchanged".
  const { lines, ...rest } = input;
  const stored = lines.length ? lines.map(storedLine) : null;
  const { drugs, supplies } = input.amounts;
  const content = {
    ...rest,
    admittedAt: valid.admittedAt.toISOString(),
    dischargedAt: valid.dischargedAt.toISOString(),
    amounts: {
      total: formatMoney(input.amounts.total),
      insurance: formatMoney(input.amounts.insurance),
      patient: formatMoney(input.amounts.patient),
      other: formatMoney(input.amounts.other),
      ...(drugs ? { drugs: formatMoney(drugs) } : {}),
      ...(supplies ? { supplies: formatMoney(supplies) } : {}),
    },
    ...(stored ? { lines: stored } : {}),
  };
  return {
    valid,
    claimId: input.claimId,
    provinceCode: accountingProvince(facility, valid.dischargedAt),
    year,
    month,
    contentHash: sha256(JSON.stringify(content)),
    required: requiredDocuments(input, deps.rules.documents),
    outOfProvince: isOutOfProvince(input.patient.cardNumber, facility.provinceCode),
    citizenIdMismatch: isCitizenIdMismatch(input.patient.citizenId, input.patient.birthDate, input.patient.gender),
    lines: stored,
  };
}

/** Validates every claim in memory: refused by the other format's reader, invalid, or repeated in the batch. */
export function sortIncoming(deps: Pick<AppDeps, "rules">, req: BatchRequest, now: Date): Sorted {
  const ctx = { now, documentTypes: deps.rules.documents.documentTypes, costs: deps.rules.costs };
  const sorted: Sorted = { prepared: [], errors: [], rejectedAt: new Map() };
  const seen = new Set<string>();
  const refuse = (index: number, errors: ClaimError[]) => {
    sorted.errors.push(...errors);
    sorted.rejectedAt.set(index, errors[0]?.claimId ?? null);
  };
  req.claims.forEach((raw, index) => {
    const refused = req.rejected?.get(index);
    if (refused) return refuse(index, refused);
    const result = validateClaim(raw, index, ctx);
    if ("errors" in result) return refuse(index, result.errors);
    const claimId = result.claim.input.claimId;
    if (seen.has(claimId))
      return refuse(index, [
        {
          index,
          claimId,
          path: `claims[${index}].claimId`,
          code: "duplicate_in_batch",
          message: "this claimId appears earlier in the same batch",
        },
      ]);
    seen.add(claimId);
    sorted.prepared.push(prepare(result.claim, req.facility, deps));
  });
  return sorted;
}
