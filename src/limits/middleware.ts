import type { MiddlewareHandler } from "hono";
import type { AppDeps } from "../deps.ts";
import { clientAddress } from "../http/client-address.ts";
import type { AppEnv } from "../http/router.ts";
import { limited, type LimitDeps } from "./charge.ts";
import { countHits } from "./count.ts";
import { exceeded, rateLimitHeaders } from "./window.ts";

/**
 * Each key's requests per minute, by role (rules/limits.json), counted in the
 * database so every instance shares the budget. Runs after authentication:
 * the key is the bucket. A request past the budget is 429 with Retry-After;
 * every answer to an authenticated request carries RateLimit-Limit,
 * -Remaining and -Reset.
 */
export function limitRequests(deps: LimitDeps): MiddlewareHandler<AppEnv> {
  return async (ctx, next) => {
    const rules = deps.rules.limits;
    if (!rules.enabled) return next();
    const caller = ctx.get("caller");
    const limit = rules.requestsPerMinute[caller.role];
    const [standing] = await countHits(
      deps.db.sql,
      [{ bucket: `key:${caller.keyId}`, hits: 1, limit }],
      deps.clock.now(),
    );
    if (exceeded(standing!))
      throw limited(standing!, "rate_limited", `a ${caller.role} key may make ${limit} requests a minute`, {
        role: caller.role,
        limit,
      });
    await next();
    for (const [name, value] of Object.entries(rateLimitHeaders(standing!))) ctx.res.headers.set(name, value);
  };
}

/**
 * Failed sign-ins (a 401 from the API or the dashboard's sign-in form) per
 * client address and minute, counted in the database so that adding instances
 * does not multiply an attacker's guesses. Past the budget, further failures
 * are 429 with Retry-After instead of 401. A request with a valid key is never
 * refused or counted here: the address may be shared (a hospital's NAT) or
 * spoofed, and must not let a stranger lock a hospital out.
 */
export function limitFailedSignIns(deps: LimitDeps & Pick<AppDeps, "trustedProxies">): MiddlewareHandler<AppEnv> {
  return async (ctx, next) => {
    await next();
    const rules = deps.rules.limits;
    if (ctx.res.status !== 401 || !rules.enabled) return;
    const client = clientAddress(ctx, deps.trustedProxies);
    const charge = { bucket: `sign-in:${client}`, hits: 1, limit: rules.failedSignInsPerMinute };
    const [standing] = await countHits(deps.db.sql, [charge], deps.clock.now());
    if (exceeded(standing!))
      throw limited(
        standing!,
        "too_many_failed_authentications",
        `more than ${charge.limit} failed sign-ins a minute from this client`,
        { limit: charge.limit },
      );
    // The 401 says how many more failures this address has this minute.
    for (const [name, value] of Object.entries(rateLimitHeaders(standing!))) ctx.res.headers.set(name, value);
  };
}
