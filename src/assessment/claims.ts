import type { SqlSession } from "../db/client.ts";
import type { ClaimLine, StoredLine } from "../costs/lines.ts";
import type { ValidClaim } from "../claims/validate.ts";
import { type EntryOfKind, entryOf, type EntryRow } from "../catalogues/entries.ts";
import { fixed } from "../domain/money.ts";
import { assessClaim } from "./engine.ts";
import type { LineTotals } from "../costs/lines.ts";
import { indexCatalogue, type KnownValues } from "./context.ts";
import { staffCodes } from "./line-rules.ts";
import type { AssessedLine, AssessmentCatalogue, AssessmentInput } from "./model.ts";
import type { AssessmentRules } from "./rules.ts";
import type { StoredFinding } from "./tally.ts";
import type { CatalogueKind } from "./types.ts";
import * as sql from "./sql.ts";

/**
 * Automated assessment of many claims of one facility, for the batch path and re-assessment: one statement reads the
 * catalogue entries every claim's lines name, then the pure engine (engine.ts) assesses each claim with its own.
 */

/**
 * A claim's facts as assessment reads them, whether just sent or stored: everything but the catalogue; with its lines'
 * decimals when the caller parsed them already (the batch path).
 */
export type AssessedClaim = Omit<AssessmentInput, "catalogue" | "facilityCode"> & {
  values?: readonly KnownValues[] | undefined;
  lineTotals?: LineTotals | undefined;
};

/** What assessment gives a claim: its findings as the row keeps them, and the amount proposed for approval. */
export interface ClaimAssessment {
  findings: StoredFinding[];
  /** Claimed insurance less the cuts, 2 decimals. */
  proposed: string;
  cut: string;
}

/** A line of the JSON contract as the engine reads it: the fund's unit price is DON_GIA_BH when sent. */
export const assessedLine = (line: ClaimLine): AssessedLine => ({
  kind: line.kind,
  itemCode: line.itemCode,
  costGroup: line.costGroup,
  quantity: line.quantity,
  unitPrice: line.insuredPrice ?? line.unitPrice,
  amount: line.amount,
  insurance: line.insurance,
  orderedAt: line.orderedAt ?? null,
  executedAt: line.executedAt ?? null,
  orderedBy: line.orderedBy ?? null,
  performedBy: line.performedBy ?? null,
  bidInfo: line.bidInfo ?? null,
  serviceCode: line.serviceCode ?? null,
});

/** A stored line (claim.lines) as the engine reads it, as assessedLine reads the line it was stored from. */
export function storedAssessedLine(stored: StoredLine): AssessedLine {
  const [kind, itemCode, , costGroup, quantity, unitPrice, amount, insurance, orderedAt] = stored;
  const [executedAt, insuredPrice, bidInfo, orderedBy, performedBy, serviceCode] = stored.slice(9) as (
    string | null | undefined
  )[];
  return {
    kind,
    itemCode,
    costGroup,
    quantity,
    unitPrice: insuredPrice ?? unitPrice,
    amount,
    insurance,
    orderedAt,
    executedAt: executedAt ?? null,
    orderedBy: orderedBy ?? null,
    performedBy: performedBy ?? null,
    bidInfo: bidInfo ?? null,
    serviceCode: serviceCode ?? null,
  };
}

/** A claim as the batch path validated it, as assessment reads it. */
export function assessedClaimOf(valid: ValidClaim): AssessedClaim {
  const { input, amounts } = valid;
  return {
    visitType: input.visitType,
    visitCode: input.visitCode ?? null,
    dischargeKind: input.dischargeKind ?? null,
    treatmentResult: input.treatmentResult ?? null,
    admittedAt: valid.admittedAt,
    dischargedAt: valid.dischargedAt,
    totals: {
      total: amounts.total.toString(),
      insurance: amounts.insurance.toString(),
      drugs: amounts.drugs?.toString() ?? null,
      supplies: amounts.supplies?.toString() ?? null,
    },
    lines: input.lines.map(assessedLine),
    values: valid.lineValues,
    lineTotals: valid.lineTotals,
  };
}

const KIND_OF_LINE = { drug: "drugs", supply: "supplies", service: "services" } as const;

/** The catalogue codes the claims name, by kind, each once. */
function codesOf(claims: readonly AssessedClaim[]): Record<CatalogueKind, Set<string>> {
  const codes = {
    drugs: new Set<string>(),
    supplies: new Set<string>(),
    services: new Set<string>(),
    staff: new Set<string>(),
  };
  for (const claim of claims)
    for (const line of claim.lines) {
      codes[KIND_OF_LINE[line.kind]].add(line.itemCode);
      const service = line.serviceCode?.trim();
      if (service) codes.services.add(service);
      for (const code of staffCodes(line.orderedBy)) codes.staff.add(code);
      for (const code of staffCodes(line.performedBy)) codes.staff.add(code);
    }
  return codes;
}

/**
 * The facility's entries for the codes the claims name, indexed once for them all: each claim's lines look up only
 * the codes it names, so the index serves every claim as its own part of the catalogue would. A kind the facility has
 * no catalogue of is left out (not checked).
 */
async function readCatalogue(db: SqlSession, facilityCode: string, claims: readonly AssessedClaim[]) {
  const kinds: string[] = [];
  const codes: string[] = [];
  for (const [kind, named] of Object.entries(codesOf(claims)))
    for (const code of named) {
      kinds.push(kind);
      codes.push(code);
    }
  const rows = await db.query<EntryRow & { kind: CatalogueKind }>(sql.CATALOGUE_FOR_CODES, [
    facilityCode,
    kinds,
    codes,
  ]);
  const catalogue: Partial<Record<CatalogueKind, EntryOfKind[CatalogueKind][]>> = {};
  for (const row of rows) if (row.code === null) catalogue[row.kind] = [];
  for (const row of rows) if (row.code !== null) catalogue[row.kind]?.push(entryOf(row.kind, row, facilityCode));
  return indexCatalogue(catalogue as AssessmentCatalogue, facilityCode);
}

/**
 * Assesses claims of one facility against its catalogues and the rules, in the caller's transaction (its catalogues
 * as that transaction sees them): one statement, then pure work. In the claims' order.
 */
export async function assessClaims(
  db: SqlSession,
  rules: AssessmentRules,
  facilityCode: string,
  claims: readonly AssessedClaim[],
): Promise<ClaimAssessment[]> {
  if (claims.length === 0) return [];
  // Assessment switched off (every rule disabled): nothing to read or check; each claim is proposed whole.
  if (!rules.rules.some((rule) => rule.enabled))
    return claims.map((claim) => ({ findings: [], proposed: fixed(claim.totals.insurance, 2), cut: "0.00" }));
  // Without a line to check, nothing needs a catalogue: the claim-level rules read the claim alone.
  const catalogue = claims.some((claim) => claim.lines.length)
    ? await readCatalogue(db, facilityCode, claims)
    : indexCatalogue({}, facilityCode);
  return claims.map((claim) => {
    const { values, lineTotals: totals, ...facts } = claim;
    const assessment = assessClaim({ ...facts, facilityCode, catalogue: {} }, rules, { catalogue, values, totals });
    return {
      findings: assessment.findings.map((finding) => ({
        code: finding.code,
        action: finding.action,
        line: finding.lineIndex,
        amount: finding.amount,
        vi: finding.message.vi,
        en: finding.message.en,
      })),
      proposed: assessment.proposedApproved,
      cut: assessment.cut,
    };
  });
}
