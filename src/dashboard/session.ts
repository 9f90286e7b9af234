import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { AppEnv } from "../http/router.ts";

/**
 * The dashboard session: a signed cookie naming the API key the person signed
 * in with (its id, never the secret), the key's session generation and when
 * the session ends. HttpOnly and SameSite=Strict; Secure when the request
 * arrived over TLS (directly, or at a trusted proxy). Forms carry a CSRF token
 * derived from the session, checked on every POST.
 */
const COOKIE = "bhyt_session";
const LANG_COOKIE = "bhyt_lang";
const HOURS = 8;

export interface Session {
  keyId: string;
  /** The key's session generation when the session started: signing out moves it on, ending the session. */
  generation: number;
  expires: number;
  raw: string;
}

export async function startSession(
  ctx: Context<AppEnv>,
  secret: string,
  key: { id: string; generation: number; secure: boolean },
  now: Date,
) {
  const expires = now.getTime() + HOURS * 3600_000;
  await setSignedCookie(ctx, COOKIE, `${key.id}|${key.generation}|${expires}`, secret, {
    httpOnly: true,
    sameSite: "Strict",
    secure: key.secure,
    path: "/dashboard",
    maxAge: HOURS * 3600,
  });
}

export async function readSession(ctx: Context<AppEnv>, secret: string, now: Date): Promise<Session | null> {
  const raw = await getSignedCookie(ctx, secret, COOKIE);
  if (!raw) return null;
  const [keyId, generation, expires] = raw.split("|");
  if (!keyId || !/^[0-9]+$/.test(generation ?? "") || !expires || Number(expires) < now.getTime()) return null;
  return { keyId, generation: Number(generation), expires: Number(expires), raw };
}

export function endSession(ctx: Context<AppEnv>, secure: boolean) {
  deleteCookie(ctx, COOKIE, { path: "/dashboard", secure });
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
