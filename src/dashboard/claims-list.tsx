/** @jsxImportSource hono/jsx */
import type { ClaimFilter } from "../claims/read.ts";
import type { claimSummary } from "../claims/read.ts";
import { CLAIM_STATUSES } from "../domain/claim-status.ts";
import { CLAIM_FLAGS } from "../domain/flags.ts";
import { money, vnDate } from "./format.ts";
import type { Lang, Words } from "./i18n.ts";
import { Choice } from "./pages.tsx";
import { type Column, DataTable, Downloads } from "./tables.tsx";

export type ClaimRow = ReturnType<typeof claimSummary>;
export interface FacilityChoice {
  code: string;
  name: string;
}

/** A claim's link on the dashboard. */
export const claimHref = (claim: { facilityCode: string; claimId: string }) =>
  `/dashboard/claims/${claim.facilityCode}/${encodeURIComponent(claim.claimId)}`;

/** Codes (flags, document types) in words, comma-separated; empty for none. */
export const named = (words: Readonly<Record<string, string>>, codes: readonly string[]) =>
  codes.map((code) => words[code] ?? code).join(", ");

/** The claims list's columns: the page, its CSV and its XLSX. */
export function claimColumns(words: Words, lang: Lang): Column<ClaimRow>[] {
  return [
    { key: "claimId", label: words.claimId, cell: (row) => row.claimId, sort: (row) => row.claimId },
    { key: "facility", label: words.facility, cell: (row) => row.facilityCode, sort: (row) => row.facilityCode },
    {
      key: "dischargedAt",
      label: words.dischargedAt,
      cell: (row) => vnDate(row.dischargedAt),
      sort: (row) => row.dischargedAt,
    },
    {
      key: "visitType",
      label: words.visitType,
      cell: (row) => words.visitTypes[row.visitType as keyof Words["visitTypes"]] ?? row.visitType,
      sort: (row) => row.visitType,
    },
    {
      key: "status",
      label: words.status,
      cell: (row) => `${words.claimStatuses[row.status]}${row.stuck ? ` · ${words.stuck}` : ""}`,
      sort: (row) => row.status,
    },
    {
      key: "insurance",
      label: words.insurance,
      cell: (row) => money(row.amounts.insurance, lang),
      sort: (row) => row.amounts.insurance,
      num: true,
    },
    {
      key: "proposed",
      label: words.proposed,
      cell: (row) => (row.amounts.proposed === null ? "—" : money(row.amounts.proposed, lang)),
      sort: (row) => row.amounts.proposed,
      num: true,
    },
    {
      key: "missing",
      label: words.missingDocuments,
      cell: (row) => named(words.documentTypes, row.missingDocuments),
      sort: (row) => row.missingDocuments.join(","),
    },
    {
      key: "flags",
      label: words.flags,
      cell: (row) => named(words.flagNames, row.flags),
      sort: (row) => row.flags.join(","),
    },
  ];
}

/** The filters on a claim's state: status, stuck, missing document, flag, findings of automated assessment. */
function ClaimChoices(props: { w: Words; filter: ClaimFilter; documentTypes: readonly string[] }) {
  const { w: words, filter } = props;
  const any = words.anyValue;
  return (
    <>
      <Choice
        id="status"
        label={words.status}
        value={filter.status}
        anyLabel={any}
        options={CLAIM_STATUSES.map((status) => [status, words.claimStatuses[status]])}
      />
      <Choice
        id="stuck"
        label={words.stuck}
        value={filter.stuck === undefined ? undefined : String(filter.stuck)}
        anyLabel={any}
        options={[
          ["true", words.yes],
          ["false", words.no],
        ]}
      />
      <Choice
        id="missingDocument"
        label={words.missingDocuments}
        value={filter.missingDocument}
        anyLabel={any}
        options={props.documentTypes.map((type) => [type, words.documentTypes[type] ?? type])}
      />
      <Choice
        id="flag"
        label={words.flags}
        value={filter.flag}
        anyLabel={any}
        options={CLAIM_FLAGS.map((flag) => [flag, words.flagNames[flag]])}
      />
      <Choice
        id="hasFindings"
        label={words.hasFindings}
        value={filter.hasFindings === undefined ? undefined : String(filter.hasFindings)}
        anyLabel={any}
        options={[
          ["true", words.yes],
          ["false", words.no],
        ]}
      />
    </>
  );
}

/** The list's filters, as a GET form: every choice a list, the facility by name. */
export function ClaimFilters(props: {
  w: Words;
  filter: ClaimFilter;
  facilities: FacilityChoice[];
  documentTypes: readonly string[];
}) {
  const { w: words, filter } = props;
  const any = words.anyValue;
  const months = Array.from({ length: 12 }, (_, index) => [String(index + 1), String(index + 1)] as [string, string]);
  return (
    <form class="filters" method="get" action="/dashboard/claims">
      <ClaimChoices w={words} filter={filter} documentTypes={props.documentTypes} />
      {props.facilities.length ? (
        <Choice
          id="facility"
          label={words.facility}
          value={filter.facility}
          anyLabel={any}
          options={props.facilities.map((facility) => [facility.code, `${facility.name} (${facility.code})`])}
        />
      ) : null}
      <label for="year">
        {words.year}
        <input
          id="year"
          name="year"
          type="number"
          min="2020"
          max="2100"
          value={filter.year ? String(filter.year) : ""}
        />
      </label>
      <Choice
        id="month"
        label={words.month}
        value={filter.month ? String(filter.month) : undefined}
        anyLabel={any}
        options={months}
      />
      <button type="submit">{words.filter}</button>
    </form>
  );
}

/**
 * A page of claims, each opening its claim page, with the next page and the downloads; `label` names its pager (a
 * page with two lists names each).
 */
export function ClaimTable(props: {
  w: Words;
  lang: Lang;
  claims: ClaimRow[];
  next: string | null;
  first: string | null;
  downloads: string;
  label?: string;
}) {
  const { w: words, lang } = props;
  if (!props.claims.length) return <p>{words.noClaims}</p>;
  const columns = claimColumns(words, lang);
  return (
    <>
      <DataTable
        columns={columns}
        rows={props.claims}
        link={claimHref}
        rowAttrs={(claim) => ({ "data-claim": claim.claimId, class: claim.stuck ? "over" : "" })}
      />
      {props.first || props.next ? (
        <nav class="pager" aria-label={props.label ?? words.claimsList}>
          {props.first ? <a href={props.first}>{words.first}</a> : null}
          {props.next ? (
            <a href={props.next} rel="next">
              {words.next}
            </a>
          ) : null}
        </nav>
      ) : null}
      <Downloads w={words} href={props.downloads} />
    </>
  );
}
