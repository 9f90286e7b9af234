import type { Rules } from "../rules/schema.ts";

/** The document type of a referral paper (giấy chuyển tuyến), which a referral's paper number stands for. */
export const REFERRAL_PAPER = "referral_paper";

/** The facts of a claim that decide which documents it needs. */
export interface DocumentFacts {
  visitType: string;
  referral: boolean;
  procedure: boolean;
  died: boolean;
  /** MA_LOAI_RV, when sent. */
  dischargeKind?: string | null | undefined;
}

/** Document types the rules require for a claim, in rule order, without repeats. */
export function requiredDocuments(claim: DocumentFacts, rules: Rules["documents"]): string[] {
  const needed = new Set<string>();
  for (const { when, documents } of rules.requirements) {
    if (when.visitTypes && !when.visitTypes.includes(claim.visitType as never)) continue;
    if (when.referral && !claim.referral) continue;
    if (when.procedure && !claim.procedure) continue;
    if (when.died && !claim.died) continue;
    if (when.exceptDischargeKinds && claim.dischargeKind && when.exceptDischargeKinds.includes(claim.dischargeKind))
      continue;
    for (const doc of documents) needed.add(doc);
  }
  return [...needed];
}

/** Required documents not among those received. */
export function missingDocuments(required: string[], received: Iterable<string>): string[] {
  const have = new Set(received);
  return required.filter((d) => !have.has(d));
}
