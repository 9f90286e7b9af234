/**
 * The reports' SQL, in one file so a reviewer reads every statement. The
 * inspection reports read the aggregates the one path that moves money keeps
 * (claim_tally, receipt_delay, assessment_cut: src/spending/sql.ts), never the
 * claims, so their time does not grow with the number of claims; the
 * projection reads spending and its triangle. Money comes back as text, never
 * as JS numbers.
 */

/** $3 province, $4 facility narrow the late report (null: all). */
const LATE_PLACE = `($3::text IS NULL OR province_code = $3::text) AND ($4::text IS NULL OR facility_code = $4::text)`;

export interface LateRow {
  provinceCode: string;
  facilityCode: string;
  name: string | null;
  claims: number;
  late: number;
  mismatches: number;
  /** The claims of each band of delay from discharge to first receipt (index: band, domain/receipt-delay.ts). */
  delays: number[];
}

/**
 * Late submissions by facility (and accounting province): claims, those
 * flagged late_submission and citizen_id_mismatch, and the distribution of
 * the time from discharge to first receipt by band (the month's row of each
 * facility, or the year's: month 0), from which the caller reads its
 * percentiles (bandPercentile): as many rows read as facilities, however
 * many claims they sent. Every claim counts, denied ones
 * included: lateness is about sending. Names are joined after grouping.
 */
export const LATE_SUBMISSIONS = `
WITH t AS (
  SELECT province_code, facility_code, sum(claims)::int AS claims, sum(late)::int AS late,
         sum(mismatches)::int AS mismatches
  FROM claim_tally
  WHERE year = $1 AND ($2::int IS NULL OR month = $2::int) AND ${LATE_PLACE}
  GROUP BY 1, 2 HAVING sum(claims) > 0
), d AS (
  SELECT province_code, facility_code, claims
  FROM receipt_delay
  WHERE year = $1 AND month = COALESCE($2::int, 0) AND ${LATE_PLACE}
)
SELECT t.province_code AS "provinceCode", t.facility_code AS "facilityCode", f.name AS "name", t.claims AS "claims",
       t.late AS "late", t.mismatches AS "mismatches", COALESCE(d.claims, '{}') AS "delays"
FROM t
LEFT JOIN d ON d.province_code = t.province_code AND d.facility_code = t.facility_code
LEFT JOIN facility f ON f.code = t.facility_code`;

export interface OutlierUnitRow {
  provinceCode: string;
  facilityCode: string;
  name: string | null;
  visitType: string;
  claims: number;
  amount: string;
  duplicates: number;
}

/**
 * Every facility's claims of the year by accounting province and visit type:
 * count, claimed insurance amounts and claims flagged possible_duplicate.
 * Not narrowed by the caller's scope: peers are compared nationally, so the
 * caller filters the rows it may show afterwards. $1 year; $2 a visit type
 * (null: all).
 */
export const OUTLIER_UNITS = `
SELECT u.province_code AS "provinceCode", u.facility_code AS "facilityCode", f.name AS "name",
       u.visit_type AS "visitType", u.claims AS "claims", u.amount::text AS "amount", u.duplicates AS "duplicates"
FROM (
  SELECT province_code, facility_code, visit_type::text AS visit_type, sum(claims)::int AS claims,
         sum(claimed) AS amount, sum(duplicates)::int AS duplicates
  FROM claim_tally
  WHERE year = $1 AND ($2::text IS NULL OR visit_type = $2::text::"VisitType")
  GROUP BY 1, 2, 3 HAVING sum(claims) > 0
) u LEFT JOIN facility f ON f.code = u.facility_code`;

/** A province's ($1) spending and estimate for year $2: the figures its projection starts from. */
export const PROVINCE_FIGURES = `
SELECT p.code AS "provinceCode", p.name AS "name", COALESCE(s.spent, 0)::text AS "spent",
       e.total_amount::text AS "estimate"
FROM province p
LEFT JOIN spending s ON s.province_code = p.code AND s.year = $2
LEFT JOIN estimate e ON e.province_code = p.code AND e.year = $2
WHERE p.code = $1`;

/** $2 province, $3 facility narrow the assessment report's cuts (null: all). */
const CUT_PLACE = `($2::text IS NULL OR province_code = $2::text) AND ($3::text IS NULL OR facility_code = $3::text)`;

export interface CutRuleRow {
  code: string;
  claims: number;
  findings: number;
  amount: string;
  openAmount: string;
}

/**
 * The proposed cuts of year $1 by rule, from the aggregate the one money path keeps (assessment_cut), never the
 * claims: claims with a finding of the rule, its findings, what they cut (whatever the claims' status) and the part
 * on claims not yet decided. A rule whose findings have all gone (claims corrected or moved) is left out.
 */
export const ASSESSMENT_BY_RULE = `
SELECT rule_code AS "code", sum(claims)::int AS "claims", sum(findings)::int AS "findings",
       sum(amount)::text AS "amount", sum(open_amount)::text AS "openAmount"
FROM assessment_cut
WHERE year = $1 AND ${CUT_PLACE}
GROUP BY rule_code HAVING sum(findings) > 0`;

export interface CutFacilityRow {
  provinceCode: string;
  facilityCode: string;
  name: string | null;
  claims: number;
  findings: number;
  amount: string;
  openAmount: string;
}

/**
 * Every facility with claims in year $1 in the provinces the assessment report reads, by accounting province: its
 * claims (claim_tally, every status) beside its findings and cuts (assessment_cut). The provinces are the one named
 * ($2), else those where the facility named ($3) has claims, else all: a facility is compared with the other
 * facilities of its province, so the statement reads them all and the caller keeps the rows it may show.
 */
export const ASSESSMENT_BY_FACILITY = `
WITH places AS (
  SELECT DISTINCT province_code FROM claim_tally
  WHERE year = $1 AND ${CUT_PLACE}
), received AS (
  SELECT t.province_code, t.facility_code, sum(t.claims)::int AS claims
  FROM claim_tally t JOIN places p ON p.province_code = t.province_code
  WHERE t.year = $1
  GROUP BY 1, 2 HAVING sum(t.claims) > 0
), cut AS (
  SELECT c.province_code, c.facility_code, sum(c.findings)::int AS findings, sum(c.amount) AS amount,
         sum(c.open_amount) AS open_amount
  FROM assessment_cut c JOIN places p ON p.province_code = c.province_code
  WHERE c.year = $1
  GROUP BY 1, 2
)
SELECT r.province_code AS "provinceCode", r.facility_code AS "facilityCode", f.name AS "name", r.claims AS "claims",
       COALESCE(c.findings, 0) AS "findings", COALESCE(c.amount, 0)::text AS "amount",
       COALESCE(c.open_amount, 0)::text AS "openAmount"
FROM received r
LEFT JOIN cut c ON c.province_code = r.province_code AND c.facility_code = r.facility_code
LEFT JOIN facility f ON f.code = r.facility_code`;
