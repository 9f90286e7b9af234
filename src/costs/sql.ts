/**
 * The SQL of cost reads: spending by cost group, summed from spending_cost_group (never the claims) for the months
 * 1..$3 of years $2 and $2 - 1.
 */

/** One province's ($1 = province_code) or one facility's ($1 = facility_code) groups, this year and last. */
const costGroupsOf = (column: "province_code" | "facility_code") => `
SELECT cost_group AS "costGroup",
       coalesce(sum(spent) FILTER (WHERE year = $2), 0)::text AS spent,
       coalesce(sum(spent) FILTER (WHERE year = $2 - 1), 0)::text AS previous
FROM spending_cost_group
WHERE ${column} = $1 AND year IN ($2, $2 - 1) AND month <= $3
GROUP BY cost_group`;

/** A province's groups. */
export const PROVINCE_COST_GROUPS = costGroupsOf("province_code");

/** A facility's groups, wherever its claims count (a merger may have split them over two provinces). */
export const FACILITY_COST_GROUPS = costGroupsOf("facility_code");
