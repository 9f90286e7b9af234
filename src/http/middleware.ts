import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "../logger.ts";
import { formatBytes } from "./bytes.ts";
import { Problem } from "./problem.ts";
import type { AppEnv } from "./router.ts";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes a well-formed incoming X-Request-Id (to follow a call across systems) or makes one. */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async (ctx, next) => {
    const incoming = ctx.req.header("x-request-id");
    const id = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    ctx.set("requestId", id);
    await next();
    ctx.header("X-Request-Id", id);
  };
}

/** One log line per request: method, path, status, time, who. Never bodies or query values. */
export function accessLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (ctx, next) => {
    const started = performance.now();
    await next();
    const caller = ctx.get("caller");
    logger.info("request", {
      requestId: ctx.get("requestId"),
      method: ctx.req.method,
      path: ctx.req.routePath ?? new URL(ctx.req.url).pathname,
      status: ctx.res.status,
      ms: Math.round(performance.now() - started),
      ...(caller ? { keyId: caller.keyId, role: caller.role } : {}),
    });
  };
}

/**
 * Bodies are JSON, or what `typesFor` names for the path (415 otherwise). Checked before the body is read, and before
 * validation so a wrong type is told apart from a malformed body.
 */
export function requireJsonBody(
  typesFor: (path: string) => string[] = () => ["application/json"],
): MiddlewareHandler<AppEnv> {
  return async (ctx, next) => {
    if (ctx.req.method === "POST" || ctx.req.method === "PUT" || ctx.req.method === "PATCH") {
      const type = (ctx.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      const allowed = typesFor(ctx.req.path);
      // A request without Content-Length, Transfer-Encoding or Content-Type has no body
      // (curl -X POST without data): a bodiless job trigger is not a wrong media type.
      const length = ctx.req.header("content-length");
      const hasBody =
        (length !== undefined && length !== "0") || ctx.req.header("transfer-encoding") !== undefined || type !== "";
      if (hasBody && !allowed.includes(type))
        throw new Problem(
          415,
          "unsupported_media_type",
          `send the body as ${allowed.join(" or ")}`,
          undefined,
          undefined,
          {
            types: allowed,
          },
        );
    }
    await next();
  };
}

/** Hono's own exceptions (malformed JSON, body limit) as problems. */
export function problemFromHttpException(err: HTTPException): Problem {
  if (err.status === 413) return new Problem(413, "payload_too_large", "the request body is too large");
  if (err.status === 400) return new Problem(400, "malformed_json", "the request body is not valid JSON");
  return new Problem(err.status as 400, "http_error", err.message || "request refused");
}

/** A route's body cap. A streamed body is counted by its reader: only its Content-Length is checked here. */
export interface BodyCap {
  bytes: number;
  streamed?: boolean;
}

/** The body caps of each kind of route (bytes), from configuration (BODY_LIMIT and the others, README). */
export interface BodyLimits {
  /** Every route not named below. */
  api: number;
  /** POST /v1/batches: 5,000 claims fit well within 32 MiB. */
  batch: number;
  /** POST /v1/batches/xml, after decompression too: streamed, one episode in memory at a time. */
  xml: number;
  /** The dashboard's forms: a key or a note. */
  form: number;
  /** PUT /v1/facilities/{code}/catalogues/{kind}: a CSV catalogue, tens of thousands of rows of a few hundred bytes. */
  catalogue: number;
}

const DEFAULT_BODY_LIMITS: BodyLimits = {
  api: 1024 ** 2,
  batch: 32 * 1024 ** 2,
  xml: 2 * 1024 ** 3,
  form: 16 * 1024,
  catalogue: 32 * 1024 ** 2,
};

/** The configured caps over the defaults. */
export const bodyLimits = (configured?: Partial<BodyLimits>): BodyLimits => ({ ...DEFAULT_BODY_LIMITS, ...configured });

/**
 * Caps request bodies (413) with the cap `capFor` gives the path: by Content-Length before a byte is read, else
 * as the bytes arrive, without holding them (whoever reads the body holds it, at most the cap).
 */
export function capBodies(capFor: (path: string) => BodyCap): MiddlewareHandler<AppEnv> {
  return async (ctx, next) => {
    const cap = capFor(ctx.req.path);
    const declared = ctx.req.header("content-length");
    if (declared !== undefined && Number(declared) > cap.bytes) throw tooLarge(cap.bytes);
    // A declared length is all Node or Workers let through; a chunked body is counted as it is read. The body is
    // touched only then: on Node, asking for it makes a web stream that reading the text directly does not need.
    if (!cap.streamed && declared === undefined && ctx.req.raw.body)
      // duplex: Node's fetch requires it for a stream body; TypeScript's RequestInit does not know it yet.
      ctx.req.raw = new Request(ctx.req.raw, {
        body: ctx.req.raw.body.pipeThrough(countedUpTo(cap.bytes)),
        duplex: "half",
      } as RequestInit);
    await next();
  };
}

const tooLarge = (bytes: number) =>
  new Problem(413, "payload_too_large", `the request body is over ${formatBytes(bytes)}`, undefined, undefined, {
    bytes,
  });

/** Passes a body through, failing its reader with the 413 once more than `bytes` have come. */
function countedUpTo(bytes: number) {
  let seen = 0;
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > bytes) controller.error(tooLarge(bytes));
      else controller.enqueue(chunk);
    },
  });
}
