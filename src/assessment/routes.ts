import { createRoute, z } from "@hono/zod-openapi";
import { callerOf, requireRole } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { router } from "../http/router.ts";
import { Count, json, problems } from "../http/schemas.ts";
import { reassessPending } from "./reassess.ts";

/** The most chunks (of 500 claims) one request runs: the rest is left to the next request or the schedule. */
const CHUNKS_PER_REQUEST = 20;

/** The re-assessment job (docs/api.md "Automated assessment"). */
export function assessmentRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    createRoute({
      operationId: "reassessClaims",
      method: "post",
      path: "/jobs/reassess",
      tags: ["Assessment"],
      summary: "Re-assess claims after catalogue changes now (central)",
      description:
        "Assesses again the undecided claims a catalogue reload may have changed the assessment of (the facility's " +
        "claims with lines discharged on or after the earliest day a changed entry affects), 500 claims per " +
        `transaction, at most ${CHUNKS_PER_REQUEST * 500} claims per request: \`pending\` says whether to call ` +
        "again. Findings and proposed amounts are rewritten where they differ (the old ones stay in the claim's " +
        "history) and the proposed cuts move by the difference. The same job runs on the server's schedule. " +
        "Concurrent runs work different jobs. No body.",
      responses: {
        200: json(
          z
            .object({
              started: Count.openapi({ description: "jobs made by this run from catalogue changes" }),
              finished: Count.openapi({ description: "jobs finished by this run" }),
              assessed: Count.openapi({ description: "claims assessed again" }),
              changed: Count.openapi({ description: "of those, claims whose findings changed" }),
              pending: Count.openapi({ description: "jobs still to run: 0 when everything is re-assessed" }),
            })
            .openapi("ReassessmentRun"),
          "Done",
        ),
        ...problems,
      },
    }),
    async (ctx) => {
      requireRole(callerOf(ctx), "central");
      return ctx.json(await reassessPending(deps, { maxChunks: CHUNKS_PER_REQUEST }), 200);
    },
  );
  return app;
}
