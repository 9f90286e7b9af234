import type { Context, MiddlewareHandler } from "hono";
import type { Database } from "../db/client.ts";
import { Problem, forbidden } from "../http/problem.ts";
import type { AppEnv } from "../http/router.ts";
import { hashSecret } from "./secrets.ts";
import type { Caller, Role } from "../domain/caller.ts";

export type { Caller, Role };

const unauthorized = () =>
  new Problem(401, "unauthorized", "a valid API key is required (Authorization: Bearer <key>)", undefined, {
    "WWW-Authenticate": 'Bearer realm="bhyt"',
  });

export function authenticate(db: Database): MiddlewareHandler<AppEnv> {
  return async (ctx, next) => {
    const header = ctx.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized();
    const key = await db.prisma.apiKey.findUnique({ where: { secretHash: hashSecret(match[1]!) } });
    const caller = key && !key.revokedAt ? await toCaller(db, key) : null;
    if (!caller) throw unauthorized();
    ctx.set("caller", caller);
    await next();
  };
}

/** The caller a key stands for: its role and scope, with a facility's province resolved. */
export async function callerForKey(db: Database, keyId: string): Promise<Caller | null> {
  const key = await db.prisma.apiKey.findUnique({ where: { id: keyId } });
  return key && !key.revokedAt ? toCaller(db, key) : null;
}

/** Finds the live key a secret belongs to. */
export async function keyForSecret(db: Database, secret: string) {
  const key = await db.prisma.apiKey.findUnique({ where: { secretHash: hashSecret(secret) } });
  return key && !key.revokedAt ? key : null;
}

/**
 * The caller a live key stands for, or null when what it names is gone. Removing a province or facility revokes
 * its keys (a trigger, migration 20261205040000), so a code created again later does not revive them.
 */
async function toCaller(db: Database, key: { id: string; role: Role; scope: string | null }): Promise<Caller | null> {
  if (key.role === "central") return { keyId: key.id, role: "central" };
  if (key.role === "province") return { keyId: key.id, role: "province", provinceCode: key.scope! };
  const facility = await db.prisma.facility.findUnique({ where: { code: key.scope! }, select: { provinceCode: true } });
  return facility && { keyId: key.id, role: "facility", facilityCode: key.scope!, provinceCode: facility.provinceCode };
}

export function callerOf(ctx: Context<AppEnv>): Caller {
  return ctx.get("caller");
}

/** Refuses (403) a caller whose role is not among `roles`. */
export function requireRole<R extends Role>(
  caller: Caller,
  ...roles: R[]
): asserts caller is Extract<Caller, { role: R }> {
  if (!roles.includes(caller.role as R)) throw forbidden(`this endpoint needs a ${roles.join(" or ")} key`, { roles });
}

/** The provinces a caller may read, or null for all. */
export function provinceScope(caller: Caller): string[] | null {
  return caller.role === "central" ? null : [caller.provinceCode];
}

export function canSeeProvince(caller: Caller, provinceCode: string): boolean {
  return caller.role === "central" || (caller.role === "province" && caller.provinceCode === provinceCode);
}
