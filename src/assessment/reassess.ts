import type { StoredLine } from "../costs/lines.ts";
import { LONG_TRANSACTION, prismaSession, type SqlSession } from "../db/client.ts";
import type { AppDeps } from "../deps.ts";
import type { ClaimStatus } from "../domain/claim-status.ts";
import { LOCK_FACILITY } from "../batches/sql.ts";
import { type MoneyChange, claimChange, moveMoney } from "../spending/move.ts";
import { assessClaims, type ClaimAssessment, storedAssessedLine } from "./claims.ts";
import type { VisitType } from "./model.ts";
import type { StoredFinding } from "./tally.ts";
import * as sql from "./sql.ts";

/**
 * Re-assessment (issue 23 point 5): when a catalogue reload changes entries (src/catalogues writes catalogue_change),
 * the facility's undecided claims that may read a changed entry are assessed again against the catalogues as they now
 * stand, a chunk at a time, each chunk one transaction: their findings and proposed amounts are rewritten where they
 * differ (the old ones kept in the claim's history), and the proposed cuts move by the difference through the one
 * money path. A job keeps where it is, so a run stopped half-way resumes at the next claim. Decided claims keep the
 * assessment they were decided on.
 */

/** A stored claim as CLAIMS_TO_REASSESS reads it. */
interface StoredClaim {
  id: string;
  year: number;
  month: number;
  province_code: string;
  status: ClaimStatus;
  received_at: Date;
  visit_type: VisitType;
  visit_code: string | null;
  discharge_kind: string | null;
  treatment_result: string | null;
  admitted_at: Date;
  discharged_at: Date;
  total: string;
  insurance: string;
  drugs: string | null;
  supplies: string | null;
  lines: StoredLine[];
  findings: StoredFinding[];
}

interface Job {
  id: string;
  facility_code: string;
  from_day: string;
  after_claim: string;
}

/** What a run did. */
export interface ReassessmentRun {
  /** Jobs made from catalogue changes by this run. */
  started: number;
  /** Jobs finished by this run. */
  finished: number;
  /** Claims assessed again, and those whose findings or proposed amount changed. */
  assessed: number;
  changed: number;
  /** Jobs still to run (a run bounded by maxChunks leaves them to the next). */
  pending: number;
}

/** Findings compared as the rows keep them, whatever order jsonb gives their keys. */
const findingsKey = (findings: readonly StoredFinding[]) =>
  JSON.stringify(findings.map((finding) => [finding.code, finding.action, finding.line, finding.amount, finding.vi]));

const assessedClaim = (claim: StoredClaim) => ({
  visitType: claim.visit_type,
  visitCode: claim.visit_code,
  dischargeKind: claim.discharge_kind,
  treatmentResult: claim.treatment_result,
  admittedAt: new Date(claim.admitted_at),
  dischargedAt: new Date(claim.discharged_at),
  totals: { total: claim.total, insurance: claim.insurance, drugs: claim.drugs, supplies: claim.supplies },
  lines: claim.lines.map(storedAssessedLine),
});

/** Only its proposed cuts move: everything else it counts is the same before and after. */
function cutChange(claim: StoredClaim, facilityCode: string, now: ClaimAssessment): MoneyChange {
  const counted = {
    provinceCode: claim.province_code,
    year: Number(claim.year),
    month: Number(claim.month),
    facilityCode,
    status: claim.status,
    insurance: claim.insurance,
    receivedAt: new Date(claim.received_at),
    weights: new Map(),
  };
  return claimChange({ ...counted, findings: claim.findings }, { ...counted, findings: now.findings });
}

/** One chunk of the oldest job not done, in its own transaction; null when no job is left. */
async function step(session: SqlSession, deps: Pick<AppDeps, "rules">, at: Date, chunk: number) {
  const [job] = await session.query<Job>(sql.NEXT_JOB, []);
  if (!job) return null;
  // The facility's batches wait: a batch between two chunks is assessed against the new catalogues anyway.
  await session.query(LOCK_FACILITY, [job.facility_code]);
  const claims = await session.query<StoredClaim>(sql.CLAIMS_TO_REASSESS, [
    job.facility_code,
    job.from_day,
    job.after_claim,
    chunk,
  ]);
  const now = await assessClaims(session, deps.rules.assessment, job.facility_code, claims.map(assessedClaim));
  const changed = claims
    .map((claim, index) => ({ claim, now: now[index]! }))
    .filter(({ claim, now: assessment }) => findingsKey(claim.findings) !== findingsKey(assessment.findings));
  if (changed.length) {
    const rows = changed.map(({ claim, now: assessment }) => ({
      id: claim.id,
      year: claim.year,
      findings: assessment.findings,
      proposed: assessment.proposed,
    }));
    await session.query(sql.WRITE_REASSESSED, [JSON.stringify(rows), at]);
    await moveMoney(
      session,
      deps,
      changed.map(({ claim, now: assessment }) => cutChange(claim, job.facility_code, assessment)),
      at,
    );
  }
  const done = claims.length < chunk;
  const last = claims.at(-1)?.id ?? job.after_claim;
  await session.query(sql.JOB_PROGRESS, [job.id, last, claims.length, changed.length, done ? at : null]);
  return { done, assessed: claims.length, changed: changed.length };
}

/**
 * Takes the catalogue changes not yet taken into jobs, then runs jobs a chunk (`chunk` claims) per transaction,
 * oldest job first, until none is left or `maxChunks` chunks ran. Safe to run concurrently (a job is worked by one
 * run at a time; a facility's chunks wait for its batches) and from any runtime: the Node server's schedule, the
 * Worker's cron, POST /v1/jobs/reassess or the CLI.
 */
export async function reassessPending(
  deps: Pick<AppDeps, "db" | "clock" | "rules">,
  { chunk = 500, maxChunks = 200 }: { chunk?: number; maxChunks?: number } = {},
): Promise<ReassessmentRun> {
  const at = deps.clock.now();
  const started = await deps.db.sql.query<{ id: string }>(sql.TAKE_CHANGES, [at]);
  const run: ReassessmentRun = { started: started.length, finished: 0, assessed: 0, changed: 0, pending: 0 };
  for (let chunks = 0; chunks < maxChunks; chunks++) {
    const result = await deps.db.prisma.$transaction(
      (tx) => step(prismaSession(tx), deps, deps.clock.now(), chunk),
      LONG_TRANSACTION,
    );
    if (!result) break;
    run.assessed += result.assessed;
    run.changed += result.changed;
    if (result.done) run.finished += 1;
  }
  const [pending] = await deps.db.sql.query<{ pending: number }>(sql.PENDING_JOBS, []);
  run.pending = Number(pending?.pending ?? 0);
  return run;
}
