import type { Context, MiddlewareHandler } from "hono";
import type { Clock } from "../clock.ts";
import { Problem } from "../http/problem.ts";
import type { AppEnv } from "../http/router.ts";

export interface FailedAuthLimitOptions {
  /** Failed authentications a client may make in one window; the next is 429. */
  max?: number;
  windowMs?: number;
  /** Clients counted at once; beyond that, new ones share one counter (spoofed addresses cannot grow memory). */
  maxTracked?: number;
}

/**
 * The client a request comes from: the first hop of X-Forwarded-For (the
 * address the proxy in front of us saw), else the socket's peer address from
 * @hono/node-server, else "unknown". X-Forwarded-For is only as trustworthy as
 * the proxy that sets it (SECURITY.md).
 */
export function clientAddress(ctx: Context<AppEnv>): string {
  const forwarded = ctx.req.header("x-forwarded-for")?.split(",")[0]?.trim();
  if (forwarded) return forwarded.slice(0, 64);
  const env = ctx.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}

/**
 * Counts failed authentications (401s) per client in fixed windows of the
 * injected clock; past `max` in a window the client's further failures are
 * 429 with Retry-After (the seconds to the window's end) instead of 401. A
 * request with a valid key is never refused, counted or slowed: the address
 * may be shared (a hospital's NAT) or spoofed, and must not let a stranger
 * lock a hospital out. Keys are 256-bit random secrets, so this is not what
 * stops guessing; it tells a misbehaving client to back off, and keeps the
 * noise it makes bounded. One counter set per process.
 */
export function limitFailedAuthentication(
  clock: Clock,
  { max = 20, windowMs = 60_000, maxTracked = 10_000 }: FailedAuthLimitOptions = {},
): MiddlewareHandler<AppEnv> {
  let window = Number.NaN;
  const failures = new Map<string, number>();
  return async (ctx, next) => {
    await next();
    if (ctx.res.status !== 401) return;
    const now = clock.now().getTime();
    const current = Math.floor(now / windowMs);
    if (current !== window) {
      window = current;
      failures.clear();
    }
    let client = clientAddress(ctx);
    if (!failures.has(client) && failures.size >= maxTracked) client = "(overflow)";
    const count = (failures.get(client) ?? 0) + 1;
    failures.set(client, count);
    if (count > max) {
      const retryAfter = Math.max(1, Math.ceil(((current + 1) * windowMs - now) / 1000));
      throw new Problem(
        429,
        "too_many_failed_authentications",
        `more than ${max} failed authentications from this client; retry in ${retryAfter} s`,
        undefined,
        {
          "Retry-After": String(retryAfter),
        },
      );
    }
  };
}
