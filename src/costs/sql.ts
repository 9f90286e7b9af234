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

/**
 * The items of a year's months 1..$2 ($1 = year) and the same months of the year before, from spending_item only:
 * optionally one province ($3), one facility ($4), one kind ($5). Each item with this year's and last year's sums, and
 * each facility's amount and quantity this year (its average unit price, for the spread; a facility whose lines
 * say quantity 0 is counted among the facilities but has no unit price). The name is the latest month's. Items used
 * this year only, ordered by $6 (amount, quantity or growth: the change of amount against last year), $7 of them.
 */
export const ITEMS = `
WITH rows AS (
  SELECT kind, item_code, facility_code, year, month, name, claims, quantity, amount, insurance
  FROM spending_item
  WHERE year IN ($1, $1 - 1) AND month <= $2
    AND ($3::text IS NULL OR province_code = $3) AND ($4::text IS NULL OR facility_code = $4)
    AND ($5::text IS NULL OR kind = $5)
), facilities AS (
  SELECT kind, item_code, facility_code, sum(quantity) AS quantity, sum(amount) AS amount, sum(claims) AS claims
  FROM rows WHERE year = $1 GROUP BY 1, 2, 3
), items AS (
  SELECT kind, item_code,
         (array_agg(name ORDER BY year DESC, month DESC) FILTER (WHERE name IS NOT NULL))[1] AS name,
         sum(amount) FILTER (WHERE year = $1) AS amount,
         sum(insurance) FILTER (WHERE year = $1) AS insurance,
         sum(quantity) FILTER (WHERE year = $1) AS quantity,
         sum(claims) FILTER (WHERE year = $1) AS claims,
         coalesce(sum(amount) FILTER (WHERE year = $1 - 1), 0) AS previous_amount,
         coalesce(sum(quantity) FILTER (WHERE year = $1 - 1), 0) AS previous_quantity,
         coalesce(sum(claims) FILTER (WHERE year = $1 - 1), 0) AS previous_claims
  FROM rows GROUP BY 1, 2
  HAVING sum(claims) FILTER (WHERE year = $1) > 0
), top AS (
  SELECT * FROM items
  ORDER BY CASE $6::text WHEN 'quantity' THEN quantity WHEN 'amount' THEN amount END DESC NULLS LAST,
           CASE WHEN $6::text = 'growth' THEN (amount - previous_amount) / nullif(previous_amount, 0) END
             DESC NULLS LAST,
           amount DESC, kind, item_code
  LIMIT $7
)
SELECT t.kind, t.item_code AS "itemCode", t.name, t.amount::text, t.insurance::text, t.quantity::text,
       t.claims::int, t.previous_amount::text AS "previousAmount", t.previous_quantity::text AS "previousQuantity",
       t.previous_claims::int AS "previousClaims",
       (SELECT count(*) FROM facilities f WHERE f.kind = t.kind AND f.item_code = t.item_code AND f.claims > 0)::int
         AS facilities,
       (SELECT coalesce(json_agg(json_build_array(f.amount::text, f.quantity::text)), '[]')
        FROM facilities f WHERE f.kind = t.kind AND f.item_code = t.item_code AND f.quantity > 0) AS "byFacility"
FROM top t
ORDER BY CASE $6::text WHEN 'quantity' THEN t.quantity WHEN 'amount' THEN t.amount END DESC NULLS LAST,
         CASE WHEN $6::text = 'growth' THEN (t.amount - t.previous_amount) / nullif(t.previous_amount, 0) END
           DESC NULLS LAST,
         t.amount DESC, t.kind, t.item_code`;
