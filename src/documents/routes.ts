import { createRoute, z } from "@hono/zod-openapi";
import { audit } from "../audit/audit.ts";
import { callerOf, requireRole } from "../auth/caller.ts";
import { ClaimDetail } from "../claims/contract.ts";
import { claimDetail, claimScope } from "../claims/read.ts";
import type { AppDeps } from "../deps.ts";
import { missingDocuments, requiredDocuments } from "../domain/documents.ts";
import type { FieldError } from "../http/problem.ts";
import { notFound, unprocessable } from "../http/problem.ts";
import { router } from "../http/router.ts";
import { FacilityCode, json, jsonBody, problems } from "../http/schemas.ts";
import type { CountedClaim } from "../spending/contribution.ts";
import { claimChange, moveMoney } from "../spending/move.ts";
import * as sql from "./sql.ts";
import { prismaSession } from "../db/client.ts";

const Instant = z.iso.datetime({
  offset: true,
  message: "must be an RFC 3339 time with offset, e.g. 2026-03-01T08:00:00+07:00",
});

const ClaimParams = z.object({ facilityCode: FacilityCode, claimId: z.string().min(1).max(64) });

type Status = CountedClaim["status"];

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
  status: Status;
  insurance: string;
  approved: string | null;
  missingDocuments: string[];
  stuck: boolean;
}

/**
 * Documents sent after the claim (../shared/API.md "Claims"): recorded, and a
 * claim pending documentation that now has everything becomes accepted, stops
 * being stuck, and leaves the pending part of its province's spending, all in
 * one transaction.
 */
export function documentsRoutes(deps: AppDeps) {
  const { prisma } = deps.db;
  const types = deps.rules.documents.documentTypes;
  const app = router();

  const DocumentsBody = z
    .object({
      documents: z
        .array(
          z
            .object({
              type: z
                .string()
                .min(1)
                .max(64)
                .openapi({ description: `one of the rules' document types: ${types.join(", ")}` }),
              reference: z
                .string()
                .trim()
                .min(1)
                .max(200)
                .openapi({ description: "the document's number or reference at the facility", example: "GRV-123" }),
              receivedAt: Instant.optional().openapi({
                description: "when the document was issued or received; default now; may not be in the future",
              }),
            })
            .strict(),
        )
        .min(1)
        .max(50),
    })
    .strict()
    .openapi("ClaimDocumentsInput");

  app.openapi(
    createRoute({
      method: "post",
      path: "/{facilityCode}/{claimId}/documents",
      tags: ["Claims"],
      summary: "Add documents to a claim (its facility, or central)",
      description: [
        "Records the documents (one already recorded with the same type and reference is skipped, so a resend " +
          "changes nothing) and recomputes the missing documents from the rules in force over every document recorded.",
        "When nothing is missing any more, a claim pending documentation becomes `accepted`: `missingDocuments` " +
          "empty, `pendingSince`, `stuck` and `stuckAt` cleared, and its amount leaves the province's " +
          "`pendingDocumentationAmount` (spent is unchanged), in the same transaction.",
        "A decided claim (approved or denied) keeps its status: documents are recorded for the file only. An " +
          "accepted claim stays accepted.",
        "An unknown document type is 422 naming `documents[i].type` and listing the allowed types; a `receivedAt` in " +
          "the future is 422. Province keys: 403. Another facility's claim: 404.",
        "Responds with the claim as `GET /v1/claims/{facilityCode}/{claimId}` shows it.",
      ].join("\n\n"),
      request: { params: ClaimParams, body: jsonBody(DocumentsBody) },
      responses: { 200: json(ClaimDetail, "The claim after the documents"), ...problems },
    }),
    async (ctx) => {
      const caller = callerOf(ctx);
      requireRole(caller, "facility", "central");
      const { facilityCode, claimId } = ctx.req.valid("param");
      const { documents } = ctx.req.valid("json");
      const at = deps.clock.now();

      const errors: FieldError[] = [];
      const received = documents.map((doc, index) => {
        if (!types.includes(doc.type))
          errors.push({
            path: `documents[${index}].type`,
            code: "unknown_document_type",
            message: `unknown document type; allowed: ${types.join(", ")}`,
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
      if (errors.length) throw unprocessable(`invalid body: ${errors[0]!.path}: ${errors[0]!.message}`, errors);
      // The same document twice in one request is recorded once (the first receivedAt wins).
      const firsts = new Map<string, (typeof received)[number]>();
      for (const doc of received) {
        const docKey = `${doc.type}\u0000${doc.reference}`;
        if (!firsts.has(docKey)) firsts.set(docKey, doc);
      }
      const toRecord = [...firsts.values()];

      const view = await prisma.$transaction(async (tx) => {
        const found = await tx.claim.findFirst({
          where: { AND: [claimScope(caller), { facilityCode, claimId }] },
          select: { id: true },
        });
        if (!found) throw notFound("claim");
        const [claim] = await tx.$queryRawUnsafe<LockedClaim[]>(sql.LOCK_CLAIM, found.id);
        if (!claim) throw notFound("claim");

        const inserted = await tx.$queryRawUnsafe<{ type: string; reference: string }[]>(
          sql.INSERT_DOCUMENTS,
          claim.id,
          toRecord.map((d) => d.type),
          toRecord.map((d) => d.reference),
          toRecord.map((d) => d.receivedAt),
        );
        // Recomputed from the rules in force over every document recorded, whether or not this request added one.
        const have = (await tx.$queryRawUnsafe<{ type: string }[]>(sql.DOCUMENT_TYPES, claim.id)).map((r) => r.type);
        const before = { status: claim.status, missingDocuments: claim.missingDocuments, stuck: claim.stuck };
        let after = before;
        if (claim.status === "pending_documentation") {
          const missing = missingDocuments(requiredDocuments(claim, deps.rules.documents), have);
          after = missing.length
            ? { ...before, missingDocuments: missing }
            : { status: "accepted", missingDocuments: [], stuck: false };
        }
        const accepted = after.status === "accepted" && before.status === "pending_documentation";
        const missingChanged = after.missingDocuments.join(",") !== before.missingDocuments.join(",");
        if (inserted.length === 0 && !missingChanged) return (await claimDetail(tx, { id: claim.id }))!;

        await tx.claim.update({
          where: { id: claim.id },
          data: {
            updatedAt: at,
            ...(missingChanged ? { missingDocuments: after.missingDocuments } : {}),
            ...(accepted ? { status: "accepted", pendingSince: null, stuck: false, stuckAt: null } : {}),
          },
        });

        if (accepted) {
          const key = {
            provinceCode: claim.provinceCode,
            year: Number(claim.year),
            month: Number(claim.month),
            facilityCode: claim.facilityCode,
            insurance: claim.insurance,
            approved: claim.approved,
            receivedAt: new Date(claim.receivedAt),
          };
          const change = claimChange({ ...key, status: before.status }, { ...key, status: after.status });
          await moveMoney(prismaSession(tx), deps, [change], at);
        }

        await audit(
          tx,
          { caller, requestId: ctx.get("requestId"), at },
          {
            action: "claim.documents",
            entity: "claim",
            entityId: `${facilityCode}/${claimId}`,
            before,
            after: { ...after, documentsAdded: inserted },
          },
        );
        return (await claimDetail(tx, { id: claim.id }))!;
      });
      return ctx.json(view, 200);
    },
  );

  return app;
}
