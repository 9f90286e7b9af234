import type { SqlSession } from "../db/client.ts";
import type { ClaimLine, StoredLine } from "../costs/lines.ts";
import type { ValidClaim } from "../claims/validate.ts";
import { type EntryOfKind, entryOf, type EntryRow } from "../catalogues/entries.ts";
import { fixed } from "../domain/money.ts";
import { assessClaim } from "./engine.ts";
import { staffCodes } from "./line-rules.ts";
import type { AssessedLine, AssessmentCatalogue, AssessmentInput } from "./model.ts";
import type { AssessmentRules } from "./rules.ts";
import type { StoredFinding } from "./tally.ts";
import { CATALOGUE_KINDS, type CatalogueKind } from "./types.ts";
import * as sql from "./sql.ts";

/**
 * Automated assessment of many claims of one facility, for the batch path and re-assessment: one statement reads the
 * catalogue entries every claim's lines name, then the pure engine (engine.ts) assesses each claim with its own.
 */

/** A claim's facts as assessment reads them, whether just sent or stored: everything but the catalogue. */
export type AssessedClaim = Omit<AssessmentInput, "catalogue" | "facilityCode">;

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
  };
}

const KIND_OF_LINE = { drug: "drugs", supply: "supplies", service: "services" } as const;

/** The catalogue codes one claim names, by kind. */
function codesOf(claim: AssessedClaim): Record<CatalogueKind, Set<string>> {
  const codes = {
    drugs: new Set<string>(),
    supplies: new Set<string>(),
    services: new Set<string>(),
    staff: new Set<string>(),
  };
  for (const line of claim.lines) {
    codes[KIND_OF_LINE[line.kind]].add(line.itemCode);
    const service = line.serviceCode?.trim();
    if (service) codes.services.add(service);
    for (const code of staffCodes(line.orderedBy)) codes.staff.add(code);
    for (const code of staffCodes(line.performedBy)) codes.staff.add(code);
  }
  return codes;
}

/** The facility's entries for the codes, by kind then code, and which kinds it has a catalogue of. */
async function readCatalogue(db: SqlSession, facilityCode: string, wanted: Record<CatalogueKind, Set<string>>[]) {
  const kinds: string[] = [];
  const codes: string[] = [];
  for (const claim of wanted)
    for (const kind of CATALOGUE_KINDS)
      for (const code of claim[kind]) {
        kinds.push(kind);
        codes.push(code);
      }
  const rows = await db.query<EntryRow & { kind: CatalogueKind }>(sql.CATALOGUE_FOR_CODES, [
    facilityCode,
    kinds,
    codes,
  ]);
  const present = new Set<CatalogueKind>();
  const byCode = new Map<string, EntryOfKind[CatalogueKind][]>();
  for (const row of rows) {
    if (row.code === null) {
      present.add(row.kind);
      continue;
    }
    const key = `${row.kind}\u0000${row.code}`;
    const entry = entryOf(row.kind, row, facilityCode);
    const list = byCode.get(key);
    if (list) list.push(entry);
    else byCode.set(key, [entry]);
  }
  return { present, byCode };
}

/** One claim's part of the catalogue: the entries of its codes, for each kind the facility has a catalogue of. */
function catalogueOf(codes: Record<CatalogueKind, Set<string>>, read: Awaited<ReturnType<typeof readCatalogue>>) {
  const catalogue: Record<string, unknown[]> = {};
  for (const kind of CATALOGUE_KINDS) {
    if (!read.present.has(kind)) continue;
    catalogue[kind] = [...codes[kind]].flatMap((code) => read.byCode.get(`${kind}\u0000${code}`) ?? []);
  }
  return catalogue as AssessmentCatalogue;
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
  const wanted = claims.map(codesOf);
  // Without a line to check, nothing needs a catalogue: the claim-level rules read the claim alone.
  const read = claims.some((claim) => claim.lines.length)
    ? await readCatalogue(db, facilityCode, wanted)
    : { present: new Set<CatalogueKind>(), byCode: new Map() };
  return claims.map((claim, index) => {
    const assessment = assessClaim({ ...claim, facilityCode, catalogue: catalogueOf(wanted[index]!, read) }, rules);
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
