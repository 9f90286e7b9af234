/**
 * The SQL of cost reads: spending by cost group, summed from spending_cost_group (never the claims) for the months
 * 1..$3 of years $2 and $2 - 1.
 */

/** A province's groups, this year and the previous one's same months. */
export const PROVINCE_COST_GROUPS = `
SELECT cost_group AS "costGroup",
       coalesce(sum(spent) FILTER (WHERE year = $2), 0)::text AS spent,
       coalesce(sum(spent) FILTER (WHERE year = $2 - 1), 0)::text AS previous
FROM spending_cost_group
WHERE province_code = $1 AND year IN ($2, $2 - 1) AND month <= $3
GROUP BY cost_group`;

/** A facility's groups, wherever its claims count (a merger may have split them over two provinces). */
export const FACILITY_COST_GROUPS = `
SELECT cost_group AS "costGroup",
       coalesce(sum(spent) FILTER (WHERE year = $2), 0)::text AS spent,
       coalesce(sum(spent) FILTER (WHERE year = $2 - 1), 0)::text AS previous
FROM spending_cost_group
WHERE facility_code = $1 AND year IN ($2, $2 - 1) AND month <= $3
GROUP BY cost_group`;
