import type { ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "../logger.ts";
import { Problem } from "./problem.ts";
import { preferredLang } from "./problem-messages.ts";
import { problemFromHttpException } from "./middleware.ts";
import type { AppEnv } from "./router.ts";

// 57014 and 55P03: a statement or lock wait past the bounds a transaction set (the batch path's): busy, retry later.
// 40001: the row a request waited on was moved to another year's partition by a correction (the claim tables are
// partitioned by year); the same request again finds it where it now is.
const UNAVAILABLE =
  /ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection|40001|57P01|57P02|57P03|57014|55P03|08006|08001|08003|P1001|P1017|P2028|timeout exceeded when trying to connect|Can't reach database|the database system is (starting up|shutting down)/i;

/** True when an error means "the database is not there right now" rather than a bug. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let cause: unknown = err, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (UNAVAILABLE.test(String(code ?? "")) || UNAVAILABLE.test(String(message ?? ""))) return true;
  }
  return false;
}

/** SQLSTATEs of text PostgreSQL cannot store: U+0000 in text (22021) or in jsonb (22P05). */
const UNSTORABLE_TEXT = new Set(["22021", "22P05"]);

/**
 * True when the database refused a value the client sent (a NUL character):
 * the request's fault, not a bug. Prisma's driver adapters keep the SQLSTATE
 * in `meta.driverAdapterError.cause`; pg errors carry it as `code`.
 */
export function isUnstorableText(err: unknown): boolean {
  for (let cause: unknown = err, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const { code, meta } = cause as {
      code?: unknown;
      meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } };
    };
    if (UNSTORABLE_TEXT.has(String(code)) || UNSTORABLE_TEXT.has(String(meta?.driverAdapterError?.cause?.originalCode)))
      return true;
  }
  return false;
}

/** SQLSTATEs of values beyond their column: a number past numeric(18,2) (22003), a date before year 1 (22008). */
const OUT_OF_RANGE = new Set(["22003", "22008"]);

/** The SQLSTATE when the database refused a value as out of range, else null. */
export function outOfRangeCode(err: unknown): string | null {
  for (let cause: unknown = err, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const { code, meta } = cause as {
      code?: unknown;
      meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } };
    };
    for (const candidate of [String(code), String(meta?.driverAdapterError?.cause?.originalCode)])
      if (OUT_OF_RANGE.has(candidate)) return candidate;
  }
  return null;
}

/**
 * The client went away before its request was read whole (a dropped phone connection, a cancelled upload):
 * nothing is wrong with the service or its database. @hono/node-server aborts the request's signal when the
 * client disconnects; the body stream then fails with "aborted".
 */
export function isClientAbort(ctx: { req: { raw: Request } }, err: unknown): boolean {
  if (ctx.req.raw.signal?.aborted) return true;
  const { message, code } = (err ?? {}) as { message?: unknown; code?: unknown };
  return message === "aborted" && (code === undefined || code === "ECONNRESET");
}

/** What is logged and answered for a client that went away: no problem body (no one reads it), status 499. */
export function clientAborted(logger: Logger, requestId: string): Response {
  logger.info("client aborted", { requestId });
  return new Response(null, { status: 499 as never });
}

/** The one error handler: problems render themselves; anything else is a 500 that says only the request id. */
export function onError(logger: Logger): ErrorHandler<AppEnv> {
  return (err, ctx) => {
    const requestId = ctx.get("requestId") ?? "unknown";
    if (!(err instanceof Problem) && isClientAbort(ctx, err)) return clientAborted(logger, requestId);
    let problem: Problem;
    if (err instanceof Problem) problem = err;
    else if (err instanceof HTTPException) problem = problemFromHttpException(err);
    else if (isUnstorableText(err))
      problem = new Problem(
        422,
        "invalid_text",
        "a text field contains a NUL character (\\u0000), which cannot be stored",
      );
    else if (outOfRangeCode(err))
      // Each value passed validation; what the database makes of it (a total past numeric(18,2), a time before year 1)
      // does not fit. Rolled back, nothing stored.
      problem =
        outOfRangeCode(err) === "22003"
          ? new Problem(422, "amount_out_of_range", "an amount, or a total it adds to, exceeds 9999999999999999.99", [
              {
                path: "(body)",
                code: "amount_out_of_range",
                message: "the amounts sent would take a stored total past 9999999999999999.99",
              },
            ])
          : new Problem(422, "value_out_of_range", "a date or time is beyond what can be stored", [
              { path: "(body)", code: "value_out_of_range", message: "a date or time is out of range" },
            ]);
    else if (isDatabaseUnavailable(err)) {
      logger.warn("database unavailable", { requestId, error: String((err as Error).message).slice(0, 200) });
      problem = new Problem(503, "database_unavailable", "the database is unavailable; retry later", undefined, {
        "Retry-After": "5",
      });
    } else {
      logger.error("unhandled error", { requestId, error: (err as Error).stack ?? String(err) });
      return ctx.json({ status: 500, requestId }, 500, {
        "Content-Type": "application/problem+json",
        "X-Request-Id": requestId,
      });
    }
    // The text is in the language the request prefers (English unless Vietnamese is asked for); codes are not.
    const lang = preferredLang(ctx.req.header("accept-language"));
    return ctx.json(problem.body(requestId, lang), problem.status, {
      "Content-Type": "application/problem+json",
      "Content-Language": lang,
      Vary: "Accept-Language",
      "X-Request-Id": requestId,
      ...problem.headers,
    });
  };
}
