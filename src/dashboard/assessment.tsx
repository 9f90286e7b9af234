/** @jsxImportSource hono/jsx */
import type { AssessmentReport } from "../reports/assessment.ts";
import { count, decimal, money } from "./format.ts";
import type { Lang, Words } from "./i18n.ts";
import { type Column, DataTable, Downloads } from "./tables.tsx";

// What automated assessment proposes to cut, on a province's page: by rule, and by facility against the others.

type RuleRow = AssessmentReport["byRule"][number];
type FacilityRow = AssessmentReport["byFacility"][number];

/** A count column and a money column, as the cut tables use them. */
const counted = <T,>(key: string, label: string, pick: (row: T) => number, lang: Lang): Column<T> => ({
  key,
  label,
  cell: (row) => count(pick(row), lang),
  sort: pick,
  num: true,
});
const amount = <T,>(key: string, label: string, pick: (row: T) => string | null, lang: Lang): Column<T> => ({
  key,
  label,
  cell: (row) => (pick(row) === null ? "—" : money(pick(row)!, lang)),
  sort: pick,
  num: true,
});

/** The cuts by rule: the page, its CSV and its XLSX. */
export function cutRuleColumns(words: Words, lang: Lang): Column<RuleRow>[] {
  return [
    { key: "rule", label: words.rule, cell: (row) => row.title[lang], sort: (row) => row.code },
    {
      key: "action",
      label: words.action,
      cell: (row) => (row.action ? words.actions[row.action] : "—"),
      sort: (row) => row.action,
    },
    counted("findings", words.findings, (row) => row.findings, lang),
    counted("claims", words.claimsWithFindings, (row) => row.claims, lang),
    amount("amount", words.cutAmount, (row) => row.amount, lang),
    amount("openAmount", words.openCutAmount, (row) => row.openAmount, lang),
  ];
}

/** The cuts by facility, each against the other facilities of its province. */
export function cutFacilityColumns(words: Words, lang: Lang): Column<FacilityRow>[] {
  return [
    {
      key: "facility",
      label: words.facility,
      cell: (row) => `${row.facilityCode} ${row.name ?? ""}`,
      sort: (row) => row.facilityCode,
    },
    counted("claims", words.claims, (row) => row.claims, lang),
    counted("findings", words.findings, (row) => row.findings, lang),
    amount("amount", words.cutAmount, (row) => row.amount, lang),
    amount("perThousand", words.cutPerThousand, (row) => row.cutPerThousandClaims, lang),
    amount("peers", words.peersCutPerThousand, (row) => row.peers.cutPerThousandClaims, lang),
    {
      key: "ratio",
      label: words.ratioToPeers,
      cell: (row) => decimal(row.ratioToPeers, 2, lang),
      sort: (row) => row.ratioToPeers,
      num: true,
    },
  ];
}

/** A facility's claims with findings in the year: where a cut row leads. */
export const findingsHref = (facilityCode: string, year: number) =>
  `/dashboard/claims?facility=${facilityCode}&year=${year}&hasFindings=true`;

/**
 * A province's proposed cuts: the totals, the rules, and the facilities with findings (each opening its claims with
 * findings), with the downloads of both tables under `downloads` (`&table=cuts-rules`, `&table=cuts-facilities`).
 */
export function CutsSection(props: { w: Words; lang: Lang; report: AssessmentReport; downloads: string }) {
  const { w: words, lang, report } = props;
  const { totals } = report;
  return (
    <section aria-labelledby="cuts-title">
      <h2 id="cuts-title">{words.cuts}</h2>
      <p class="headline">
        {`${words.findings}: ${count(totals.findings, lang)} · ${words.cutAmount}: ${money(totals.amount, lang)} · ` +
          `${words.openCutAmount}: ${money(totals.openAmount, lang)}`}
      </p>
      <h3>{words.cutsByRule}</h3>
      {report.byRule.length ? (
        <>
          <DataTable
            columns={cutRuleColumns(words, lang)}
            rows={report.byRule}
            rowAttrs={(row) => ({ "data-rule": row.code })}
          />
          <Downloads w={words} href={`${props.downloads}&table=cuts-rules`} />
        </>
      ) : (
        <p>{words.none}</p>
      )}
      <h3>{words.cutsByFacility}</h3>
      <p class="muted">{words.cutMeasure}</p>
      {report.byFacility.length ? (
        <>
          <DataTable
            columns={cutFacilityColumns(words, lang)}
            rows={report.byFacility}
            link={(row) => findingsHref(row.facilityCode, report.year)}
            rowAttrs={(row) => ({ "data-cut-facility": row.facilityCode })}
          />
          <Downloads w={words} href={`${props.downloads}&table=cuts-facilities`} />
        </>
      ) : (
        <p>{words.none}</p>
      )}
    </section>
  );
}
