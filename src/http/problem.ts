import type { ContentfulStatusCode } from "hono/utils/http-status";

import type { FieldError } from "../domain/field-errors.ts";
import { type Lang, type MessageParams, type ProblemFieldError, type Thing, problemText } from "./problem-messages.ts";

export type { FieldError, MessageParams, ProblemFieldError };

/**
 * The one error type of the service. Thrown anywhere below a route, it is
 * rendered by the app's error handler as RFC 9457 problem+json, in English or,
 * when the request prefers it, in Vietnamese (src/http/problem-messages.ts).
 * `params` are the specifics the English detail carries, for the Vietnamese one.
 */
export class Problem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    readonly detail: string,
    readonly errors?: ProblemFieldError[],
    readonly headers?: Record<string, string>,
    readonly params?: MessageParams,
  ) {
    super(detail);
  }

  body(requestId: string, lang: Lang = "en") {
    const text = problemText(this, lang);
    return {
      type: `https://bhyt-cost-control.example/problems/${this.code}`,
      title: text.title,
      status: this.status,
      code: this.code,
      detail: text.detail,
      requestId,
      ...(text.errors.length ? { errors: text.errors } : {}),
    };
  }
}

export const notFound = (what: Thing = "resource") =>
  new Problem(404, "not_found", `${what} not found`, undefined, undefined, { what });
export const forbidden = (detail = "this key's role may not do this", params?: MessageParams) =>
  new Problem(403, "forbidden", detail, undefined, undefined, params);
export const conflict = (code: string, detail: string, params?: MessageParams) =>
  new Problem(409, code, detail, undefined, undefined, params);
export const unprocessable = (detail: string, errors?: ProblemFieldError[], params?: MessageParams) =>
  new Problem(422, "validation_failed", detail, errors, undefined, params);
