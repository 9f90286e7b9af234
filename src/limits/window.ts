/** Fixed windows of a rate limit: pure arithmetic on instants, no clock and no database. */
export const WINDOW_MS = 60_000;

/** The start of the window `at` falls in. */
export const windowStart = (at: Date): Date => new Date(Math.floor(at.getTime() / WINDOW_MS) * WINDOW_MS);

/** Whole seconds from `at` to the end of its window (at least 1): Retry-After and RateLimit-Reset. */
export const secondsToReset = (at: Date): number =>
  Math.max(1, Math.ceil((windowStart(at).getTime() + WINDOW_MS - at.getTime()) / 1000));

/** A bucket's standing after a request was counted in it. */
export interface Standing {
  limit: number;
  /** Hits in the window so far, this request's included. */
  used: number;
  resetSeconds: number;
}

export const exceeded = (standing: Standing): boolean => standing.used > standing.limit;

/** The RateLimit-* headers (IETF httpapi draft, the form most clients read) and, when refused, Retry-After. */
export function rateLimitHeaders(standing: Standing): Record<string, string> {
  const headers: Record<string, string> = {
    "RateLimit-Limit": String(standing.limit),
    "RateLimit-Remaining": String(Math.max(0, standing.limit - standing.used)),
    "RateLimit-Reset": String(standing.resetSeconds),
  };
  if (exceeded(standing)) headers["Retry-After"] = String(standing.resetSeconds);
  return headers;
}
