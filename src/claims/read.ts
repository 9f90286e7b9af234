import { z } from "zod";
import type { Caller } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import type { ClaimStatus } from "../domain/claim-status.ts";
import { formatMoney } from "../domain/money.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { CursorField, decodeCursor, page } from "../http/paging.ts";
import { iso } from "../http/schemas.ts";
import { prismaSession } from "../db/client.ts";
import { referralPaperView } from "./referrals.ts";
import { linesFromStored } from "../costs/lines.ts";
import type { StoredFinding } from "../assessment/tally.ts";

/** Every claim query starts from this: the caller's scope is part of the WHERE, never an afterthought. */
export function claimScope(caller: Caller): Prisma.ClaimWhereInput {
  if (caller.role === "facility") return { facilityCode: caller.facilityCode };
  if (caller.role === "province") return { provinceCode: caller.provinceCode };
  return {};
}

type ClaimRow = Omit<Prisma.ClaimGetPayload<object>, "lines">;

/** A claim as lists show it. */
export const claimSummary = (c: ClaimRow) => ({
  facilityCode: c.facilityCode,
  claimId: c.claimId,
  provinceCode: c.provinceCode,
  year: c.year,
  month: c.month,
  visitType: c.visitType,
  status: c.status,
  stuck: c.stuck,
  stuckAt: iso(c.stuckAt),
  pendingSince: iso(c.pendingSince),
  missingDocuments: c.missingDocuments,
  flags: c.flags,
  amounts: {
    total: formatMoney(c.totalAmount.toString()),
    insurance: formatMoney(c.insuranceAmount.toString()),
    patient: formatMoney(c.patientAmount.toString()),
    other: formatMoney(c.otherAmount.toString()),
    approved: c.approvedAmount === null ? null : formatMoney(c.approvedAmount.toString()),
    proposed: c.proposedAmount === null ? null : formatMoney(c.proposedAmount.toString()),
  },
  admittedAt: c.admittedAt.toISOString(),
  dischargedAt: c.dischargedAt.toISOString(),
  receivedAt: c.receivedAt.toISOString(),
  version: c.version,
  updatedAt: c.updatedAt.toISOString(),
});

/** One claim with its documents and history, or null when `where` matches none. */
export async function claimDetail(
  db: Prisma.TransactionClient | AppDeps["db"]["prisma"],
  where: Prisma.ClaimWhereInput,
) {
  const claim = await db.claim.findFirst({
    where,
    include: { documents: { orderBy: { id: "asc" } }, history: { orderBy: { id: "asc" } } },
  });
  if (!claim) return null;
  return {
    ...claimSummary(claim),
    patient: {
      cardNumber: claim.cardNumber,
      citizenId: claim.citizenId,
      name: claim.patientName,
      birthDate: claim.birthDate,
      gender: claim.gender,
    },
    diagnosis: { primary: claim.diagnosisPrimary, secondary: claim.diagnosisSecondary },
    referral: claim.referral,
    referralPaper: await referralPaperView(prismaSession(db), claim),
    visitCode: claim.visitCode,
    dischargeKind: claim.dischargeKind,
    treatmentResult: claim.treatmentResult,
    procedure: claim.procedure,
    died: claim.died,
    documents: claim.documents.map((d) => ({
      type: d.type,
      reference: d.reference,
      receivedAt: d.receivedAt.toISOString(),
    })),
    history: claim.history.map((h) => ({ kind: h.kind, version: h.version, at: h.at.toISOString(), data: h.data })),
    lines: linesFromStored(claim.lines),
    findings: (claim.findings as unknown as StoredFinding[]).map((finding) => ({
      code: finding.code,
      action: finding.action,
      line: finding.line,
      amount: formatMoney(finding.amount),
      message: { vi: finding.vi, en: finding.en },
    })),
    warnings: claim.warnings as Array<{ path: string; code: string; message: string }>,
  };
}

export interface ClaimFilter {
  limit: number;
  cursor?: string | undefined;
  province?: string | undefined;
  facility?: string | undefined;
  status?: ClaimStatus | undefined;
  stuck?: boolean | undefined;
  year?: number | undefined;
  flag?: string | undefined;
  month?: number | undefined;
  missingDocument?: string | undefined;
  /** Claims whose current version has (true) or has no (false) finding of automated assessment, warnings included. */
  hasFindings?: boolean | undefined;
}

/** A filter on claim.findings, an array that is empty when assessment found nothing. */
const findingsFilter = (has: boolean | undefined): Prisma.ClaimWhereInput =>
  has === undefined ? {} : has ? { NOT: { findings: { equals: [] } } } : { findings: { equals: [] } };

/** The claims in the caller's scope that match the filter, newest first, a page at a time. */
export async function listClaims(deps: Pick<AppDeps, "db">, caller: Caller, filter: ClaimFilter) {
  const after = decodeCursor(filter.cursor, z.tuple([CursorField.id]));
  const rows = await deps.db.prisma.claim.findMany({
    where: {
      AND: [
        claimScope(caller),
        {
          ...(filter.province ? { provinceCode: filter.province } : {}),
          ...(filter.facility ? { facilityCode: filter.facility } : {}),
          ...(filter.status ? { status: filter.status } : {}),
          ...(filter.stuck !== undefined ? { stuck: filter.stuck } : {}),
          ...(filter.year ? { year: filter.year } : {}),
          ...(filter.month ? { month: filter.month } : {}),
          ...(filter.flag ? { flags: { has: filter.flag } } : {}),
          ...(filter.missingDocument ? { missingDocuments: { has: filter.missingDocument } } : {}),
          ...findingsFilter(filter.hasFindings),
          ...(after ? { id: { lt: BigInt(String(after[0])) } } : {}),
        },
      ],
    },
    orderBy: { id: "desc" },
    take: filter.limit + 1,
    // A page of summaries: the lines stay in the database.
    omit: { lines: true },
  });
  const { data, nextCursor } = page(rows, filter.limit, (row) => [row.id.toString()]);
  return { data: data.map(claimSummary), nextCursor };
}
