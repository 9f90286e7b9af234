import { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { createHash } from "node:crypto";
import { CSS as DASHBOARD_CSS } from "./dashboard/pages.tsx";
import { alertsRoutes } from "./alerts/routes.ts";
import { authenticate } from "./auth/caller.ts";
import type { AppDeps } from "./deps.ts";
import { backlogRoutes } from "./backlog/routes.ts";
import { assessmentRoutes } from "./assessment/routes.ts";
import { dashboardRoutes } from "./dashboard/routes.tsx";
import { batchesRoutes } from "./batches/routes.ts";
import { CATALOGUE_PATH, CSV_MEDIA_TYPES, cataloguesRoutes } from "./catalogues/routes.ts";
import { claimsRoutes } from "./claims/routes.ts";
import { documentsRoutes } from "./documents/routes.ts";
import { estimatesRoutes } from "./estimates/routes.ts";
import { onError } from "./http/errors.ts";
import { refuseUnsafeInput } from "./http/input-guard.ts";
import { accessLog, type BodyCap, capBodies, bodyLimits, requestId, requireJsonBody } from "./http/middleware.ts";
import { Problem } from "./http/problem.ts";
import type { AppEnv } from "./http/router.ts";
import { keysRoutes } from "./keys/routes.ts";
import { limitFailedSignIns, limitRequests } from "./limits/middleware.ts";
import { docsRoutes } from "./ops/docs.ts";
import { opsRoutes } from "./ops/routes.ts";
import { referenceRoutes } from "./reference/routes.ts";
import { costsRoutes } from "./costs/routes.ts";
import { reportsRoutes } from "./reports/routes.ts";
import { rulesRoutes } from "./rules/routes.ts";
import { usageRoutes } from "./usage/routes.ts";
import { XML_BATCH_PATH, XML_MEDIA_TYPES, xmlRoutes } from "./xml/routes.ts";

export type { AppDeps };

/** Response headers a page of another origin may read. */
const EXPOSED_HEADERS = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After", "X-Request-Id"];

/**
 * No script but the service's own files, no inline script at all; the dashboard's one inline style sheet by its
 * hash; nothing may frame a page; forms post only here.
 */
function contentSecurityPolicy() {
  const dashboardStyle = `'sha256-${createHash("sha256").update(DASHBOARD_CSS).digest("base64")}'`;
  return {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", dashboardStyle],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  };
}

/** Each kind of route's body cap: the XML route counts its own streamed body, so only its Content-Length is checked. */
function bodyCaps(deps: AppDeps) {
  const limits = bodyLimits(deps.bodyLimits);
  return (path: string): BodyCap => {
    if (path === XML_BATCH_PATH) return { bytes: limits.xml, streamed: true };
    if (path === "/v1/batches") return { bytes: limits.batch };
    if (CATALOGUE_PATH.test(path)) return { bytes: limits.catalogue };
    if (path.startsWith("/dashboard")) return { bytes: limits.form };
    return { bytes: limits.api };
  };
}

/** The media types a route's body may have: JSON, but an XML file or a CSV catalogue where they are sent. */
function bodyTypes(path: string): string[] {
  if (path === XML_BATCH_PATH) return XML_MEDIA_TYPES;
  return CATALOGUE_PATH.test(path) ? CSV_MEDIA_TYPES : ["application/json"];
}

/** The API's sections, in the order docs/api.md presents them. */
const TAGS = [
  { name: "Operations", description: "Liveness and readiness, for load balancers and orchestrators" },
  { name: "Keys", description: "API keys: central, province and facility roles (central only)" },
  { name: "Reference data", description: "Provinces (with their 2025 mergers) and facilities" },
  { name: "Estimates", description: "Each province's annual spending estimate and its adjustments" },
  { name: "Rules", description: "The rules in force: thresholds, documents, deadlines, limits" },
  {
    name: "Catalogues",
    description: "Each facility's approved drugs, supplies, service prices and staff, with their validity dates",
  },
  { name: "Batches", description: "Claims in: JSON batches and Ministry of Health XML files" },
  { name: "Claims", description: "Reading claims, sending documents later, the agency's decisions" },
  {
    name: "Assessment",
    description: "Automated assessment against the catalogues: re-assessment after a catalogue changes",
  },
  { name: "Usage", description: "Spending against each province's estimate" },
  { name: "Alerts", description: "Threshold, projected-overrun and backlog alerts, their steps and webhooks" },
  { name: "Backlog", description: "Claims stuck on missing documents" },
  { name: "Reports", description: "Late submissions, cost outliers and the year-end projection" },
];

/**
 * The whole HTTP surface in one place. Runtime-neutral: the Node server, the
 * Worker and the tests all build it from their own dependencies.
 */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.use("*", requestId());
  app.use("*", accessLog(deps.logger));
  app.use("*", secureHeaders({ contentSecurityPolicy: contentSecurityPolicy(), xFrameOptions: "DENY" }));
  // The API is authorised by bearer keys, never cookies: a page of any origin may call it with a key it holds.
  app.use("/v1/*", cors({ origin: "*", exposeHeaders: EXPOSED_HEADERS }));
  // Who is asking, and whether they have budget left, before any body is read: a request without a valid key
  // or past its budget is refused however large its body.
  app.use("/v1/*", limitFailedSignIns(deps));
  app.use("/dashboard/login", limitFailedSignIns(deps));
  app.use("/v1/*", authenticate(deps.db));
  app.use("/v1/*", limitRequests(deps));
  app.use("/v1/*", requireJsonBody(bodyTypes));
  // Then one cap on every route (sign-in needs no session), before anything reads a body.
  app.use("*", capBodies(bodyCaps(deps)));
  app.use("/v1/*", refuseUnsafeInput());

  app.route("/", opsRoutes(deps));
  app.get("/", (c) => c.redirect("/dashboard", 302));
  app.route("/dashboard", dashboardRoutes(deps, deps.sessionSecret ?? crypto.randomUUID() + crypto.randomUUID()));
  app.route("/v1/keys", keysRoutes(deps));
  app.route("/v1", referenceRoutes(deps));
  app.route("/v1/provinces", estimatesRoutes(deps));
  app.route("/v1/rules", rulesRoutes(deps));
  // /v1/facilities/{code}/catalogues/{kind}.
  app.route("/v1", cataloguesRoutes(deps));
  app.route("/v1/alerts", alertsRoutes(deps));
  // /v1/usage and /v1/provinces/{code}/usage (beside the estimates' /v1/provinces/{code}/estimates/...).
  app.route("/v1", usageRoutes(deps));
  // /v1/provinces/{code}/costs and /v1/facilities/{code}/costs.
  app.route("/v1", costsRoutes(deps));
  app.route(XML_BATCH_PATH, xmlRoutes(deps));
  app.route("/v1/batches", batchesRoutes(deps));
  app.route("/v1/claims", claimsRoutes(deps));
  app.route("/v1/claims", documentsRoutes(deps));
  // /v1/backlog and /v1/jobs/mark-stuck.
  app.route("/v1", backlogRoutes(deps));
  // /v1/jobs/reassess.
  app.route("/v1", assessmentRoutes(deps));
  // /v1/reports/late-submissions, /v1/reports/outliers, /v1/reports/assessment and /v1/provinces/{code}/projection.
  app.route("/v1", reportsRoutes(deps));

  serveOpenApi(app);
  app.route("/docs", docsRoutes(deps.docsAssets));

  const allowed = allowedMethods(app.routes);
  app.notFound((ctx) => {
    const methods = allowed(ctx.req.path);
    if (methods.length)
      throw new Problem(
        405,
        "method_not_allowed",
        `this path answers ${methods.join(", ")}`,
        undefined,
        { Allow: methods.join(", ") },
        { methods },
      );
    // The path is not echoed: a client may have put a patient's data in it.
    throw new Problem(
      404,
      "not_found",
      `no route matches this ${ctx.req.method} request's path`,
      undefined,
      undefined,
      {
        method: ctx.req.method,
      },
    );
  });
  app.onError(onError(deps.logger));
  return app;
}

export type App = ReturnType<typeof createApp>;

/** /openapi.json: the document generated from the routes' own schemas. */
function serveOpenApi(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Health-insurance claims cost control",
      version: "0.1.0",
      description:
        "Claims in, spending against each province's estimate, threshold alerts, documentation backlog. Errors are " +
        "RFC 9457 problem+json.",
    },
    security: [{ bearer: [] }],
    // Each deployment serves its own document: paths are relative to where it was fetched.
    servers: [
      {
        url: "/",
        description: "This deployment (production, staging or local: wherever this document was fetched from)",
        "x-internal": false,
      } as never,
    ],
    tags: TAGS,
  });
}

/** The methods the app answers at a path, from its route table (for 405 and its Allow header). */
function allowedMethods(routes: readonly { method: string; path: string }[]): (path: string) => string[] {
  const patterns = routes
    .filter((route) => route.method !== "ALL" && !route.path.includes("*"))
    .map((route) => ({
      method: route.method,
      matches: new RegExp(`^${route.path.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/:\w+/g, "[^/]+")}/?$`),
    }));
  return (path) => {
    const methods = new Set(patterns.filter((pattern) => pattern.matches.test(path)).map((pattern) => pattern.method));
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods].sort();
  };
}
