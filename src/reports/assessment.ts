import { z } from "@hono/zod-openapi";
import { ASSESSMENT_ACTIONS } from "../assessment/rules.ts";
import type { Caller } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { ASSESSMENT_ACTION_WORDS, RULE_WORDS, TERMS, termNote, wordFor } from "../domain/glossary.ts";
import { Dec, fixed, formatMoney, ratio } from "../domain/money.ts";
import { vietnamYearMonth } from "../domain/period.ts";
import { Count, FacilityCode, MoneyOut, ProvinceCode, RatioOut, Text, Timestamp, Year } from "../http/schemas.ts";
import type { CsvColumn } from "./csv.ts";
import { byCode, inScope, narrowToFacility, reportScope } from "./scope.ts";
import { ASSESSMENT_BY_FACILITY, ASSESSMENT_BY_RULE, type CutFacilityRow, type CutRuleRow } from "./sql.ts";

/**
 * What automated assessment proposes to cut (xuất toán), seen from above: by rule and by facility, each facility
 * against the other facilities of its province. Read from the aggregates (assessment_cut beside claim_tally), never
 * the claims.
 */

export const AssessmentQuery = z.object({
  year: Year.optional().openapi({ description: "discharge year in Vietnam time; default the current one" }),
  province: ProvinceCode.optional().openapi({
    description:
      "accounting province of the claims; a province key may name only its own (another is 404). Peers are the " +
      "facility's province's either way.",
  }),
  facility: FacilityCode.optional().openapi({
    description:
      "one facility's findings and cuts; a facility key may name only itself (another is 404), an unknown facility " +
      "is 404",
  }),
  table: z.enum(["facilities", "rules"]).default("facilities").openapi({
    description: "which table a CSV answer holds: one line per facility (default) or per rule; JSON has both",
  }),
});
/** What the report is asked for (the route's query less the CSV's table). */
export type AssessmentInput = Partial<Omit<z.infer<typeof AssessmentQuery>, "table">>;

const PerThousand = z
  .string()
  .max(30)
  .regex(/^[0-9]+(\.[0-9]{1,2})?$/)
  .openapi({ example: "4880", description: "VND cut per 1,000 claims, 2 decimals rounded half up (none when whole)" });

const CutByRule = z.object({
  code: Text.openapi({ description: "the rule's code (rules/assessment.json, GET /v1/rules)" }),
  title: z.object({ vi: Text, en: Text }).openapi({ description: `the rule's name${termNote("rule")}` }),
  action: z.enum(ASSESSMENT_ACTIONS).nullable().openapi({
    description: "what the rule's findings do under the rules in force now; null for a rule no longer in the file",
  }),
  findings: Count.openapi({ description: `findings of the rule, warnings included${termNote("findings")}` }),
  claims: Count.openapi({
    description: `claims with at least one finding of the rule${termNote("claimsWithFindings")}`,
  }),
  amount: MoneyOut.openapi({
    description: `what its findings cut, whatever the claims' status${termNote("cutAmount")}`,
  }),
  openAmount: MoneyOut.openapi({
    description: `the part of amount on claims not yet decided${termNote("openCutAmount")}`,
  }),
});

/**
 * A facility key sees its peers' pooled figure only when they are at least this many: pooled over one other facility
 * it would be that facility's own figure, and over two, either of them could work out the other's.
 */
export const MIN_PEERS_FOR_A_FACILITY = 3;

const CutByFacility = z.object({
  facilityCode: Text,
  name: Text.nullable(),
  provinceCode: Text.openapi({
    description: "the accounting province of these claims (a merged facility appears once per province it counted in)",
  }),
  claims: Count.openapi({ description: `claims discharged in the year, every status${termNote("claims")}` }),
  findings: Count.openapi({ description: `findings on them, warnings included${termNote("findings")}` }),
  amount: MoneyOut.openapi({ description: `what the findings cut${termNote("cutAmount")}` }),
  openAmount: MoneyOut.openapi({ description: `the part on claims not yet decided${termNote("openCutAmount")}` }),
  cutPerThousandClaims: PerThousand.openapi({
    description: `amount × 1000 / claims${termNote("cutPerThousand")}`,
  }),
  peers: z
    .object({
      facilities: Count.openapi({
        description: `the other facilities with claims in the province that year${termNote("peerFacilities")}`,
      }),
      cutPerThousandClaims: PerThousand.nullable().openapi({
        description:
          "their cuts pooled over their claims pooled, × 1000; null without other facilities, and for a facility " +
          `key when they are fewer than ${MIN_PEERS_FOR_A_FACILITY} (one of them could be singled out)` +
          termNote("peersCutPerThousand"),
      }),
    })
    .openapi({ description: "the other facilities of the same accounting province in the year, this one left out" }),
  ratioToPeers: RatioOut.nullable().openapi({
    description:
      "cutPerThousandClaims / peers.cutPerThousandClaims (unrounded), 4 decimals; null when the peers cut nothing, " +
      `there are none or their figure is withheld${termNote("ratioToPeers")}`,
  }),
});

export const AssessmentReport = z
  .object({
    year: Count,
    provinceCode: Text.nullable(),
    facilityCode: Text.nullable(),
    asOf: Timestamp,
    measure: Text.openapi({ description: "how a facility is compared with its peers" }),
    totals: z
      .object({
        claims: Count.openapi({ description: "claims discharged in the year in scope, every status" }),
        findings: Count,
        amount: MoneyOut,
        openAmount: MoneyOut,
      })
      .openapi({ description: "the scope's findings and cuts, every rule; byRule adds up to them" }),
    byRule: z.array(CutByRule).max(1000).openapi({
      description: "rules with findings, the largest cut first, then the most findings, then by code",
    }),
    byFacility: z
      .array(CutByFacility)
      .max(1_000_000)
      .openapi({
        description:
          "facilities in scope with findings, the largest cut first, then the most findings, then by facility and " +
          "province code",
      }),
  })
  .openapi("AssessmentReport");
export type AssessmentReport = z.infer<typeof AssessmentReport>;
type RuleRow = AssessmentReport["byRule"][number];
type FacilityRow = AssessmentReport["byFacility"][number];

const MEASURE =
  "cut per 1,000 claims: what the facility's findings cut (every finding of its claims discharged in the year, " +
  "whatever their status) × 1,000 / its claims discharged in the year; its peers are the other facilities with " +
  "claims in the same accounting province that year, their cuts pooled over their claims pooled; ratioToPeers is " +
  "the facility's figure over its peers'. Money, not the count of findings: a warning cuts nothing, and the count " +
  "grows with the lines a facility sends. Peers are of every level: read a high ratio beside the facility's cost " +
  "per claim (GET /v1/reports/outliers).";

/** A rule's line: its title and action from the rules in force; a code the file no longer has is shown as stored. */
function ruleView(row: CutRuleRow, rules: AppDeps["rules"]["assessment"]): RuleRow {
  return {
    code: row.code,
    title: { vi: wordFor(RULE_WORDS, row.code, "vi"), en: wordFor(RULE_WORDS, row.code, "en") },
    action: rules.rules.find((rule) => rule.code === row.code)?.action ?? null,
    findings: Number(row.findings),
    claims: Number(row.claims),
    amount: formatMoney(row.amount),
    openAmount: formatMoney(row.openAmount),
  };
}

interface Pool {
  facilities: number;
  claims: number;
  amount: Dec;
}

/** Each province's facilities pooled: a facility's peers are its pool less itself. */
function poolsOf(rows: readonly CutFacilityRow[]): Map<string, Pool> {
  const pools = new Map<string, Pool>();
  for (const row of rows) {
    const pool = pools.get(row.provinceCode) ?? { facilities: 0, claims: 0, amount: new Dec(0) };
    pool.facilities += 1;
    pool.claims += Number(row.claims);
    pool.amount = pool.amount.plus(row.amount);
    pools.set(row.provinceCode, pool);
  }
  return pools;
}

const perThousand = (amount: Dec, claims: number) => (claims > 0 ? amount.times(1000).div(claims) : null);
const shown = (value: Dec) => formatMoney(fixed(value, 2));

/**
 * A facility's line: its cuts per 1,000 claims against its province's other facilities, pooled; the pooled figure
 * withheld from a facility key when they are too few to hide one of them (central and province keys see every
 * facility's own line anyway).
 */
function facilityView(row: CutFacilityRow, pool: Pool, caller: Caller): FacilityRow {
  const claims = Number(row.claims);
  const amount = new Dec(row.amount);
  const own = perThousand(amount, claims) ?? new Dec(0);
  const withheld = caller.role === "facility" && pool.facilities - 1 < MIN_PEERS_FOR_A_FACILITY;
  const peers = withheld ? null : perThousand(pool.amount.minus(amount), pool.claims - claims);
  return {
    facilityCode: row.facilityCode,
    name: row.name,
    provinceCode: row.provinceCode,
    claims,
    findings: Number(row.findings),
    amount: formatMoney(amount),
    openAmount: formatMoney(row.openAmount),
    cutPerThousandClaims: shown(own),
    peers: { facilities: pool.facilities - 1, cutPerThousandClaims: peers && shown(peers) },
    ratioToPeers: peers && ratio(own, peers),
  };
}

const largestFirst = <T extends { amount: string; findings: number }>(left: T, right: T) =>
  new Dec(right.amount).comparedTo(left.amount) || right.findings - left.findings;

/** The scope's totals: claims from the facilities in view, findings and cuts from the rules (the same cuts). */
function totalsOf(byRule: readonly RuleRow[], inView: readonly CutFacilityRow[]) {
  const sum = (pick: (row: RuleRow) => string) => byRule.reduce((total, row) => total.plus(pick(row)), new Dec(0));
  return {
    claims: inView.reduce((total, row) => total + Number(row.claims), 0),
    findings: byRule.reduce((total, row) => total + row.findings, 0),
    amount: formatMoney(sum((row) => row.amount)),
    openAmount: formatMoney(sum((row) => row.openAmount)),
  };
}

/**
 * The proposed cuts of a year in the caller's scope (central: all, or a province or facility; a province key its
 * own province; a facility key its own facility): two statements over the aggregates, by rule and by facility. A
 * facility's peers need its whole province, so the second reads every facility of the provinces in view and only
 * the rows in scope are shown.
 */
export async function assessmentReport(
  deps: Pick<AppDeps, "db" | "clock" | "rules">,
  caller: Caller,
  query: AssessmentInput,
): Promise<AssessmentReport> {
  const scope = await narrowToFacility(deps, await reportScope(deps, caller, query.province), query.facility);
  const now = deps.clock.now();
  const year = query.year ?? vietnamYearMonth(now).year;
  const place = [year, scope.province, scope.facility];
  const rules = await deps.db.sql.query<CutRuleRow>(ASSESSMENT_BY_RULE, place);
  const facilities = await deps.db.sql.query<CutFacilityRow>(ASSESSMENT_BY_FACILITY, place);
  const pools = poolsOf(facilities);
  const inView = facilities.filter((row) => inScope(scope, row.provinceCode, row.facilityCode));
  const byRule = rules
    .map((row) => ruleView(row, deps.rules.assessment))
    .sort((left, right) => largestFirst(left, right) || byCode(left.code, right.code));
  return {
    year,
    provinceCode: scope.province,
    facilityCode: scope.facility,
    asOf: now.toISOString(),
    measure: MEASURE,
    totals: totalsOf(byRule, inView),
    byRule,
    byFacility: inView
      .filter((row) => Number(row.findings) > 0)
      .map((row) => facilityView(row, pools.get(row.provinceCode)!, caller))
      .sort(
        (left, right) =>
          largestFirst(left, right) ||
          byCode(left.facilityCode, right.facilityCode) ||
          byCode(left.provinceCode, right.provinceCode),
      ),
  };
}

/** The CSV columns of the report by facility. */
export const ASSESSMENT_FACILITY_CSV: CsvColumn<FacilityRow>[] = [
  { header: TERMS.facilityCode.vi, value: (row) => row.facilityCode },
  { header: TERMS.facilityName.vi, value: (row) => row.name },
  { header: TERMS.provinceCode.vi, value: (row) => row.provinceCode },
  { header: TERMS.claims.vi, value: (row) => row.claims },
  { header: TERMS.findings.vi, value: (row) => row.findings },
  { header: TERMS.cutAmount.vi, value: (row) => row.amount },
  { header: TERMS.openCutAmount.vi, value: (row) => row.openAmount },
  { header: TERMS.cutPerThousand.vi, value: (row) => row.cutPerThousandClaims },
  { header: TERMS.peerFacilities.vi, value: (row) => row.peers.facilities },
  { header: TERMS.peersCutPerThousand.vi, value: (row) => row.peers.cutPerThousandClaims },
  { header: TERMS.ratioToPeers.vi, value: (row) => row.ratioToPeers },
];

/** The CSV columns of the report by rule. */
export const ASSESSMENT_RULE_CSV: CsvColumn<RuleRow>[] = [
  { header: TERMS.ruleCode.vi, value: (row) => row.code },
  { header: TERMS.rule.vi, value: (row) => row.title.vi },
  { header: TERMS.action.vi, value: (row) => (row.action ? ASSESSMENT_ACTION_WORDS[row.action].vi : null) },
  { header: TERMS.findings.vi, value: (row) => row.findings },
  { header: TERMS.claimsWithFindings.vi, value: (row) => row.claims },
  { header: TERMS.cutAmount.vi, value: (row) => row.amount },
  { header: TERMS.openCutAmount.vi, value: (row) => row.openAmount },
];
