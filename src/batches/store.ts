import type { ClaimError } from "../claims/validate.ts";
import type { SqlSession } from "../db/client.ts";
import type { AppDeps } from "../deps.ts";
import { type ClaimStatus, isDecided, statusForMissing } from "../domain/claim-status.ts";
import { missingDocuments } from "../domain/documents.ts";
import { formatMoney } from "../domain/money.ts";
import { type ClaimFlag, isLate, overlappingWithinBatch } from "../domain/flags.ts";
import { sameAttribution } from "../domain/merger.ts";
import { itemsOfStored } from "../costs/items.ts";
import { type CostSplit, splitFromJson, splitToJson } from "../costs/split.ts";
import { contributionOf } from "../spending/contribution.ts";
import { assessClaims, assessedClaimOf, type ClaimAssessment } from "../assessment/claims.ts";
import type { StoredFinding } from "../assessment/tally.ts";
import { type MoneyChange, moveMoney } from "../spending/move.ts";
import { type Prepared, prepare, type Sorted } from "./prepare.ts";
import type { BatchRequest, FacilityInfo } from "./request.ts";
import type { BatchClaimResult, BatchResponse, Outcome } from "./schema.ts";
import * as sql from "./sql.ts";

/** Another request stored this batchId first: the caller answers as it did. */
export class BatchAlreadyStored extends Error {}

/** A stored claim the batch names, locked until commit. */
interface Stored {
  /** int8, read as text. */
  id: string;
  claim_id: string;
  content_hash: string;
  status: ClaimStatus;
  province_code: string;
  year: number;
  month: number;
  insurance: string;
  approved: string | null;
  version: number;
  received_at: Date;
  document_types: string[];
  missing_documents: string[] | null;
  /** What it counts by cost group. */
  cost_split: Record<string, string>;
  /** Its lines as the row keeps them (null: none). */
  lines: unknown;
  flags: ClaimFlag[] | null;
  /** What assessment found in it. */
  findings: StoredFinding[];
  visit_type: string;
  discharged_at: Date;
  pending_since: Date | null;
  stuck: boolean;
}

/** One run of the batch transaction: what every step reads, and the response it builds. */
interface StoreRun {
  tx: SqlSession;
  deps: AppDeps;
  req: BatchRequest;
  at: Date;
  /** The facility as read under its lock. */
  facility: FacilityInfo;
  /** The batch row's id, taken before its claims are written. */
  batchRef: string;
  errors: ClaimError[];
  rejectedAt: Map<number, string | null>;
  results: BatchClaimResult[];
  warnings: ClaimError[];
}

/** A claim that will be written: new, or correcting a stored one. */
interface Incoming {
  claim: Prepared;
  outcome: Outcome;
  stored?: Stored | undefined;
}

/** An incoming claim with what the batch decided of it. */
interface Settled extends Incoming {
  assessment: ClaimAssessment;
  status: ClaimStatus;
  missing: string[];
  flags: ClaimFlag[];
  /** What it counts, by cost group (set with its money change, stored as cost_split). */
  split?: CostSplit;
}

function resultOf(
  index: number,
  claimId: string,
  status: ClaimStatus,
  outcome: Outcome,
  missing: string[],
  flags: ClaimFlag[],
  assessment?: ClaimAssessment,
): BatchClaimResult {
  return {
    index,
    claimId,
    status,
    outcome,
    ...(missing.length ? { missingDocuments: missing } : {}),
    ...(flags.length ? { flags } : {}),
    ...(assessment?.findings.length
      ? {
          assessment: {
            findings: assessment.findings.length,
            cut: formatMoney(assessment.cut),
            proposedAmount: formatMoney(assessment.proposed),
          },
        }
      : {}),
  };
}

/**
 * Bounds the transaction, takes the facility's batch lock and reads the batch and the facility under it. One batch
 * of a facility at a time: two batches naming the same new claimId would otherwise both count it as created. Other
 * facilities run in parallel. A concurrent request with the same batchId waited for the lock: it now sees ours.
 */
async function lockBatch(tx: SqlSession, req: BatchRequest): Promise<{ batchRef: string; facility: FacilityInfo }> {
  await tx.exec(sql.BOUND_BATCH);
  await tx.query(sql.LOCK_FACILITY, [req.facility.code]);
  const [batch] = await tx.query<{
    stored: boolean;
    id: string;
    province_code: string | null;
    successor_code: string | null;
    merged_at: Date | string | null;
  }>(sql.BATCH_STORED, [req.facility.code, req.batchId]);
  if (batch!.stored) throw new BatchAlreadyStored();
  const facility: FacilityInfo = {
    code: req.facility.code,
    provinceCode: batch!.province_code ?? req.facility.provinceCode,
    province: {
      successorCode: batch!.successor_code,
      mergedAt: batch!.merged_at === null ? null : new Date(batch!.merged_at),
    },
  };
  return { batchRef: batch!.id, facility };
}

/**
 * The claims were prepared before the lock; if the facility's province or its merger changed meanwhile (and the
 * change moved the facility's stored claims while this batch waited), they are placed by the record now.
 */
function placed(run: StoreRun, prepared: Prepared[]): Prepared[] {
  if (sameAttribution(run.facility, run.req.facility)) return prepared;
  return prepared.map((claim) => prepare(claim.valid, run.facility, run.deps));
}

/** The stored claims this batch names, locked in id order. */
async function lockStored(run: StoreRun, prepared: Prepared[]): Promise<Map<string, Stored>> {
  const stored = new Map<string, Stored>();
  if (prepared.length === 0) return stored;
  const claimIds = prepared.map((claim) => claim.claimId);
  const rows = await run.tx.query<Stored>(sql.LOCK_EXISTING_CLAIMS, [run.facility.code, claimIds]);
  for (const row of rows) stored.set(row.claim_id, row);
  return stored;
}

/** The claim's warnings, for the response, named like its errors. */
function warn(run: StoreRun, claim: Prepared): void {
  for (const warning of claim.valid.warnings)
    run.warnings.push({
      index: claim.valid.index,
      claimId: claim.claimId,
      ...warning,
      path: `claims[${claim.valid.index}].${warning.path}`,
    });
}

/** A decided claim can no longer be corrected; the same content again is unchanged; anything else is written. */
function toWrite(run: StoreRun, prepared: Prepared[], stored: Map<string, Stored>): Incoming[] {
  const incoming: Incoming[] = [];
  for (const claim of prepared) {
    const { index } = claim.valid;
    const before = stored.get(claim.claimId);
    if (before && isDecided(before.status)) {
      run.errors.push({
        index,
        claimId: claim.claimId,
        path: `claims[${index}].claimId`,
        code: "claim_already_decided",
        message: `this claim was already ${before.status}; it can no longer be corrected`,
      });
      run.rejectedAt.set(index, claim.claimId);
    } else if (before && before.content_hash === claim.contentHash) {
      warn(run, claim);
      const missing = before.missing_documents ?? [];
      run.results.push(resultOf(index, claim.claimId, before.status, "unchanged", missing, before.flags ?? []));
    } else {
      incoming.push({ claim, outcome: before ? "corrected" : "created", stored: before });
    }
  }
  return incoming;
}

/** Possible duplicates: overlapping stays of one patient, within this batch or against stored claims. */
async function findDuplicates(run: StoreRun, incoming: Incoming[]): Promise<Set<number>> {
  const stays = incoming.map(({ claim: { valid } }) => ({
    index: valid.index,
    cardNumber: valid.input.patient.cardNumber,
    citizenId: valid.input.patient.citizenId,
    admittedAt: valid.admittedAt,
    dischargedAt: valid.dischargedAt,
  }));
  const duplicates = overlappingWithinBatch(stays);
  if (incoming.length === 0) return duplicates;
  const rows = await run.tx.query<{ idx: number }>(sql.FIND_OVERLAPS, [
    run.facility.code,
    stays.map((stay) => stay.index),
    stays.map((stay) => stay.cardNumber ?? null),
    stays.map((stay) => stay.citizenId ?? null),
    stays.map((stay) => stay.admittedAt.toISOString()),
    stays.map((stay) => stay.dischargedAt.toISOString()),
    incoming.map(({ claim }) => claim.claimId),
  ]);
  for (const row of rows) duplicates.add(Number(row.idx));
  return duplicates;
}

/**
 * Automated assessment of each claim written, against the facility's catalogues as this transaction sees them: one
 * statement for the batch (none when no claim has lines to check), then pure work.
 */
async function assess(run: StoreRun, incoming: Incoming[]): Promise<ClaimAssessment[]> {
  const claims = incoming.map(({ claim }) => assessedClaimOf(claim.valid));
  return assessClaims(run.tx, run.deps.rules.assessment, run.facility.code, claims);
}

/** Status, missing documents and flags of each claim written; the first receipt stays with a correction. */
function settle(
  run: StoreRun,
  incoming: Incoming[],
  duplicates: Set<number>,
  assessments: ClaimAssessment[],
): Settled[] {
  const deadlineHours = run.deps.rules.timing.submissionDeadlineHours;
  return incoming.map((item, position) => {
    const assessment = assessments[position]!;
    const { claim, stored } = item;
    const receivedAt = stored ? new Date(stored.received_at) : run.at;
    const have = [...(stored?.document_types ?? []), ...claim.valid.input.documents.map((doc) => doc.type)];
    const missing = missingDocuments(claim.required, have);
    const flags: ClaimFlag[] = [];
    if (isLate(claim.valid.dischargedAt, receivedAt, deadlineHours)) flags.push("late_submission");
    if (duplicates.has(claim.valid.index)) flags.push("possible_duplicate");
    if (claim.outOfProvince) flags.push("out_of_province");
    if (claim.citizenIdMismatch) flags.push("citizen_id_mismatch");
    if (claim.valid.warnings.some((warning) => warning.code === "lines_mismatch")) flags.push("lines_mismatch");
    const status = statusForMissing(missing);
    warn(run, claim);
    run.results.push(resultOf(claim.valid.index, claim.claimId, status, item.outcome, missing, flags, assessment));
    return { ...item, status, missing, flags, assessment };
  });
}

/** What each written claim counted before (a correction) and counts now, with the split it is stored with. */
function moneyChanges(run: StoreRun, settled: Settled[]): MoneyChange[] {
  return settled.map((item) => {
    const { claim, stored, status, flags } = item;
    const receivedAt = stored ? new Date(stored.received_at) : run.at;
    const counted = { facilityCode: run.facility.code, receivedAt };
    const before = stored && {
      ...counted,
      provinceCode: stored.province_code,
      year: stored.year,
      month: stored.month,
      status: stored.status,
      insurance: stored.insurance,
      approved: stored.approved,
      weights: splitFromJson(stored.cost_split),
      items: itemsOfStored(stored.lines),
      reported: {
        visitType: stored.visit_type,
        claimed: stored.insurance,
        flags: stored.flags ?? [],
        dischargedAt: new Date(stored.discharged_at),
      },
      pending: stored.pending_since && {
        since: new Date(stored.pending_since),
        stuck: stored.stuck,
        missing: stored.missing_documents ?? [],
      },
      findings: stored.findings,
    };
    const after = contributionOf({
      ...counted,
      provinceCode: claim.provinceCode,
      year: claim.year,
      month: claim.month,
      status,
      insurance: claim.valid.amounts.insurance,
      weights: claim.valid.weights,
      items: claim.valid.items,
      reported: {
        visitType: claim.valid.input.visitType,
        claimed: claim.valid.amounts.insurance,
        flags,
        dischargedAt: claim.valid.dischargedAt,
      },
      // As UPSERT_CLAIMS keeps them: pending since the first time, stuck while it stays pending.
      pending: {
        since: stored?.pending_since ? new Date(stored.pending_since) : run.at,
        stuck: !!stored?.stuck,
        missing: item.missing,
      },
      findings: item.assessment.findings,
    });
    item.split = after.groups;
    return { before: before ? contributionOf(before) : null, after };
  });
}

/**
 * What automated assessment proposed, and the facts it read that the claim's other columns do not keep (its findings
 * go apart with its lines: writeClaims).
 */
function assessedColumns({ claim, assessment }: Settled) {
  const { input, amounts } = claim.valid;
  return {
    visit_code: input.visitCode ?? null,
    discharge_kind: input.dischargeKind ?? null,
    treatment_result: input.treatmentResult ?? null,
    proposed_amount: assessment.proposed,
    drugs_amount: amounts.drugs?.toString() ?? null,
    supplies_amount: amounts.supplies?.toString() ?? null,
  };
}

/**
 * One claim as UPSERT_CLAIMS reads it from JSON, at its place (from 1) among the rows; amounts as decimal strings,
 * which PostgreSQL reads exactly. Its lines and findings go apart (writeClaims).
 */
function claimRow(item: Settled, index: number) {
  const { claim, status, missing, flags, split } = item;
  const { input, amounts } = claim.valid;
  return {
    place: index + 1,
    claim_id: claim.claimId,
    province_code: claim.provinceCode,
    year: claim.year,
    month: claim.month,
    visit_type: input.visitType,
    ...assessedColumns(item),
    admitted_at: claim.valid.admittedAt,
    discharged_at: claim.valid.dischargedAt,
    card_number: input.patient.cardNumber ?? null,
    citizen_id: input.patient.citizenId ?? null,
    patient_name: input.patient.name ?? null,
    birth_date: input.patient.birthDate ?? null,
    gender: input.patient.gender ?? null,
    diagnosis_primary: input.diagnosis.primary,
    diagnosis_secondary: input.diagnosis.secondary,
    referral: input.referral,
    referral_from: input.referralFrom ?? null,
    referral_paper: input.referralPaper ?? null,
    procedure: input.procedure,
    died: input.died,
    total: amounts.total.toString(),
    insurance: amounts.insurance.toString(),
    patient: amounts.patient.toString(),
    other: amounts.other.toString(),
    status,
    missing,
    flags,
    warnings: claim.valid.warnings,
    cost_split: splitToJson(split!),
    content_hash: claim.contentHash,
    // A correction names the stored claim it updates (in whichever year's partition it is).
    stored_id: item.stored?.id ?? null,
    stored_year: item.stored?.year ?? null,
  };
}

/**
 * The history of corrected claims, the claims (with their lines), then their documents: three statements at most.
 */
async function writeClaims(run: StoreRun, settled: Settled[]): Promise<void> {
  if (settled.length === 0) return;
  const { tx, at } = run;
  const corrected = settled.filter((item) => item.stored);
  if (corrected.length)
    await tx.query(sql.INSERT_HISTORY, [at, run.req.batchId, corrected.map((item) => item.stored!.id)]);
  const ids = await tx.query<{ id: string; claim_id: string; year: number }>(sql.UPSERT_CLAIMS, [
    run.facility.code,
    at,
    run.batchRef,
    JSON.stringify(settled.map(claimRow)),
    JSON.stringify(settled.map((item) => item.claim.lines)),
    JSON.stringify(settled.map((item) => item.assessment.findings)),
  ]);
  const rowOf = new Map(ids.map((row) => [row.claim_id, row]));
  const docs = settled.flatMap(({ claim }) =>
    claim.valid.input.documents.map((doc) => ({ row: rowOf.get(claim.claimId)!, ...doc })),
  );
  if (docs.length)
    await tx.query(sql.INSERT_DOCUMENTS, [
      at,
      docs.map((doc) => doc.row.id),
      docs.map((doc) => doc.type),
      docs.map((doc) => doc.reference),
      docs.map((doc) => Number(doc.row.year)),
    ]);
}

/** The response: every claim's result in index order, with the counts. */
function countResponse(run: StoreRun): BatchResponse {
  const { results, errors, warnings } = run;
  for (const [index, claimId] of run.rejectedAt) results.push({ index, claimId, status: null, outcome: "rejected" });
  results.sort((left, right) => left.index - right.index);
  errors.sort((left, right) => left.index - right.index);
  warnings.sort((left, right) => left.index - right.index);
  const count = (test: (result: BatchClaimResult) => boolean) => results.filter(test).length;
  const counted: BatchResponse = {
    batchId: run.req.batchId,
    facilityCode: run.facility.code,
    received: run.req.claims.length,
    accepted: count((result) => result.outcome !== "rejected" && result.status === "accepted"),
    pendingDocumentation: count((result) => result.outcome !== "rejected" && result.status === "pending_documentation"),
    rejected: count((result) => result.outcome === "rejected"),
    corrected: count((result) => result.outcome === "corrected"),
    unchanged: count((result) => result.outcome === "unchanged"),
    claims: results,
    errors,
    warnings,
  };
  return run.req.present ? run.req.present(counted) : counted;
}

/** The batch row with its first response (what a replay returns byte for byte) and the response's counts. */
async function recordBatch(run: StoreRun, response: BatchResponse): Promise<void> {
  const { req } = run;
  const written = await run.tx.query(sql.INSERT_BATCH, [
    run.batchRef,
    run.facility.code,
    req.batchId,
    req.bodyHash,
    req.rawBody,
    JSON.stringify(response),
    run.at,
    req.claims.length,
    req.caller?.keyId ?? null,
    response.accepted,
    response.pendingDocumentation,
    response.rejected,
    response.corrected,
    response.unchanged,
    req.xmlChunk?.chunk ?? null,
    req.xmlChunk?.chunks ?? null,
  ]);
  if (written.length === 0) throw new BatchAlreadyStored();
}

/**
 * The batch's transaction: a constant number of set-based statements whatever its size, in this order (locks
 * included): the facility's batch lock, the stored claims it names, their overlaps, the catalogue entries their
 * lines name (automated assessment), the claims with their history and documents, the batch row, and last the money,
 * whose spending rows stay locked from there to commit.
 */
export async function storeBatch(
  tx: SqlSession,
  deps: AppDeps,
  req: BatchRequest,
  at: Date,
  sorted: Sorted,
): Promise<BatchResponse> {
  const { batchRef, facility } = await lockBatch(tx, req);
  const run: StoreRun = { tx, deps, req, at, facility, batchRef, ...sorted, results: [], warnings: [] };
  const prepared = placed(run, sorted.prepared);
  const stored = await lockStored(run, prepared);
  const incoming = toWrite(run, prepared, stored);
  const settled = settle(run, incoming, await findDuplicates(run, incoming), await assess(run, incoming));
  const changes = moneyChanges(run, settled);
  await writeClaims(run, settled);
  const response = countResponse(run);
  await recordBatch(run, response);
  await moveMoney(tx, deps, changes, at);
  return response;
}
