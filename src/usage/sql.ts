/**
 * One row per province: its estimate, spending, proposed cuts of undecided claims and unresolved alerts for the year
 * $1, and the previous year's
 * spending in months 1 to $3 with that year's estimate, in one statement, from the aggregates only (never claims).
 * $2: one province's code, or null for every province with an estimate or spending.
 */
export const USAGE_ROWS = `
SELECT p.code AS "provinceCode", p.name AS "name",
       e.total_amount::text AS "estimate",
       COALESCE(s.spent, 0)::text AS "spent",
       COALESCE(s.pending_amount, 0)::text AS "pending",
       (SELECT count(*)::int FROM alert a WHERE a.province_code = p.code AND a.year = $1 AND a.status <> 'resolved')
         AS "openAlerts",
       (SELECT count(*)::int FROM alert a WHERE a.province_code = p.code AND a.year = $1 AND a.status = 'acknowledged')
         AS "acknowledgedAlerts",
       (SELECT COALESCE(sum(c.open_amount), 0) FROM assessment_cut c
         WHERE c.province_code = p.code AND c.year = $1)::text AS "proposedCuts",
       (SELECT COALESCE(sum(d.spent), 0) FROM spending_detail d
         WHERE d.province_code = p.code AND d.year = $1 - 1 AND d.month <= $3)::text AS "previousSpent",
       (SELECT pe.total_amount FROM estimate pe WHERE pe.province_code = p.code AND pe.year = $1 - 1)::text
         AS "previousEstimate"
FROM province p
LEFT JOIN estimate e ON e.province_code = p.code AND e.year = $1
LEFT JOIN spending s ON s.province_code = p.code AND s.year = $1
WHERE CASE WHEN $2::text IS NULL THEN e.province_code IS NOT NULL OR s.province_code IS NOT NULL
           ELSE p.code = $2::text END`;

/**
 * A province's ($1) spending in year $2 by facility, largest first, each with its spending in months 1 to $3 of the
 * year before (facilities with none this year are left out).
 */
export const FACILITY_SPENDING = `
SELECT d.facility_code AS "facilityCode", f.name AS "name",
       coalesce(sum(d.spent) FILTER (WHERE d.year = $2), 0)::text AS "spent",
       coalesce(sum(d.spent) FILTER (WHERE d.year = $2 - 1 AND d.month <= $3), 0)::text AS "previousSpent"
FROM spending_detail d LEFT JOIN facility f ON f.code = d.facility_code
WHERE d.province_code = $1 AND d.year IN ($2, $2 - 1)
GROUP BY d.facility_code, f.name
HAVING count(*) FILTER (WHERE d.year = $2) > 0
ORDER BY sum(d.spent) FILTER (WHERE d.year = $2) DESC, d.facility_code`;

/** A province's ($1) spending in year $2 by discharge month (months without spending are absent). */
export const MONTH_SPENDING = `
SELECT month AS "month", sum(spent)::text AS "spent" FROM spending_detail
WHERE province_code = $1 AND year = $2 GROUP BY month`;
