/** @jsxImportSource hono/jsx */
import type { Caller } from "../auth/caller.ts";
import { claimDetail, claimScope, type ClaimFilter, listClaims } from "../claims/read.ts";
import { decideClaim } from "../claims/decide.ts";
import { CLAIM_STATUSES, type ClaimStatus, DECISION_OUTCOMES } from "../domain/claim-status.ts";
import { CLAIM_FLAGS } from "../domain/flags.ts";
import { Dec } from "../domain/money.ts";
import { recordDocuments } from "../documents/record.ts";
import { Problem } from "../http/problem.ts";
import { facilitiesOfProvince } from "../reference/service.ts";
import { Money } from "../http/schemas.ts";
import {
  ClaimView,
  type ClaimDetailView,
  DecisionForm,
  DocumentForm,
  type FormState,
  lineColumns,
  numberedLines,
} from "./claim-view.tsx";
import { ClaimFilters, ClaimTable, type FacilityChoice } from "./claims-list.tsx";
import { checkCsrf, type Ctx, type Kit, notFoundPage, page, type Page, queryMatching, render } from "./kit.tsx";
import { FormRefusal, problemMessage } from "./problems.ts";
import { exportTable, exportFormat } from "./tables.tsx";
import { claimColumns } from "./claims-list.tsx";

const EVERYONE = ["central", "province", "facility"] as const;

/** The facilities a caller may filter by, by name: a province's own (and those of provinces merged into it). */
async function facilityChoices(kit: Kit, caller: Caller): Promise<FacilityChoice[]> {
  if (caller.role === "facility") return [];
  if (caller.role === "province") return facilitiesOfProvince(kit.deps, caller.provinceCode);
  return kit.deps.db.prisma.facility.findMany({ select: { code: true, name: true }, orderBy: { code: "asc" } });
}

/** The list's filters from the query string; anything not understood is no filter. */
export function claimFilter(ctx: Ctx, limit: number): ClaimFilter {
  const status = ctx.req.query("status");
  const flag = ctx.req.query("flag");
  const stuck = ctx.req.query("stuck");
  const hasFindings = ctx.req.query("hasFindings");
  return {
    limit,
    cursor: queryMatching(ctx, "cursor", /^[\w-]{1,200}$/),
    status: (CLAIM_STATUSES as readonly string[]).includes(status ?? "") ? (status as ClaimStatus) : undefined,
    flag: (CLAIM_FLAGS as readonly string[]).includes(flag ?? "") ? flag : undefined,
    stuck: stuck === "true" ? true : stuck === "false" ? false : undefined,
    facility: queryMatching(ctx, "facility", /^\d{5}$/),
    province: queryMatching(ctx, "province", /^\d{2}$/),
    year: Number(queryMatching(ctx, "year", /^\d{4}$/)) || undefined,
    month: Number(queryMatching(ctx, "month", /^(?:[1-9]|1[0-2])$/)) || undefined,
    missingDocument: queryMatching(ctx, "missingDocument", /^[a-z_]{1,64}$/),
    hasFindings: hasFindings === "true" ? true : hasFindings === "false" ? false : undefined,
  };
}

/** The query string of a filter (without its cursor), for links and downloads. */
export const filterQuery = (filter: ClaimFilter, extra: Record<string, string> = {}) =>
  new URLSearchParams(
    Object.entries({ ...filter, limit: undefined, cursor: undefined, ...extra })
      .filter(([, value]) => value !== undefined && value !== "")
      .map(([name, value]) => [name, String(value)]),
  ).toString();

/** The claims list: filters, a page of claims, the next page, and the same as CSV or XLSX. */
export async function claimsListPage(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx, EVERYONE);
  if (pageData instanceof Response) return pageData;
  const { w: words, lang, caller } = pageData;
  const format = exportFormat(ctx);
  const filter = claimFilter(ctx, format ? 5000 : 50);
  const claims = await listClaims(kit.deps, caller, filter);
  const columns = claimColumns(words, lang);
  if (format) return exportTable(format, columns, claims.data, `claims`);
  const query = filterQuery(filter);
  return render(
    ctx,
    pageData,
    words.claimsList,
    <>
      <h1>{words.claimsList}</h1>
      <ClaimFilters
        w={words}
        filter={filter}
        facilities={await facilityChoices(kit, caller)}
        documentTypes={kit.deps.rules.documents.documentTypes}
      />
      <ClaimTable
        w={words}
        lang={lang}
        claims={claims.data}
        next={claims.nextCursor ? `/dashboard/claims?${query}&cursor=${claims.nextCursor}` : null}
        first={filter.cursor ? `/dashboard/claims?${query}` : null}
        downloads={`/dashboard/claims?${query}`}
      />
    </>,
  );
}

/** One claim as the caller may see it, or null. */
const readClaim = (kit: Kit, caller: Caller, facilityCode: string, claimId: string) =>
  claimDetail(kit.deps.db.prisma, { AND: [claimScope(caller), { facilityCode, claimId }] });

/** Names of the keys that decided, for the history ("by whom"). */
async function keyNames(kit: Kit, claim: ClaimDetailView) {
  const ids = claim.history
    .map((entry) => (entry.data as { decidedBy?: unknown } | null)?.decidedBy)
    .filter((id): id is string => typeof id === "string");
  if (!ids.length) return new Map<string, string>();
  const keys = await kit.deps.db.prisma.apiKey.findMany({
    where: { id: { in: ids } },
    select: { id: true, name: true },
  });
  return new Map(keys.map((key) => [key.id, key.name]));
}

/** The claim page, with the form its reader may act with: a decision for reviewers, a document for its facility. */
async function showClaim(kit: Kit, ctx: Ctx, pageData: Page, form: FormState = {}) {
  const { facilityCode = "", claimId = "" } = ctx.req.param();
  const claim = /^\d{5}$/.test(facilityCode) ? await readClaim(kit, pageData.caller, facilityCode, claimId) : null;
  if (!claim) return notFoundPage(ctx, pageData);
  const format = exportFormat(ctx);
  if (format)
    return exportTable(format, lineColumns(pageData.w, pageData.lang), numberedLines(claim), `lines-${facilityCode}`);
  const facility = await kit.deps.db.prisma.facility.findUnique({
    where: { code: facilityCode },
    select: { name: true },
  });
  const { w: words, lang, caller, csrf } = pageData;
  const action = `/dashboard/claims/${facilityCode}/${encodeURIComponent(claimId)}`;
  const undecided = claim.status === "accepted" || claim.status === "pending_documentation";
  const actions =
    caller.role === "facility" ? (
      claim.status === "pending_documentation" ? (
        <DocumentForm w={words} action={`${action}/documents`} csrf={csrf} claim={claim} form={form} />
      ) : null
    ) : undecided ? (
      <DecisionForm w={words} lang={lang} action={`${action}/decision`} csrf={csrf} claim={claim} form={form} />
    ) : null;
  return render(
    ctx,
    pageData,
    `${words.claim} ${claimId}`,
    <ClaimView
      w={words}
      lang={lang}
      claim={{ ...claim, facilityName: facility?.name ?? null }}
      keyNames={await keyNames(kit, claim)}
      done={form.done}
    >
      {actions}
    </ClaimView>,
    form.error ? form.status : 200,
  );
}

export async function claimPage(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx, EVERYONE);
  if (pageData instanceof Response) return pageData;
  const done = ctx.req.query("done");
  return showClaim(kit, ctx, pageData, done === "decided" || done === "document" ? { done } : {});
}

/**
 * A form posted from the claim page. On success: back to the claim, which says what was done. A refusal (a field, a
 * decision already taken) shows the same page with the message beside the form and what was typed kept.
 */
async function postForm(
  kit: Kit,
  ctx: Ctx,
  roles: readonly Caller["role"][],
  act: (pageData: Page, form: Record<string, string>) => Promise<unknown>,
  done: "decided" | "document",
) {
  const pageData = await page(kit, ctx, roles);
  if (pageData instanceof Response) return pageData;
  const body = await ctx.req.parseBody();
  checkCsrf(kit, pageData, body._csrf);
  const values = Object.fromEntries(
    Object.entries(body).flatMap(([name, value]) => (typeof value === "string" ? [[name, value.slice(0, 2000)]] : [])),
  );
  try {
    await act(pageData, values);
  } catch (err) {
    if (err instanceof FormRefusal)
      return showClaim(kit, ctx, pageData, {
        values,
        error: { message: err.message, fields: err.fields },
        status: 422,
      });
    if (!(err instanceof Problem) || (err.status !== 422 && err.status !== 409)) throw err;
    const error = problemMessage(err, pageData.lang);
    return showClaim(kit, ctx, pageData, { values, error, status: err.status });
  }
  const { facilityCode = "", claimId = "" } = ctx.req.param();
  return ctx.redirect(`/dashboard/claims/${facilityCode}/${encodeURIComponent(claimId)}?done=${done}`, 303);
}

/** An amount typed as the page's language writes numbers (Vietnamese 1.250.000,5; English 1,250,000.5), or null. */
function typedAmount(lang: Page["lang"], text = "") {
  const typed = text.replace(/\s/g, "");
  const plain = lang === "vi" ? typed.replace(/\./g, "").replace(",", ".") : typed.replace(/,/g, "");
  return plain ? Money.safeParse(plain) : null;
}

/**
 * The decision a form asks for, or a refusal naming each field that is wrong. "Approve as proposed" (outcome
 * `proposed`) approves what automated assessment proposed, whatever amount was typed.
 */
function decisionOf(pageData: Page, form: Record<string, string>) {
  const words = pageData.w;
  const reasonGiven = (form.reason ?? "").trim();
  if (form.outcome === "proposed") {
    if (!reasonGiven) throw new FormRefusal({ reason: words.reasonRequired });
    return { outcome: "approved" as const, approvedAmount: "proposed" as const, reason: reasonGiven };
  }
  const outcome = DECISION_OUTCOMES.find((candidate) => candidate === form.outcome);
  const amount = typedAmount(pageData.lang, form.approvedAmount);
  const reason = reasonGiven;
  const refused = {
    ...(outcome ? {} : { outcome: words.chooseOutcome }),
    ...(amount && !amount.success ? { approvedAmount: words.badAmount } : {}),
    ...(reason ? {} : { reason: words.reasonRequired }),
  };
  if (!outcome || Object.keys(refused).length) throw new FormRefusal(refused);
  const approvedAmount = outcome === "approved" && amount?.success ? new Dec(amount.data) : undefined;
  return { outcome, approvedAmount, reason };
}

/**
 * Approve (with an amount, default the whole claimed, or as automated assessment proposed) or deny (with a reason),
 * from the claim page.
 */
export const decideFromPage = (kit: Kit, ctx: Ctx) =>
  postForm(
    kit,
    ctx,
    ["central", "province"],
    async (pageData, form) => {
      const { facilityCode = "", claimId = "" } = ctx.req.param();
      const decision = decisionOf(pageData, form);
      await decideClaim(kit.deps, pageData.caller, {
        facilityCode,
        claimId,
        ...decision,
        requestId: ctx.get("requestId"),
      });
    },
    "decided",
  );

/** A hospital records a document the claim was waiting for. */
export const documentFromPage = (kit: Kit, ctx: Ctx) =>
  postForm(
    kit,
    ctx,
    ["facility", "central"],
    async (pageData, form) => {
      const reference = form.reference?.trim() ?? "";
      if (!reference) throw new FormRefusal({ reference: pageData.w.referenceRequired });
      const { facilityCode = "", claimId = "" } = ctx.req.param();
      await recordDocuments(kit.deps, pageData.caller, {
        facilityCode,
        claimId,
        documents: [{ type: form.type ?? "", reference }],
        requestId: ctx.get("requestId"),
      });
    },
    "document",
  );
