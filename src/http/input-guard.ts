import type { MiddlewareHandler } from "hono";
import { Problem, type ProblemFieldError, notFound } from "./problem.ts";
import type { AppEnv } from "./router.ts";
import { fieldPath } from "../domain/field-errors.ts";

/** Deeper than any body of the contract (a batch's deepest field is 5 levels down). */
export const MAX_JSON_DEPTH = 32;

/** `\u0000` or a UTF-16 surrogate written as a JSON escape: the only way either gets into a parsed string. */
const RISKY_ESCAPE = /\\u(0000|[dD][89a-fA-F][0-9a-fA-F]{2})/;

/** The deepest nesting of arrays and objects in JSON text (strings skipped), stopping once past `limit`. */
function depthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const ch = text.charCodeAt(index);
    if (inString) {
      if (ch === 92)
        index++; // backslash: skip the escaped character
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 91 || ch === 123) {
      if (++depth > limit) return true;
    } else if (ch === 93 || ch === 125) depth--;
  }
  return false;
}

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const BAD_TEXT = { nul: "contains a NUL character (U+0000)", surrogate: "contains an unpaired UTF-16 surrogate" };

/** Why a string cannot be taken: PostgreSQL cannot store it (NUL), or it is not Unicode (an unpaired surrogate). */
function badText(text: string): keyof typeof BAD_TEXT | null {
  if (text.includes("\u0000")) return "nul";
  if (UNPAIRED_SURROGATE.test(text)) return "surrogate";
  return null;
}

/** Walks a parsed body without recursion; the first offending place in document order. */
function firstProblem(body: unknown, maxDepth: number): ProblemFieldError | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: body, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (typeof value === "string") {
      const why = badText(value);
      if (why)
        return { path: fieldPath(path), code: "invalid_characters", message: BAD_TEXT[why], params: { reason: why } };
    } else if (value !== null && typeof value === "object") {
      if (path.length >= maxDepth)
        return {
          path: fieldPath(path),
          code: "too_deep",
          message: `nested deeper than ${maxDepth} levels`,
          params: { depth: maxDepth },
        };
      const entries: [string | number, unknown][] = Array.isArray(value)
        ? value.map((v, i) => [i, v])
        : Object.entries(value);
      for (let index = entries.length - 1; index >= 0; index--) {
        const [key, child] = entries[index]!;
        if (typeof key === "string") {
          const why = badText(key);
          if (why)
            return {
              path: fieldPath(path),
              code: "invalid_characters",
              message: `a field name ${BAD_TEXT[why]}`,
              params: { reason: why, fieldName: true },
            };
        }
        stack.push({ value: child, path: [...path, key] });
      }
    }
  }
  return null;
}

/**
 * Refuses (422, naming the field) JSON bodies that parse but that the service
 * cannot safely handle: nesting deeper than `maxDepth` (recursive code further
 * on — hashing, serialising — would overflow the stack and answer 500), and
 * strings holding NUL or unpaired surrogates (PostgreSQL text and jsonb reject
 * them mid-transaction); NUL in the path (404) or a query value (422) too.
 * A cheap scan of the text decides whether the body
 * needs a closer look, so ordinary bodies are not parsed twice. A body that is
 * not JSON is left to the route (400).
 */
export function refuseUnsafeInput(maxDepth = MAX_JSON_DEPTH): MiddlewareHandler<AppEnv> {
  return async (ctx, next) => {
    // The same for what the URL carries: no object is named with a NUL, and a query value with one is refused by name.
    if (ctx.req.path.includes("\u0000")) throw notFound();
    for (const [name, values] of Object.entries(ctx.req.queries())) {
      const why = values.map(badText).find((w) => w !== null) ?? badText(name);
      if (why)
        throw new Problem(
          422,
          "validation_failed",
          `invalid query: ${name}: ${BAD_TEXT[why]}`,
          [{ path: name, code: "invalid_characters", message: BAD_TEXT[why], params: { reason: why } }],
          undefined,
          { where: "query" },
        );
    }
    const type = (ctx.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type === "application/json" && ctx.req.method !== "GET" && ctx.req.method !== "HEAD") {
      const text = await ctx.req.text();
      if (depthExceeds(text, maxDepth) || RISKY_ESCAPE.test(text)) {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        const problem = body === undefined ? null : firstProblem(body, maxDepth);
        if (problem)
          throw new Problem(
            422,
            "validation_failed",
            `invalid body: ${problem.path}: ${problem.message}`,
            [problem],
            undefined,
            { where: "body" },
          );
      }
    }
    await next();
  };
}
