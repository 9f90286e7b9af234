import type { Caller } from "../auth/caller.ts";
import { type ClaimError, type ValidClaim, validateClaim } from "../claims/validate.ts";
import type { AppDeps } from "../deps.ts";
import { sha256 } from "../domain/canonical.ts";
import { isCitizenIdMismatch } from "../domain/citizen-id.ts";
import { missingDocuments, requiredDocuments } from "../domain/documents.ts";
import type { ClaimStatus } from "../domain/claim-status.ts";
import { type ClaimFlag, isLate, isOutOfProvince, overlappingWithinBatch } from "../domain/flags.ts";
import { type Attribution, accountingProvince, sameAttribution } from "../domain/merger.ts";
import { formatMoney } from "../domain/money.ts";
import { vietnamYearMonth } from "../domain/period.ts";
import type { SqlSession } from "../db/client.ts";
import { conflict } from "../http/problem.ts";
import { type Contribution, contributionOf } from "../spending/contribution.ts";
import { moveMoney } from "../spending/move.ts";
import type { BatchClaimResult, BatchResponse, Outcome } from "./schema.ts";
import * as sql from "./sql.ts";

export interface FacilityInfo extends Attribution {
  code: string;
}

/** A facility with what the batch path needs of it (its province's merger), or null if there is none. */
export function findFacilityInfo(deps: AppDeps, code: string): Promise<FacilityInfo | null> {
  return deps.db.prisma.facility.findUnique({
    where: { code },
    select: { code: true, provinceCode: true, province: { select: { successorCode: true, mergedAt: true } } },
  });
}

export interface BatchRequest {
  /** null: the operator CLI, writing straight to the database. */
  caller: Caller | null;
  facility: FacilityInfo;
  batchId: string;
  claims: unknown[];
  /** Hash of the body: the same batchId with another hash is a conflict ... */
  bodyHash: string;
  /** ... unless this says the stored raw body has the same content in other bytes (key order, spacing). */
  sameContent?: (storedRawBody: string) => boolean;
  rawBody: string;
  /**
   * Claims that arrive in another format (src/xml): those already refused while
   * being translated, by index, with their errors ...
   */
  rejected?: ReadonlyMap<number, ClaimError[]>;
  /** ... and how the response names indexes and fields of that format; applied before the response is stored. */
  present?: (response: BatchResponse) => BatchResponse;
}

/** A claim ready to store, with everything derived from it that needs no database. */
interface Prepared {
  v: ValidClaim;
  claimId: string;
  provinceCode: string;
  year: number;
  month: number;
  contentHash: string;
  required: string[];
  outOfProvince: boolean;
  citizenIdMismatch: boolean;
}

interface Existing {
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
  flags: ClaimFlag[] | null;
}

class BatchAlreadyStored extends Error {}

function prepare(valid: ValidClaim, facility: FacilityInfo, deps: AppDeps): Prepared {
  const input = valid.input;
  const { year, month } = vietnamYearMonth(valid.dischargedAt);
  // What "the same claim" means: the validated claim with times in UTC and amounts normalised. Its keys come
  // out of the schema in a fixed order, so plain JSON is canonical here.
  const content = {
    ...input,
    admittedAt: valid.admittedAt.toISOString(),
    dischargedAt: valid.dischargedAt.toISOString(),
    amounts: {
      total: formatMoney(input.amounts.total),
      insurance: formatMoney(input.amounts.insurance),
      patient: formatMoney(input.amounts.patient),
      other: formatMoney(input.amounts.other),
    },
  };
  return {
    v: valid,
    claimId: input.claimId,
    provinceCode: accountingProvince(facility, valid.dischargedAt),
    year,
    month,
    contentHash: sha256(JSON.stringify(content)),
    required: requiredDocuments(input, deps.rules.documents),
    outOfProvince: isOutOfProvince(input.patient.cardNumber, facility.provinceCode),
    citizenIdMismatch: isCitizenIdMismatch(input.patient.citizenId, input.patient.birthDate, input.patient.gender),
  };
}

/**
 * Stores a batch: validation and rule evaluation in memory, then one
 * transaction of a constant number of set-based statements that stores the
 * claims, their history and documents, moves spending and raises alerts.
 * Idempotent on (facility, batchId).
 */
export async function ingestBatch(
  deps: AppDeps,
  req: BatchRequest,
): Promise<{ status: 200 | 201; response: BatchResponse }> {
  // A resend of a stored batch is answered at once, without validating or waiting on the facility's lock.
  const replay = await storedAnswer(deps, req);
  if (replay) return replay;
  const at = deps.clock.now();
  const ctx = { now: at, documentTypes: deps.rules.documents.documentTypes };
  const errors: ClaimError[] = [];
  const rejectedAt = new Map<number, string | null>();
  const prepared: Prepared[] = [];
  const seen = new Set<string>();
  req.claims.forEach((raw, index) => {
    const refused = req.rejected?.get(index);
    if (refused) {
      errors.push(...refused);
      rejectedAt.set(index, refused[0]?.claimId ?? null);
      return;
    }
    const result = validateClaim(raw, index, ctx);
    if ("errors" in result) {
      errors.push(...result.errors);
      rejectedAt.set(index, result.errors[0]!.claimId ?? null);
      return;
    }
    const claimId = result.claim.input.claimId;
    if (seen.has(claimId)) {
      errors.push({
        index,
        claimId,
        path: `claims[${index}].claimId`,
        code: "duplicate_in_batch",
        message: "this claimId appears earlier in the same batch",
      });
      rejectedAt.set(index, claimId);
      return;
    }
    seen.add(claimId);
    prepared.push(prepare(result.claim, req.facility, deps));
  });

  try {
    // A plain session, not Prisma: Prisma would serialise the batch's large parameters to JSON and parse them back.
    const response = await deps.db.withSession((tx) => store(tx, deps, req, at, prepared, errors, rejectedAt));
    return { status: 201, response };
  } catch (err) {
    if (!(err instanceof BatchAlreadyStored)) throw err;
    // Another request stored this batchId while we waited for it: answer as it did.
    return (await storedAnswer(deps, req))!;
  }
}

/** The first response for a stored batchId (200), 409 if its content differs, null if none is stored. */
async function storedAnswer(
  deps: AppDeps,
  req: BatchRequest,
): Promise<{ status: 200; response: BatchResponse } | null> {
  const where = { facilityCode_batchId: { facilityCode: req.facility.code, batchId: req.batchId } };
  const stored = await deps.db.prisma.batch.findUnique({ where, select: { bodyHash: true, response: true } });
  if (!stored) return null;
  if (stored.bodyHash !== req.bodyHash) {
    // Other bytes: the same content only if the caller says so of the stored body (read only on this rare path).
    const raw =
      req.sameContent && (await deps.db.prisma.batch.findUniqueOrThrow({ where, select: { rawBody: true } })).rawBody;
    if (!raw || !req.sameContent!(raw))
      throw conflict("batch_conflict", `batch ${req.batchId} was already received with different content`);
  }
  return { status: 200, response: stored.response as unknown as BatchResponse };
}

async function store(
  tx: SqlSession,
  deps: AppDeps,
  req: BatchRequest,
  at: Date,
  preparedBefore: Prepared[],
  errors: ClaimError[],
  rejectedAt: Map<number, string | null>,
): Promise<BatchResponse> {
  const facilityCode = req.facility.code;
  await tx.exec(sql.BOUND_BATCH);
  // One batch of a facility at a time: two batches naming the same new claimId
  // would otherwise both count it as created. Other facilities run in parallel.
  await tx.query(sql.LOCK_FACILITY, [facilityCode]);
  // A concurrent request with the same batchId waited for the lock above: it now sees ours and answers as we did.
  const [batch] = await tx.query<{
    stored: boolean;
    id: string;
    province_code: string | null;
    successor_code: string | null;
    merged_at: Date | string | null;
  }>(sql.BATCH_STORED, [facilityCode, req.batchId]);
  if (batch!.stored) throw new BatchAlreadyStored();
  const batchRef = batch!.id;
  // The claims were prepared before the lock; if the facility's province or its merger changed meanwhile (and
  // the change moved the facility's stored claims while this batch waited), they are placed by the record now.
  const facility: FacilityInfo = {
    code: facilityCode,
    provinceCode: batch!.province_code ?? req.facility.provinceCode,
    province: {
      successorCode: batch!.successor_code,
      mergedAt: batch!.merged_at === null ? null : new Date(batch!.merged_at),
    },
  };
  const prepared = sameAttribution(facility, req.facility)
    ? preparedBefore
    : preparedBefore.map((p) => prepare(p.v, facility, deps));

  const existing = new Map<string, Existing>();
  if (prepared.length) {
    const rows = await tx.query<Existing>(sql.LOCK_EXISTING_CLAIMS, [facilityCode, prepared.map((p) => p.claimId)]);
    for (const row of rows) existing.set(row.claim_id, row);
  }

  type Decided = { p: Prepared; outcome: Outcome; ex?: Existing };
  const results: BatchClaimResult[] = [];
  const toWrite: Decided[] = [];
  for (const claim of prepared) {
    const ex = existing.get(claim.claimId);
    if (ex && (ex.status === "approved" || ex.status === "denied")) {
      errors.push({
        index: claim.v.index,
        claimId: claim.claimId,
        path: `claims[${claim.v.index}].claimId`,
        code: "claim_already_decided",
        message: `this claim was already ${ex.status}; it can no longer be corrected`,
      });
      rejectedAt.set(claim.v.index, claim.claimId);
    } else if (ex && ex.content_hash === claim.contentHash) {
      results.push(
        view(claim.v.index, claim.claimId, ex.status, "unchanged", ex.missing_documents ?? [], ex.flags ?? []),
      );
    } else {
      toWrite.push({ p: claim, outcome: ex ? "corrected" : "created", ...(ex ? { ex } : {}) });
    }
  }

  // Possible duplicates: overlapping stays of one patient, within this batch or against stored claims.
  const duplicates = overlappingWithinBatch(
    toWrite.map(({ p }) => ({
      index: p.v.index,
      cardNumber: p.v.input.patient.cardNumber,
      citizenId: p.v.input.patient.citizenId,
      admittedAt: p.v.admittedAt,
      dischargedAt: p.v.dischargedAt,
    })),
  );
  if (toWrite.length) {
    const rows = await tx.query<{ idx: number }>(sql.FIND_OVERLAPS, [
      facilityCode,
      toWrite.map(({ p }) => p.v.index),
      toWrite.map(({ p }) => p.v.input.patient.cardNumber ?? null),
      toWrite.map(({ p }) => p.v.input.patient.citizenId ?? null),
      toWrite.map(({ p }) => p.v.admittedAt.toISOString()),
      toWrite.map(({ p }) => p.v.dischargedAt.toISOString()),
      toWrite.map(({ p }) => p.claimId),
    ]);
    for (const row of rows) duplicates.add(Number(row.idx));
  }

  const changes: { before?: Contribution | null; after?: Contribution | null }[] = [];
  const rows = toWrite.map(({ p: claim, outcome, ex }) => {
    const receivedAt = ex ? new Date(ex.received_at) : at;
    const have = [...(ex?.document_types ?? []), ...claim.v.input.documents.map((d) => d.type)];
    const missing = missingDocuments(claim.required, have);
    const status: ClaimStatus = missing.length ? "pending_documentation" : "accepted";
    const flags: ClaimFlag[] = [];
    if (isLate(claim.v.dischargedAt, receivedAt, deps.rules.timing.submissionDeadlineHours))
      flags.push("late_submission");
    if (duplicates.has(claim.v.index)) flags.push("possible_duplicate");
    if (claim.outOfProvince) flags.push("out_of_province");
    if (claim.citizenIdMismatch) flags.push("citizen_id_mismatch");
    const counted = { facilityCode, status, insurance: claim.v.amounts.insurance };
    changes.push({
      before: ex
        ? contributionOf({
            ...counted,
            provinceCode: ex.province_code,
            year: ex.year,
            month: ex.month,
            status: ex.status,
            insurance: ex.insurance,
            approved: ex.approved,
            receivedAt,
          })
        : null,
      after: contributionOf({
        ...counted,
        provinceCode: claim.provinceCode,
        year: claim.year,
        month: claim.month,
        receivedAt,
      }),
    });
    results.push(view(claim.v.index, claim.claimId, status, outcome, missing, flags));
    return { p: claim, ex, status, missing, flags };
  });

  if (rows.length) {
    const corrected = rows.filter((r) => r.ex);
    if (corrected.length) await tx.query(sql.INSERT_HISTORY, [at, req.batchId, corrected.map((r) => r.ex!.id)]);

    const ids = await tx.query<{ id: string; claim_id: string }>(sql.UPSERT_CLAIMS, [
      facilityCode,
      at,
      batchRef,
      JSON.stringify(
        rows.map(({ p: claim, status, missing, flags }) => {
          const input = claim.v.input;
          return {
            claim_id: claim.claimId,
            province_code: claim.provinceCode,
            year: claim.year,
            month: claim.month,
            visit_type: input.visitType,
            admitted_at: claim.v.admittedAt,
            discharged_at: claim.v.dischargedAt,
            card_number: input.patient.cardNumber ?? null,
            citizen_id: input.patient.citizenId ?? null,
            patient_name: input.patient.name ?? null,
            birth_date: input.patient.birthDate ?? null,
            gender: input.patient.gender ?? null,
            diagnosis_primary: input.diagnosis.primary,
            diagnosis_secondary: input.diagnosis.secondary,
            referral: input.referral,
            procedure: input.procedure,
            died: input.died,
            // Decimal strings: PostgreSQL reads them into numeric exactly.
            total: claim.v.amounts.total.toString(),
            insurance: claim.v.amounts.insurance.toString(),
            patient: claim.v.amounts.patient.toString(),
            other: claim.v.amounts.other.toString(),
            status,
            missing,
            flags,
            content_hash: claim.contentHash,
          };
        }),
      ),
    ]);
    const idOf = new Map(ids.map((r) => [r.claim_id, r.id]));

    const docs = rows.flatMap((r) => r.p.v.input.documents.map((d) => ({ ref: idOf.get(r.p.claimId)!, ...d })));
    if (docs.length)
      await tx.query(sql.INSERT_DOCUMENTS, [
        at,
        docs.map((d) => d.ref),
        docs.map((d) => d.type),
        docs.map((d) => d.reference),
      ]);
  }

  for (const [index, claimId] of rejectedAt) results.push({ index, claimId, status: null, outcome: "rejected" });
  results.sort((a, b) => a.index - b.index);
  errors.sort((a, b) => a.index - b.index);
  const count = (f: (row: BatchClaimResult) => boolean) => results.filter(f).length;
  const counted: BatchResponse = {
    batchId: req.batchId,
    facilityCode,
    received: req.claims.length,
    accepted: count((r) => r.outcome !== "rejected" && r.status === "accepted"),
    pendingDocumentation: count((r) => r.outcome !== "rejected" && r.status === "pending_documentation"),
    rejected: count((r) => r.outcome === "rejected"),
    corrected: count((r) => r.outcome === "corrected"),
    unchanged: count((r) => r.outcome === "unchanged"),
    claims: results,
    errors,
  };
  const response = req.present ? req.present(counted) : counted;
  const written = await tx.query(sql.INSERT_BATCH, [
    batchRef,
    facilityCode,
    req.batchId,
    req.bodyHash,
    req.rawBody,
    JSON.stringify(response),
    at,
    req.claims.length,
    req.caller?.keyId ?? null,
  ]);
  if (written.length === 0) throw new BatchAlreadyStored();

  // Last: the province-year's spending row stays locked from here to commit, and every batch of the province waits on
  // it.
  await moveMoney(tx, deps, changes, at);
  return response;
}

function view(
  index: number,
  claimId: string,
  status: ClaimStatus,
  outcome: Outcome,
  missing: string[],
  flags: ClaimFlag[],
): BatchClaimResult {
  return {
    index,
    claimId,
    status,
    outcome,
    ...(missing.length ? { missingDocuments: missing } : {}),
    ...(flags.length ? { flags } : {}),
  };
}
