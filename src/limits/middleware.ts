import type { MiddlewareHandler } from "hono";
import type { Clock } from "../clock.ts";
import type { Database } from "../db/client.ts";
import { Problem } from "../http/problem.ts";
import type { AppEnv } from "../http/router.ts";
import { countHits } from "./count.ts";
import type { LimitRules } from "./rules.ts";
import { exceeded, rateLimitHeaders } from "./window.ts";

/**
 * Each key's requests per minute, by role (rules/limits.json), counted in the
 * database so every instance shares the budget. Runs after authentication:
 * the key is the bucket. A request past the budget is 429 with Retry-After;
 * every response carries RateLimit-Limit, -Remaining and -Reset.
 */
export function limitRequests(deps: {
  db: Database;
  clock: Clock;
  limits: () => LimitRules;
}): MiddlewareHandler<AppEnv> {
  return async (ctx, next) => {
    const caller = ctx.get("caller");
    const limit = deps.limits().requestsPerMinute[caller.role];
    const [standing] = await countHits(
      deps.db.sql,
      [{ bucket: `key:${caller.keyId}`, hits: 1, limit }],
      deps.clock.now(),
    );
    const headers = rateLimitHeaders(standing!);
    if (exceeded(standing!))
      throw new Problem(
        429,
        "rate_limited",
        `this key may make ${limit} requests a minute; retry in ${standing!.resetSeconds} s`,
        undefined,
        headers,
      );
    await next();
    for (const [name, value] of Object.entries(headers)) ctx.res.headers.set(name, value);
  };
}
