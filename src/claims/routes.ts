import { CLAIM_STATUSES } from "../domain/claim-status.ts";
import { createRoute, z } from "@hono/zod-openapi";
import { audit } from "../audit/audit.ts";
import { type Caller, callerOf, requireRole } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { CLAIM_FLAGS } from "../domain/flags.ts";
import { Dec, formatMoney } from "../domain/money.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { decodeCursor, ListQuery, page } from "../http/paging.ts";
import { conflict, notFound, unprocessable } from "../http/problem.ts";
import { router } from "../http/router.ts";
import {
  FacilityCode,
  Money,
  MoneyOut,
  ProvinceCode,
  Timestamp,
  iso,
  json,
  jsonBody,
  listOf,
  problems,
} from "../http/schemas.ts";
import { claimChange, moveMoney } from "../spending/move.ts";
import { prismaSession } from "../db/client.ts";

/** Every claim query starts from this: the caller's scope is part of the WHERE, never an afterthought. */
export function claimScope(caller: Caller): Prisma.ClaimWhereInput {
  if (caller.role === "facility") return { facilityCode: caller.facilityCode };
  if (caller.role === "province") return { provinceCode: caller.provinceCode };
  return {};
}

const Amounts = z.object({
  total: MoneyOut,
  insurance: MoneyOut,
  patient: MoneyOut,
  other: MoneyOut,
  approved: MoneyOut.nullable(),
});
const ClaimSummary = z
  .object({
    facilityCode: z.string(),
    claimId: z.string(),
    provinceCode: z.string(),
    year: z.number().int(),
    month: z.number().int(),
    visitType: z.string(),
    status: z.enum(CLAIM_STATUSES),
    stuck: z.boolean(),
    stuckAt: Timestamp.nullable(),
    pendingSince: Timestamp.nullable(),
    missingDocuments: z.array(z.string()),
    flags: z.array(z.string()),
    amounts: Amounts,
    admittedAt: Timestamp,
    dischargedAt: Timestamp,
    receivedAt: Timestamp,
    version: z.number().int(),
    updatedAt: Timestamp,
  })
  .openapi("ClaimSummary");
export const ClaimDetail = ClaimSummary.extend({
  patient: z.object({
    cardNumber: z.string().nullable(),
    citizenId: z.string().nullable(),
    name: z.string().nullable(),
    birthDate: z.string().nullable(),
    gender: z.string().nullable(),
  }),
  diagnosis: z.object({ primary: z.string(), secondary: z.array(z.string()) }),
  referral: z.boolean(),
  procedure: z.boolean(),
  died: z.boolean(),
  documents: z.array(z.object({ type: z.string(), reference: z.string(), receivedAt: Timestamp })),
  history: z.array(z.object({ kind: z.string(), version: z.number().int(), at: Timestamp, data: z.unknown() })),
}).openapi("Claim");

type ClaimRow = Prisma.ClaimGetPayload<object>;

const summary = (c: ClaimRow) => ({
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
  },
  admittedAt: c.admittedAt.toISOString(),
  dischargedAt: c.dischargedAt.toISOString(),
  receivedAt: c.receivedAt.toISOString(),
  version: c.version,
  updatedAt: c.updatedAt.toISOString(),
});

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
    ...summary(claim),
    patient: {
      cardNumber: claim.cardNumber,
      citizenId: claim.citizenId,
      name: claim.patientName,
      birthDate: claim.birthDate,
      gender: claim.gender,
    },
    diagnosis: { primary: claim.diagnosisPrimary, secondary: claim.diagnosisSecondary },
    referral: claim.referral,
    procedure: claim.procedure,
    died: claim.died,
    documents: claim.documents.map((d) => ({
      type: d.type,
      reference: d.reference,
      receivedAt: d.receivedAt.toISOString(),
    })),
    history: claim.history.map((h) => ({ kind: h.kind, version: h.version, at: h.at.toISOString(), data: h.data })),
  };
}

const ListClaimsQuery = ListQuery.extend({
  province: ProvinceCode.optional(),
  facility: FacilityCode.optional(),
  status: z.enum(CLAIM_STATUSES).optional(),
  stuck: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  flag: z.enum(CLAIM_FLAGS).optional(),
});

const Decision = z
  .object({
    outcome: z.enum(["approved", "denied"]),
    approvedAmount: Money.optional().openapi({
      description: "approved: the amount the fund pays (default: the claimed insurance amount; may not exceed it)",
    }),
    reason: z.string().trim().min(1).max(2000),
  })
  .strict();

const ClaimParams = z.object({ facilityCode: FacilityCode, claimId: z.string().min(1).max(64) });

/** Reading claims, and the agency's decision on one. */
export function claimsRoutes(deps: AppDeps) {
  const { prisma } = deps.db;
  const app = router();

  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["Claims"],
      summary: "List claims in the key's scope, newest first",
      request: { query: ListClaimsQuery },
      responses: { 200: json(listOf(ClaimSummary)), ...problems },
    }),
    async (claim) => {
      const query = claim.req.valid("query");
      const after = decodeCursor(query.cursor);
      const rows = await prisma.claim.findMany({
        where: {
          AND: [
            claimScope(callerOf(claim)),
            {
              ...(query.province ? { provinceCode: query.province } : {}),
              ...(query.facility ? { facilityCode: query.facility } : {}),
              ...(query.status ? { status: query.status } : {}),
              ...(query.stuck !== undefined ? { stuck: query.stuck } : {}),
              ...(query.year ? { year: query.year } : {}),
              ...(query.flag ? { flags: { has: query.flag } } : {}),
              ...(after ? { id: { lt: BigInt(String(after[0])) } } : {}),
            },
          ],
        },
        orderBy: { id: "desc" },
        take: query.limit + 1,
      });
      const { data, nextCursor } = page(rows, query.limit, (r) => [r.id.toString()]);
      return claim.json({ data: data.map(summary), nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{facilityCode}/{claimId}",
      tags: ["Claims"],
      summary: "One claim with its documents and history",
      request: { params: ClaimParams },
      responses: { 200: json(ClaimDetail), ...problems },
    }),
    async (ctx) => {
      const { facilityCode, claimId } = ctx.req.valid("param");
      const claim = await claimDetail(prisma, { AND: [claimScope(callerOf(ctx)), { facilityCode, claimId }] });
      if (!claim) throw notFound("claim");
      return ctx.json(claim, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/{facilityCode}/{claimId}/decision",
      tags: ["Claims"],
      summary: "Approve (with an amount) or deny a claim (central, or the claim's province); once only",
      request: { params: ClaimParams, body: jsonBody(Decision) },
      responses: { 200: json(ClaimDetail, "Decided"), ...problems },
    }),
    async (ctx) => {
      const caller = callerOf(ctx);
      requireRole(caller, "central", "province");
      const { facilityCode, claimId } = ctx.req.valid("param");
      const { outcome, approvedAmount, reason } = ctx.req.valid("json");
      const at = deps.clock.now();
      const view = await prisma.$transaction(async (tx) => {
        // Locked before the caller's scope is checked: a merger recorded meanwhile may move the claim to another
        // province.
        await tx.$queryRaw`SELECT 1 FROM claim WHERE facility_code = ${facilityCode} AND claim_id = ${claimId} FOR
          UPDATE`;
        const claim = await tx.claim.findFirst({ where: { AND: [claimScope(caller), { facilityCode, claimId }] } });
        if (!claim) throw notFound("claim");
        if (claim.status === "approved" || claim.status === "denied")
          throw conflict("claim_already_decided", `this claim was already ${claim.status}`);
        if (outcome === "approved" && claim.status === "pending_documentation")
          throw conflict("documents_missing", `the claim still misses: ${claim.missingDocuments.join(", ")}`);
        const insurance = new Dec(claim.insuranceAmount.toString());
        const approved = outcome === "approved" ? (approvedAmount ?? insurance) : null;
        if (approved && approved.greaterThan(insurance))
          throw unprocessable("the approved amount exceeds the claimed insurance amount", [
            { path: "approvedAmount", code: "exceeds_claimed", message: `may not exceed ${formatMoney(insurance)}` },
          ]);
        const updated = await tx.claim.update({
          where: { id: claim.id },
          data: {
            status: outcome,
            approvedAmount: approved?.toString() ?? null,
            decidedAt: at,
            updatedAt: at,
            pendingSince: null,
            stuck: false,
            stuckAt: null,
          },
        });
        const key = {
          provinceCode: claim.provinceCode,
          year: claim.year,
          month: claim.month,
          facilityCode: claim.facilityCode,
          insurance,
          receivedAt: claim.receivedAt,
        };
        await moveMoney(
          prismaSession(tx),
          deps,
          [claimChange({ ...key, status: claim.status }, { ...key, status: outcome, approved })],
          at,
        );
        const decision = {
          outcome,
          approvedAmount: approved && formatMoney(approved),
          reason,
          decidedBy: caller.keyId,
        };
        await tx.claimHistory.create({
          data: { claimRef: claim.id, kind: "decision", version: updated.version, at, data: decision },
        });
        await audit(
          tx,
          { caller, requestId: ctx.get("requestId"), at },
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
      return ctx.json(view, 200);
    },
  );

  return app;
}
