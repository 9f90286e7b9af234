import { audit } from "../audit/audit.ts";
import { type Caller, requireRole } from "../auth/caller.ts";
import { prismaSession } from "../db/client.ts";
import type { AppDeps } from "../deps.ts";
import { canMove, type DecidedStatus, isDecided } from "../domain/claim-status.ts";
import { Dec, formatMoney } from "../domain/money.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { conflict, notFound, unprocessable } from "../http/problem.ts";
import { itemsOfStored } from "../costs/items.ts";
import { splitFromJson, splitToJson } from "../costs/split.ts";
import { claimChange, moveMoney } from "../spending/move.ts";
import type { StoredFinding } from "../assessment/tally.ts";
import { claimDetail, claimScope } from "./read.ts";
import * as sql from "./sql.ts";

export interface DecisionInput {
  facilityCode: string;
  claimId: string;
  outcome: DecidedStatus;
  /**
   * approved: what the fund pays (default: the claimed insurance amount; may not exceed it), or "proposed": what
   * assessment proposed (the claimed amount when the claim was stored before assessment existed).
   */
  approvedAmount?: Dec | "proposed" | undefined;
  reason: string;
  requestId: string;
}

type ClaimRow = Prisma.ClaimGetPayload<object>;

/** The amount an approval pays, checked against what was claimed; null for a denial. */
function approvedAmountOf(claim: ClaimRow, input: DecisionInput): Dec | null {
  if (isDecided(claim.status))
    throw conflict("claim_already_decided", `this claim was already ${claim.status}`, { status: claim.status });
  if (!canMove(claim.status, input.outcome))
    throw conflict("documents_missing", `the claim still misses: ${claim.missingDocuments.join(", ")}`, {
      missing: claim.missingDocuments,
    });
  const insurance = new Dec(claim.insuranceAmount.toString());
  const proposed = claim.proposedAmount === null ? insurance : new Dec(claim.proposedAmount.toString());
  const asked = input.approvedAmount === "proposed" ? proposed : input.approvedAmount;
  const approved = input.outcome === "approved" ? (asked ?? insurance) : null;
  if (approved && approved.greaterThan(insurance))
    throw unprocessable("the approved amount exceeds the claimed insurance amount", [
      {
        path: "approvedAmount",
        code: "exceeds_claimed",
        message: `may not exceed ${formatMoney(insurance)}`,
        params: { limit: formatMoney(insurance) },
      },
    ]);
  return approved;
}

/** What the claim counts whatever its status: the decision changes only the status (and the amount approved). */
function countedOf(claim: ClaimRow) {
  return {
    provinceCode: claim.provinceCode,
    year: claim.year,
    month: claim.month,
    facilityCode: claim.facilityCode,
    insurance: claim.insuranceAmount.toString(),
    receivedAt: claim.receivedAt,
    // An approval for less than claimed is split in the shares the claim was counted in.
    weights: splitFromJson(claim.costSplit),
    // A denial takes its lines out of the items; an approval for less leaves them (no line is decided yet).
    items: itemsOfStored(claim.lines),
    // A claim still pending documentation may be denied: it leaves the backlog.
    pending: claim.pendingSince && { since: claim.pendingSince, stuck: claim.stuck, missing: claim.missingDocuments },
    // Its proposed cuts stop being open once decided.
    findings: claim.findings as unknown as StoredFinding[],
  };
}

/**
 * The agency's decision on one claim (central, or the claim's province), once
 * only: the claim, its spending (through the one path that moves money), its
 * history and the audit log change in one transaction. Returns the claim as
 * it now stands.
 */
export async function decideClaim(deps: Pick<AppDeps, "db" | "clock" | "rules">, caller: Caller, input: DecisionInput) {
  requireRole(caller, "central", "province");
  const { facilityCode, claimId, outcome, reason } = input;
  const at = deps.clock.now();
  return deps.db.prisma.$transaction(async (tx) => {
    const session = prismaSession(tx);
    // Locked before the caller's scope is checked: a merger recorded meanwhile may move the claim to another province.
    await session.query(sql.LOCK_CLAIM, [facilityCode, claimId]);
    const claim = await tx.claim.findFirst({ where: { AND: [claimScope(caller), { facilityCode, claimId }] } });
    if (!claim) throw notFound("claim");
    const approved = approvedAmountOf(claim, input);
    const counted = countedOf(claim);
    const change = claimChange({ ...counted, status: claim.status }, { ...counted, status: outcome, approved });
    const updated = await tx.claim.update({
      where: { id_year: { id: claim.id, year: claim.year } },
      data: {
        status: outcome,
        approvedAmount: approved?.toString() ?? null,
        decidedAt: at,
        updatedAt: at,
        pendingSince: null,
        stuck: false,
        stuckAt: null,
        costSplit: splitToJson(change.after!.groups),
      },
      omit: { lines: true },
    });
    await moveMoney(session, deps, [change], at);
    const decision = { outcome, approvedAmount: approved && formatMoney(approved), reason, decidedBy: caller.keyId };
    await tx.claimHistory.create({
      data: {
        claimRef: claim.id,
        claimYear: claim.year,
        kind: "decision",
        version: updated.version,
        at,
        data: decision,
      },
    });
    await audit(
      tx,
      { caller, requestId: input.requestId, at },
      {
        action: `claim.${outcome === "approved" ? "approve" : "deny"}`,
        entity: "claim",
        entityId: `${facilityCode}/${claimId}`,
        before: { status: claim.status },
        after: decision,
      },
    );
    return (await claimDetail(tx, { id: claim.id }))!;
  });
}
