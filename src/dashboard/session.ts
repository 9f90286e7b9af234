import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { AppEnv } from "../http/router.ts";

/**
 * The dashboard session: a signed cookie naming the API key the person signed
 * in with (its id, never the secret) and when the session ends. HttpOnly and
 * SameSite=Strict; Secure when served over HTTPS. Forms carry a CSRF token
 * derived from the session, checked on every POST.
 */
const COOKIE = "bhyt_session";
const LANG_COOKIE = "bhyt_lang";
const HOURS = 8;

export interface Session {
  keyId: string;
  expires: number;
  raw: string;
}

const secure = (c: Context<AppEnv>) => new URL(c.req.url).protocol === "https:";

export async function startSession(ctx: Context<AppEnv>, secret: string, keyId: string, now: Date) {
  const expires = now.getTime() + HOURS * 3600_000;
  await setSignedCookie(ctx, COOKIE, `${keyId}|${expires}`, secret, {
    httpOnly: true,
    sameSite: "Strict",
    secure: secure(ctx),
    path: "/dashboard",
    maxAge: HOURS * 3600,
  });
}

export async function readSession(ctx: Context<AppEnv>, secret: string, now: Date): Promise<Session | null> {
  const raw = await getSignedCookie(ctx, secret, COOKIE);
  if (!raw) return null;
  const [keyId, expires] = raw.split("|");
  if (!keyId || !expires || Number(expires) < now.getTime()) return null;
  return { keyId, expires: Number(expires), raw };
}

export function endSession(ctx: Context<AppEnv>) {
  deleteCookie(ctx, COOKIE, { path: "/dashboard", secure: secure(ctx) });
}

export function csrfToken(secret: string, session: Session): string {
  return createHmac("sha256", secret).update(`csrf|${session.raw}`).digest("base64url");
}

export function validCsrf(secret: string, session: Session, token: unknown): boolean {
  if (typeof token !== "string") return false;
  const expected = Buffer.from(csrfToken(secret, session));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function langOf(ctx: Context<AppEnv>): "vi" | "en" {
  const asked = ctx.req.query("lang");
  if (asked === "en" || asked === "vi") {
    ctx.header("Set-Cookie", `${LANG_COOKIE}=${asked}; Path=/dashboard; SameSite=Strict; HttpOnly`, { append: true });
    return asked;
  }
  return (ctx.req.header("cookie") ?? "").includes(`${LANG_COOKIE}=en`) ? "en" : "vi";
}
