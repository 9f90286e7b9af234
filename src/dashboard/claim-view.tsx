/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import type { claimDetail } from "../claims/read.ts";
import { Dec } from "../domain/money.ts";
import { fieldText } from "../http/problem-messages.ts";
import { named } from "./claims-list.tsx";
import { decimal, money, vnTime } from "./format.ts";
import type { Lang, Words } from "./i18n.ts";
import { HeadRow } from "./pages.tsx";
import { type Column, DataTable, Downloads } from "./tables.tsx";

export type ClaimDetailView = NonNullable<Awaited<ReturnType<typeof claimDetail>>> & { facilityName?: string | null };

/** What a posted form left: the values typed (kept on a refusal), the refusal, or what was done. */
export interface FormState {
  values?: Record<string, string>;
  error?: { message: string; fields: Record<string, string> };
  status?: 409 | 422;
  done?: "decided" | "document" | undefined;
}

const namedOrDash = (words: Readonly<Record<string, string>>, codes: readonly string[]) => named(words, codes) || "—";

/** The claim's facts, side by side. */
function Facts({ w: words, lang, claim }: { w: Words; lang: Lang; claim: ClaimDetailView }) {
  const facts: [string, string][] = [
    [words.facility, `${claim.facilityName ?? ""} (${claim.facilityCode})`],
    [words.province, claim.provinceCode],
    [words.visitType, words.visitTypes[claim.visitType as keyof Words["visitTypes"]] ?? claim.visitType],
    [words.status, `${words.claimStatuses[claim.status]}${claim.stuck ? ` · ${words.stuck}` : ""}`],
    [words.admittedAt, vnTime(claim.admittedAt)],
    [words.dischargedAt, vnTime(claim.dischargedAt)],
    [words.receivedAt, vnTime(claim.receivedAt)],
    [words.patient, `${claim.patient.name ?? "—"} · ${claim.patient.cardNumber ?? "—"}`],
    [words.diagnosis, [claim.diagnosis.primary, ...claim.diagnosis.secondary].join(", ")],
    [words.total, money(claim.amounts.total, lang)],
    [words.insurance, money(claim.amounts.insurance, lang)],
    [words.proposed, claim.amounts.proposed === null ? "—" : money(claim.amounts.proposed, lang)],
    [words.approved, claim.amounts.approved === null ? "—" : money(claim.amounts.approved, lang)],
    [words.missingDocuments, namedOrDash(words.documentTypes, claim.missingDocuments)],
    [words.flags, namedOrDash(words.flagNames, claim.flags)],
  ];
  return (
    <dl class="facts">
      {facts.map(([term, value]) => (
        <div>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A cost line with its place in the claim, counted from 1 as the page shows it (findings name lines by it). */
type Line = ClaimDetailView["lines"][number] & { number: number };

export const numberedLines = (claim: ClaimDetailView): Line[] =>
  claim.lines.map((line, index) => ({ ...line, number: index + 1 }));

/** Where a line is on the claim page: findings link to it. */
const lineAnchor = (number: number) => `line-${number}`;

/** A claim's cost lines: the page, its CSV and its XLSX. */
export function lineColumns(words: Words, lang: Lang): Column<Line>[] {
  const amount = (key: string, label: string, pick: (line: Line) => string): Column<Line> => ({
    key,
    label,
    cell: (line) => money(pick(line), lang),
    sort: pick,
    num: true,
  });
  return [
    { key: "number", label: "#", cell: (line) => String(line.number), sort: (line) => line.number, num: true },
    {
      key: "group",
      label: words.costGroup,
      cell: (line) => `${words.itemKinds[line.kind]} · ${line.costGroup}`,
      sort: (line) => line.costGroup,
    },
    {
      key: "item",
      label: words.item,
      cell: (line) => `${line.itemCode} · ${line.name ?? ""}`,
      sort: (line) => line.itemCode,
    },
    {
      key: "quantity",
      label: words.quantity,
      cell: (line) => decimal(line.quantity, 3, lang).replace(/[,.]?0+$/, ""),
      sort: (line) => line.quantity,
      num: true,
    },
    amount("unitPrice", words.unitPrice, (line) => line.unitPrice),
    amount("amount", words.amount, (line) => line.amount),
    amount("insurance", words.insurance, (line) => line.insurance),
    {
      key: "orderedAt",
      label: words.orderedAt,
      cell: (line) => vnTime(line.orderedAt),
      sort: (line) => line.orderedAt,
    },
  ];
}

/** The lines, each an anchor a finding links to; a line a finding cuts is marked. */
function Lines({ w: words, lang, claim, href }: { w: Words; lang: Lang; claim: ClaimDetailView; href: string }) {
  if (!claim.lines.length) return <p>{words.none}</p>;
  const cut = new Set(claim.findings.filter((finding) => finding.action !== "warn").map((finding) => finding.line));
  return (
    <>
      <DataTable
        columns={lineColumns(words, lang)}
        rows={numberedLines(claim)}
        rowAttrs={(line) => ({ id: lineAnchor(line.number), class: cut.has(line.number - 1) ? "over" : "" })}
      />
      <Downloads w={words} href={href} />
    </>
  );
}

/**
 * What automated assessment found: each finding's rule, what it does, the line it is on (a link to it), what it cuts
 * and its message, in the page's language.
 */
function Findings({ w: words, lang, claim }: { w: Words; lang: Lang; claim: ClaimDetailView }) {
  if (!claim.findings.length) return <p>{words.none}</p>;
  return (
    <div class="table-wrap">
      <table>
        <HeadRow cells={[[words.rule], [words.action], [words.line], [words.cutAmount, "num"], [words.message]]} />
        <tbody>
          {claim.findings.map((finding) => (
            <tr data-finding={finding.code} class={finding.action === "warn" ? "" : "over"}>
              <td>{words.ruleTitles[finding.code as keyof Words["ruleTitles"]] ?? finding.code}</td>
              <td>{words.actions[finding.action]}</td>
              <td>
                {finding.line === null ? (
                  words.wholeClaim
                ) : (
                  <a href={`#${lineAnchor(finding.line + 1)}`}>{words.lineNumber(finding.line + 1)}</a>
                )}
              </td>
              <td class="num">{money(finding.amount, lang)}</td>
              <td>{finding.message[lang]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What happened to the claim: earlier versions, moves by mergers, the decision and who took it. */
function History(props: { w: Words; lang: Lang; claim: ClaimDetailView; keyNames: Map<string, string> }) {
  const { w: words, claim } = props;
  const describe = (entry: ClaimDetailView["history"][number]) => {
    const data = (entry.data ?? {}) as Record<string, unknown>;
    if (entry.kind === "decision") {
      const outcome = words.claimStatuses[data.outcome as "approved"] ?? String(data.outcome);
      const amount = typeof data.approvedAmount === "string" ? ` ${money(data.approvedAmount, props.lang)}` : "";
      const author = props.keyNames.get(String(data.decidedBy)) ?? "—";
      return `${outcome}${amount} · ${String(data.reason ?? "")} · ${words.by} ${author}`;
    }
    if (entry.kind === "province") return `${String(data.from)} → ${String(data.to)}`;
    return `v${entry.version}`;
  };
  const kindOf = (kind: string) => words.historyKinds[kind as "version"] ?? kind;
  if (!claim.history.length) return <p>{words.none}</p>;
  return (
    <ul class="history">
      {claim.history.map((entry) => (
        <li>{`${vnTime(entry.at)} · ${kindOf(entry.kind)} · ${describe(entry)}`}</li>
      ))}
    </ul>
  );
}

/**
 * The claim page: its facts, what was done, what automated assessment found, the form its reader may act with,
 * documents, lines and history.
 */
export function ClaimView(props: {
  w: Words;
  lang: Lang;
  claim: ClaimDetailView;
  keyNames: Map<string, string>;
  done?: FormState["done"];
  children?: Child;
}) {
  const { w: words, lang, claim } = props;
  return (
    <>
      <h1>{`${words.claim} ${claim.claimId} · ${claim.facilityCode}`}</h1>
      {props.done ? (
        <p class="notice" role="status">
          {props.done === "decided" ? words.decided : words.documentRecorded}
        </p>
      ) : null}
      <Facts w={words} lang={lang} claim={claim} />
      <h2>{words.findingsTitle}</h2>
      <Findings w={words} lang={lang} claim={claim} />
      {props.children}
      {claim.warnings.length ? (
        <>
          <h2>{words.warnings}</h2>
          <ul>
            {claim.warnings.map((warning) => (
              <li>{`${warning.path}: ${fieldText(warning, lang).message}`}</li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>{words.documents}</h2>
      {claim.documents.length ? (
        <ul>
          {claim.documents.map((doc) => (
            <li>{`${words.documentTypes[doc.type] ?? doc.type} · ${doc.reference} · ${vnTime(doc.receivedAt)}`}</li>
          ))}
        </ul>
      ) : (
        <p>{words.none}</p>
      )}
      <h2>{words.lines}</h2>
      <Lines
        w={words}
        lang={lang}
        claim={claim}
        href={`/dashboard/claims/${claim.facilityCode}/${encodeURIComponent(claim.claimId)}`}
      />
      <h2>{words.history}</h2>
      <History w={words} lang={lang} claim={claim} keyNames={props.keyNames} />
    </>
  );
}

/** A refusal beside the form, and each field's message by its field. */
function FormError({ form }: { form: FormState }) {
  return form.error ? (
    <p class="error" role="alert">
      {form.error.message}
    </p>
  ) : null;
}

const fieldError = (form: FormState, name: string) =>
  form.error?.fields[name] ? (
    <span class="field-error" id={`${name}-error`}>
      {form.error.fields[name]}
    </span>
  ) : null;

/** What automated assessment proposes when it is less than was claimed (then approving it is one click), or null. */
function proposedOffer(claim: ClaimDetailView) {
  const proposed = claim.amounts.proposed;
  if (proposed === null) return null;
  const cut = new Dec(claim.amounts.insurance).minus(proposed);
  return cut.gt(0) ? { proposed, cut } : null;
}

/** The form's buttons: approve as proposed (when assessment proposes less), approve, deny. */
function DecisionButtons(props: {
  w: Words;
  lang: Lang;
  canApprove: boolean;
  offer: ReturnType<typeof proposedOffer>;
}) {
  const { w: words, offer } = props;
  return (
    <>
      {offer ? (
        <p class="muted" id="proposed-note">
          {words.proposedNote(money(offer.proposed, props.lang), money(offer.cut, props.lang))}
        </p>
      ) : null}
      <div class="actions">
        {offer ? (
          <button class="primary" type="submit" name="outcome" value="proposed" aria-describedby="proposed-note">
            {words.approveProposed}
          </button>
        ) : null}
        {props.canApprove ? (
          <button class={offer ? "" : "primary"} type="submit" name="outcome" value="approved">
            {words.approve}
          </button>
        ) : null}
        <button class="danger" type="submit" name="outcome" value="denied">
          {words.deny}
        </button>
      </div>
    </>
  );
}

/**
 * Approve with an amount (empty: the whole claimed) or as automated assessment proposed, or deny, with the reason the
 * decision is recorded with.
 */
export function DecisionForm(props: {
  w: Words;
  lang: Lang;
  action: string;
  csrf: string;
  claim: ClaimDetailView;
  form: FormState;
}) {
  const { w: words, form, claim } = props;
  const values = form.values ?? {};
  const canApprove = claim.status === "accepted";
  const offer = canApprove ? proposedOffer(claim) : null;
  return (
    <section class="card" aria-labelledby="decision-title">
      <h2 id="decision-title">{words.decision}</h2>
      <FormError form={form} />
      <form method="post" action={props.action} class="stack">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <label for="approvedAmount">
          {`${words.approved} (${words.insurance}: ${money(claim.amounts.insurance, props.lang)})`}
          <input
            id="approvedAmount"
            name="approvedAmount"
            inputmode="decimal"
            value={values.approvedAmount ?? ""}
            aria-describedby="approvedAmount-help"
            disabled={!canApprove}
          />
          <span id="approvedAmount-help" class="muted">
            {canApprove ? words.approvedAmountHelp : words.cannotApprovePending}
          </span>
          {fieldError(form, "approvedAmount")}
        </label>
        <label for="reason">
          {words.reason}
          <textarea id="reason" name="reason" required maxlength={2000} rows={3}>
            {values.reason ?? ""}
          </textarea>
          {fieldError(form, "reason")}
        </label>
        <DecisionButtons w={words} lang={props.lang} canApprove={canApprove} offer={offer} />
      </form>
    </section>
  );
}

/** A hospital records a document the claim is waiting for. */
export function DocumentForm(props: {
  w: Words;
  action: string;
  csrf: string;
  claim: ClaimDetailView;
  form: FormState;
}) {
  const { w: words, form, claim } = props;
  const values = form.values ?? {};
  return (
    <section class="card" aria-labelledby="document-title">
      <h2 id="document-title">{words.recordDocument}</h2>
      <FormError form={form} />
      <form method="post" action={props.action} class="stack">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <label for="type">
          {words.documentType}
          <select id="type" name="type">
            {claim.missingDocuments.map((type) => (
              <option value={type} selected={values.type === type}>
                {words.documentTypes[type] ?? type}
              </option>
            ))}
          </select>
        </label>
        <label for="reference">
          {words.reference}
          <input id="reference" name="reference" required maxlength={200} value={values.reference ?? ""} />
          {fieldError(form, "reference")}
        </label>
        <div class="actions">
          <button class="primary" type="submit">
            {words.recordDocument}
          </button>
        </div>
      </form>
    </section>
  );
}
