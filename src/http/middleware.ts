import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "../logger.ts";
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
 * Bodies are JSON (415 otherwise). Checked before validation so a wrong type
 * is told apart from a malformed body.
 */
export function requireJsonBody(extraTypes: (path: string) => string[] = () => []): MiddlewareHandler<AppEnv> {
  return async (ctx, next) => {
    if (ctx.req.method === "POST" || ctx.req.method === "PUT" || ctx.req.method === "PATCH") {
      const type = (ctx.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      const allowed = ["application/json", ...extraTypes(ctx.req.path)];
      // A request without Content-Length, Transfer-Encoding or Content-Type has no body
      // (curl -X POST without data): a bodiless job trigger is not a wrong media type.
      const length = ctx.req.header("content-length");
      const hasBody =
        (length !== undefined && length !== "0") || ctx.req.header("transfer-encoding") !== undefined || type !== "";
      if (hasBody && !allowed.includes(type))
        throw new Problem(415, "unsupported_media_type", `send the body as ${allowed.join(" or ")}`);
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

/** Caps request bodies (413): larger for the paths named, `fallback` everywhere else. */
export function capBodies(larger: Record<string, number>, fallback: number): MiddlewareHandler<AppEnv> {
  const limiter = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        const size = maxSize >= 1024 * 1024 ? `${maxSize / 1024 / 1024} MiB` : `${maxSize / 1024} KiB`;
        throw new Problem(413, "payload_too_large", `the request body is over ${size}`);
      },
    });
  const special = new Map(Object.entries(larger).map(([path, size]) => [path, limiter(size)]));
  const normal = limiter(fallback);
  return (c, next) => (special.get(c.req.path) ?? normal)(c, next);
}
