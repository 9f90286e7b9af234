import { COUNTED_AMOUNT, DELAY_BAND, DELAY_MONTHS } from "../spending/sql.ts";

/** Locks the provinces' rows ($1 codes) in code order until commit; returns the codes that exist. */
export const LOCK_PROVINCES = `SELECT code FROM province WHERE code = ANY($1::text[]) ORDER BY code FOR UPDATE`;

/** Locks one facility's row ($1 code) while its record changes. */
export const LOCK_FACILITY_ROW = `SELECT 1 AS locked FROM facility WHERE code = $1 FOR UPDATE`;

/** Where a claim counts now: the successor from the merger on, else the facility's province (domain/merger.ts). */
const ACCOUNTING_PROVINCE = `CASE
    WHEN p.successor_code IS NOT NULL AND p.merged_at IS NOT NULL AND c.discharged_at >= p.merged_at
    THEN p.successor_code ELSE f.province_code END`;

/**
 * Moves the facilities' claims that count in another province than the record
 * now says, locked until commit, notes the move in each claim's history
 * (kind "province": from, to), and returns what they contributed, summed by
 * the keys of the spending aggregates (as contributionOf counts it, in SQL:
 * COUNTED_AMOUNT, DELAY_MONTHS) with the claims' cost splits, lines and what the reports count of each ([visit type,
 * claimed insurance, flags, DELAY_BAND]), of each pending one ([pending since, stuck, missing, amount]) and of each
 * with findings ([findings, status]), to add up: one statement, whatever the number of claims.
 */
export const MOVE_CLAIMS = `
WITH moving AS (
  SELECT c.id, c.version, c.province_code AS from_code, ${ACCOUNTING_PROVINCE} AS to_code,
         c.year, c.month, c.facility_code,
         ${DELAY_MONTHS} AS delay_months, ${COUNTED_AMOUNT} AS counted, c.status, c.cost_split, c.lines,
         json_build_array(c.visit_type, c.insurance_amount::text, c.flags, ${DELAY_BAND}) AS reported,
         CASE WHEN c.status = 'pending_documentation' THEN json_build_array(c.pending_since, c.stuck,
           c.missing_documents, c.insurance_amount::text) END AS pending_part,
         CASE WHEN c.findings <> '[]' THEN json_build_array(c.findings, c.status) END AS cut_part
  FROM claim c
  JOIN facility f ON f.code = c.facility_code
  JOIN province p ON p.code = f.province_code
  WHERE c.facility_code = ANY($1::text[]) AND c.province_code <> ${ACCOUNTING_PROVINCE}
  -- In id order, as the other writers of many claims lock them (mark-stuck): else two can deadlock.
  ORDER BY c.id
  FOR UPDATE OF c
), moved AS (
  UPDATE claim SET province_code = moving.to_code, updated_at = $2 FROM moving
  WHERE claim.id = moving.id AND claim.year = moving.year
), recorded AS (
  INSERT INTO claim_history (claim_ref, claim_year, kind, version, at, data)
  SELECT id, year, 'province', version, $2, jsonb_build_object('from', from_code, 'to', to_code) FROM moving
)
SELECT from_code, to_code, year, month, facility_code, delay_months,
       sum(counted)::text AS spent,
       sum(CASE WHEN status = 'pending_documentation' THEN counted ELSE 0 END)::text AS pending,
       count(*) FILTER (WHERE status <> 'denied')::int AS counted_claims,
       count(*)::int AS claims,
       jsonb_agg(cost_split) FILTER (WHERE cost_split <> '{}') AS splits,
       json_agg(lines) FILTER (WHERE lines IS NOT NULL AND status <> 'denied') AS lines,
       json_agg(reported) AS reported,
       json_agg(pending_part) FILTER (WHERE pending_part IS NOT NULL) AS pending_parts,
       json_agg(cut_part) FILTER (WHERE cut_part IS NOT NULL) AS cut_parts
FROM moving
GROUP BY 1, 2, 3, 4, 5, 6`;
