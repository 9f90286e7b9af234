import type { AppDeps } from "../deps.ts";
import { type MessageParams, Problem } from "../http/problem.ts";
import { type Charge, countHits } from "./count.ts";
import { exceeded, rateLimitHeaders, type Standing } from "./window.ts";

export type LimitDeps = Pick<AppDeps, "db" | "clock" | "rules">;

/** 429 with Retry-After and the RateLimit-* headers of the bucket that ran out; `params` as the detail's specifics. */
export function limited(standing: Standing, code: string, detail: string, params: MessageParams = {}): Problem {
  return new Problem(
    429,
    code,
    `${detail}; retry in ${standing.resetSeconds} s`,
    undefined,
    rateLimitHeaders(standing),
    { ...params, retryIn: standing.resetSeconds },
  );
}

/**
 * Charges a batch's claims (JSON claims or XML episodes) to its facility's
 * budget per minute, whoever sends them; past it, 429 and nothing is stored.
 */
export async function chargeClaims(deps: LimitDeps, facilityCode: string, claims: number): Promise<void> {
  const rules = deps.rules.limits;
  if (!rules.enabled || claims === 0) return;
  const charge: Charge = { bucket: `claims:${facilityCode}`, hits: claims, limit: rules.claimsPerMinutePerFacility };
  const [standing] = await countHits(deps.db.sql, [charge], deps.clock.now());
  if (exceeded(standing!))
    throw limited(
      standing!,
      "claims_rate_limited",
      `facility ${facilityCode} may send ${charge.limit} claims a minute; this batch would make ${standing!.used}`,
      { facility: facilityCode, limit: charge.limit, used: standing!.used },
    );
}
