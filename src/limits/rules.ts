import { z } from "zod";

const perMinute = z.number().int().min(1).max(10_000_000);

/**
 * rules/limits.json: what one key, one facility and one client address may do
 * per minute, shared by every instance (OWASP API4, unrestricted resource
 * consumption). A budget is per fixed minute; the window's end is when it refills.
 */
export const LimitRulesSchema = z
  .object({
    /** Off only where a gateway in front of the service already limits each client. */
    enabled: z.boolean().default(true),
    /** Requests a key may make per minute, by its role. */
    requestsPerMinute: z
      .object({ central: perMinute.default(1200), province: perMinute.default(600), facility: perMinute.default(300) })
      .strict()
      .prefault({}),
    /** Claims one facility's batches may carry per minute (JSON claims and XML episodes alike), whoever sends them. */
    claimsPerMinutePerFacility: perMinute.default(60_000),
    /** Failed sign-ins (API and dashboard) from one client address per minute; past it, 429 instead of 401. */
    failedSignInsPerMinute: perMinute.default(20),
  })
  .strict();

export type LimitRules = z.infer<typeof LimitRulesSchema>;
