import type { ContentfulStatusCode } from "hono/utils/http-status";

import type { FieldError } from "../domain/field-errors.ts";

export type { FieldError };

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/**
 * The one error type of the service. Thrown anywhere below a route, it is
 * rendered by the app's error handler as RFC 9457 problem+json.
 */
export class Problem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
  }

  body(requestId: string) {
    return {
      type: `https://bhyt-cost-control.example/problems/${this.code}`,
      title: titles[this.status] ?? "Error",
      status: this.status,
      code: this.code,
      detail: this.detail,
      requestId,
      ...(this.errors?.length ? { errors: this.errors } : {}),
    };
  }
}

export const notFound = (what = "resource") => new Problem(404, "not_found", `${what} not found`);
export const forbidden = (detail = "this key's role may not do this") => new Problem(403, "forbidden", detail);
export const conflict = (code: string, detail: string) => new Problem(409, code, detail);
export const unprocessable = (detail: string, errors?: FieldError[]) =>
  new Problem(422, "validation_failed", detail, errors);
