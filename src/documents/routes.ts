import { createRoute, z } from "@hono/zod-openapi";
import { callerOf } from "../auth/caller.ts";
import { ClaimDetail } from "../claims/contract.ts";
import type { AppDeps } from "../deps.ts";
import { router } from "../http/router.ts";
import { FacilityCode, json, jsonBody, problems } from "../http/schemas.ts";
import { Instant } from "../claims/schema.ts";
import { recordDocuments } from "./record.ts";

const ClaimParams = z.object({ facilityCode: FacilityCode, claimId: z.string().min(1).max(64) });

/** The body names the document types of the rules in force. */
const documentsBody = (types: readonly string[]) =>
  z
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

const documentsRoute = (types: readonly string[]) =>
  createRoute({
    operationId: "addClaimDocuments",
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
    request: { params: ClaimParams, body: jsonBody(documentsBody(types)) },
    responses: { 200: json(ClaimDetail, "The claim after the documents"), ...problems },
  });

/** Documents sent after the claim (docs/api.md "Claims"); the work is recordDocuments'. */
export function documentsRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(documentsRoute(deps.rules.documents.documentTypes), async (ctx) => {
    const input = { ...ctx.req.valid("param"), ...ctx.req.valid("json"), requestId: ctx.get("requestId") };
    return ctx.json(await recordDocuments(deps, callerOf(ctx), input), 200);
  });
  return app;
}
