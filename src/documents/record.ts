import { audit } from "../audit/audit.ts";
import { type Caller, requireRole } from "../auth/caller.ts";
import { claimDetail, claimScope } from "../claims/read.ts";
import { prismaSession, type SqlSession } from "../db/client.ts";
import type { AppDeps } from "../deps.ts";
import { type ClaimStatus, statusForMissing } from "../domain/claim-status.ts";
import { missingDocuments, requiredDocuments } from "../domain/documents.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { notFound, type ProblemFieldError, unprocessable } from "../http/problem.ts";
import { splitFromJson } from "../costs/split.ts";
import { claimChange, moveMoney } from "../spending/move.ts";
import * as sql from "./sql.ts";

export interface SentDocument {
  type: string;
  reference: string;
  /** RFC 3339; default: now. */
  receivedAt?: string | undefined;
}

export interface DocumentsInput {
  facilityCode: string;
  claimId: string;
  documents: SentDocument[];
  requestId: string;
}

interface Received {
  type: string;
  reference: string;
  receivedAt: Date;
}

interface LockedClaim {
  id: bigint;
  receivedAt: Date;
  facilityCode: string;
  claimId: string;
  provinceCode: string;
  year: number;
  month: number;
  visitType: string;
  referral: boolean;
  procedure: boolean;
  died: boolean;
  dischargeKind: string | null;
  status: ClaimStatus;
  insurance: string;
  approved: string | null;
  /** What it counts by cost group; accepting it moves only the pending part, the split stays. */
  costSplit: Record<string, string>;
  missingDocuments: string[];
  stuck: boolean;
  pendingSince: Date | null;
}

type Documentation = Pick<LockedClaim, "status" | "missingDocuments" | "stuck">;

/** Known types, nothing from the future; the same document twice in one request is recorded once (the first wins). */
function documentsToRecord(types: readonly string[], documents: SentDocument[], at: Date): Received[] {
  const errors: ProblemFieldError[] = [];
  const received = documents.map((doc, index) => {
    if (!types.includes(doc.type))
      errors.push({
        path: `documents[${index}].type`,
        code: "unknown_document_type",
        message: `unknown document type; allowed: ${types.join(", ")}`,
        params: { allowed: types },
      });
    const when = doc.receivedAt === undefined ? at : new Date(doc.receivedAt);
    if (when > at)
      errors.push({
        path: `documents[${index}].receivedAt`,
        code: "received_in_future",
        message: "receivedAt is in the future",
      });
    return { type: doc.type, reference: doc.reference, receivedAt: when };
  });
  if (errors.length)
    throw unprocessable(`invalid body: ${errors[0]!.path}: ${errors[0]!.message}`, errors, { where: "body" });
  const firsts = new Map<string, Received>();
  for (const doc of received) {
    const docKey = `${doc.type}\u0000${doc.reference}`;
    if (!firsts.has(docKey)) firsts.set(docKey, doc);
  }
  return [...firsts.values()];
}

/** The caller's claim, locked until commit; 404 when it is not there or not theirs. */
async function lockClaim(tx: Prisma.TransactionClient, session: SqlSession, caller: Caller, input: DocumentsInput) {
  const { facilityCode, claimId } = input;
  const found = await tx.claim.findFirst({
    where: { AND: [claimScope(caller), { facilityCode, claimId }] },
    select: { id: true },
  });
  if (!found) throw notFound("claim");
  const [claim] = await session.query<LockedClaim>(sql.LOCK_CLAIM, [found.id]);
  if (!claim) throw notFound("claim");
  return claim;
}

/** What the claim's documentation is once every document recorded is counted (only a pending claim changes). */
function documentationAfter(deps: Pick<AppDeps, "rules">, claim: LockedClaim, have: string[]): Documentation {
  const before = { status: claim.status, missingDocuments: claim.missingDocuments, stuck: claim.stuck };
  if (claim.status !== "pending_documentation") return before;
  const missing = missingDocuments(requiredDocuments(claim, deps.rules.documents), have);
  const status = statusForMissing(missing);
  return status === "accepted"
    ? { status, missingDocuments: [], stuck: false }
    : { ...before, missingDocuments: missing };
}

/**
 * A pending claim whose documentation changed: once accepted it leaves the pending part of its province's spending
 * and the backlog; still pending, it moves in the backlog to what it now misses.
 */
async function moveDocumentation(
  deps: Pick<AppDeps, "rules">,
  session: SqlSession,
  claim: LockedClaim,
  after: Documentation,
  at: Date,
) {
  const counted = {
    provinceCode: claim.provinceCode,
    year: Number(claim.year),
    month: Number(claim.month),
    facilityCode: claim.facilityCode,
    insurance: claim.insurance,
    approved: claim.approved,
    receivedAt: new Date(claim.receivedAt),
    weights: splitFromJson(claim.costSplit),
  };
  const since = new Date(claim.pendingSince!);
  const change = claimChange(
    { ...counted, status: claim.status, pending: { since, stuck: claim.stuck, missing: claim.missingDocuments } },
    { ...counted, status: after.status, pending: { since, stuck: after.stuck, missing: after.missingDocuments } },
  );
  await moveMoney(session, deps, [change], at);
}

/**
 * Documents sent after the claim: recorded, and a claim pending documentation
 * that now has everything becomes accepted, stops being stuck, and leaves the
 * pending part of its province's spending, all in one transaction. Returns
 * the claim as it now stands.
 */
export async function recordDocuments(
  deps: Pick<AppDeps, "db" | "clock" | "rules">,
  caller: Caller,
  input: DocumentsInput,
) {
  requireRole(caller, "facility", "central");
  const at = deps.clock.now();
  const toRecord = documentsToRecord(deps.rules.documents.documentTypes, input.documents, at);
  return deps.db.prisma.$transaction(async (tx) => {
    const session = prismaSession(tx);
    const claim = await lockClaim(tx, session, caller, input);
    const inserted = await session.query<{ type: string; reference: string }>(sql.INSERT_DOCUMENTS, [
      claim.id,
      toRecord.map((doc) => doc.type),
      toRecord.map((doc) => doc.reference),
      toRecord.map((doc) => doc.receivedAt),
      claim.year,
    ]);
    // Recomputed from the rules in force over every document recorded, whether or not this request added one.
    const have = (await session.query<{ type: string }>(sql.DOCUMENT_TYPES, [claim.id, claim.year])).map(
      (row) => row.type,
    );
    const before: Documentation = {
      status: claim.status,
      missingDocuments: claim.missingDocuments,
      stuck: claim.stuck,
    };
    const after = documentationAfter(deps, claim, have);
    const accepted = after.status === "accepted" && before.status === "pending_documentation";
    const missingChanged = after.missingDocuments.join(",") !== before.missingDocuments.join(",");
    if (inserted.length === 0 && !missingChanged) return (await claimDetail(tx, { id: claim.id }))!;

    await tx.claim.update({
      where: { id_year: { id: claim.id, year: claim.year } },
      data: {
        updatedAt: at,
        ...(missingChanged ? { missingDocuments: after.missingDocuments } : {}),
        ...(accepted ? { status: "accepted", pendingSince: null, stuck: false, stuckAt: null } : {}),
      },
    });
    if (before.status === "pending_documentation" && (accepted || missingChanged))
      await moveDocumentation(deps, session, claim, after, at);
    await audit(
      tx,
      { caller, requestId: input.requestId, at },
      {
        action: "claim.documents",
        entity: "claim",
        entityId: `${input.facilityCode}/${input.claimId}`,
        before,
        after: { ...after, documentsAdded: inserted },
      },
    );
    return (await claimDetail(tx, { id: claim.id }))!;
  });
}
