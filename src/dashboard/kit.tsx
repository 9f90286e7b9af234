/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { type Caller, callerForKey, type Role } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { vietnamYearMonth } from "../domain/period.ts";
import { Problem } from "../http/problem.ts";
import type { AppEnv } from "../http/router.ts";
import { dictionaries, type Lang, type Words } from "./i18n.ts";
import { Layout } from "./pages.tsx";
import { PageError } from "./problems.ts";
import { csrfToken, langOf, readSession, type Session, validCsrf } from "./session.ts";

/** What every dashboard handler needs: the app's dependencies and the secret that signs sessions. */
export interface Kit {
  deps: AppDeps;
  sessionSecret: string;
}

export type Ctx = Context<AppEnv>;

/** A signed-in page's context: the words of its language, who is signed in, and the form token. */
export interface Page {
  w: Words;
  lang: Lang;
  caller: Caller;
  session: Session;
  csrf: string;
  /** The signed-in key's name, shown in the header. */
  keyName: string;
}

/** Who is signed in, in words: "BHXH tỉnh 01 · name". */
export const callerLabel = (words: Words, caller: Caller, keyName: string) => {
  const scope =
    caller.role === "central"
      ? words.roles.central
      : caller.role === "province"
        ? `${words.roles.province} ${caller.provinceCode}`
        : `${words.roles.facility} ${caller.facilityCode}`;
  return keyName ? `${scope} · ${keyName}` : scope;
};

/** `?year=` when it is a sane year, else the current Vietnam-time year. */
export function yearOf(ctx: Ctx, now: Date): number {
  const asked = Number(ctx.req.query("year"));
  return Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : vietnamYearMonth(now).year;
}

/** Only paths inside the dashboard are followed after a form, never another site. */
export const safeBack = (back: unknown) =>
  typeof back === "string" && /^\/dashboard(\/[\w/?=&%.:-]*)?$/.test(back) ? back : "/dashboard";

/** A session is open while its key's generation has not moved on (signing out moves it). */
async function openKey(kit: Kit, session: Session) {
  const key = await kit.deps.db.prisma.apiKey.findUnique({
    where: { id: session.keyId },
    select: { sessionGeneration: true, name: true },
  });
  return key?.sessionGeneration === session.generation ? key : null;
}

/**
 * The signed-in page's context, or a redirect to sign in. `roles` are who may see the page: reviewers by default;
 * a facility's key sees its own workplace.
 */
export async function page(
  kit: Kit,
  ctx: Ctx,
  roles: readonly Role[] = ["central", "province"],
): Promise<Page | Response> {
  const lang = langOf(ctx);
  const session = await readSession(ctx, kit.sessionSecret, kit.deps.clock.now());
  const key = session && (await openKey(kit, session));
  const caller = key && (await callerForKey(kit.deps.db, session.keyId));
  if (!session || !key || !caller) return ctx.redirect("/dashboard/login", 303);
  ctx.set("caller", caller);
  if (!roles.includes(caller.role)) throw new PageError(403, dictionaries[lang].notYours);
  return {
    w: dictionaries[lang],
    lang,
    caller,
    session,
    csrf: csrfToken(kit.sessionSecret, session),
    keyName: key.name,
  };
}

/** The page with the header of a signed-in person. */
export function render(ctx: Ctx, pageData: Page, title: string, body: unknown, status: 200 | 404 | 409 | 422 = 200) {
  return ctx.html(
    <Layout
      w={pageData.w}
      lang={pageData.lang}
      title={title}
      url={ctx.req.url}
      signedIn={{
        csrf: pageData.csrf,
        label: callerLabel(pageData.w, pageData.caller, pageData.keyName),
        role: pageData.caller.role,
      }}
    >
      {body as never}
    </Layout>,
    status,
  );
}

/** A form's CSRF token must be the session's. */
export function checkCsrf(kit: Kit, pageData: Page, token: unknown) {
  if (!validCsrf(kit.sessionSecret, pageData.session, token)) throw new PageError(403, pageData.w.formExpired);
}

/** A 404 page for what is not there or not the caller's to see; anything else goes on as an error. */
export const orNotFound = <T,>(read: Promise<T>): Promise<T | null> =>
  read.catch((err) => (err instanceof Problem && err.status === 404 ? null : Promise.reject(err)));

/** The 404 page. */
export const notFoundPage = (ctx: Ctx, pageData: Page) =>
  render(ctx, pageData, pageData.w.notFound, <p class="error">{pageData.w.notFound}</p>, 404);

/** A query parameter when it matches `pattern`, else undefined (anything not understood is no filter). */
export const queryMatching = (ctx: Ctx, name: string, pattern: RegExp) => {
  const value = ctx.req.query(name);
  return value !== undefined && pattern.test(value) ? value : undefined;
};

/** The provinces a caller may pick: every one for central, their own for a province. */
export const provinceChoices = (kit: Kit, caller: Caller) =>
  kit.deps.db.prisma.province.findMany({
    where: caller.role === "central" ? {} : { code: caller.provinceCode },
    select: { code: true, name: true },
    orderBy: { code: "asc" },
  });
