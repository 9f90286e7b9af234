/**
 * The SQL of spending: the running totals' updates (store.ts, through move.ts), the arrival triangle's reads
 * (triangle.ts), and the counted amount and months of delay as SQL, the twins of contribution.ts that reports,
 * reattribution and the invariant tests compute from the claims with.
 */

/** Receipt month minus discharge month in Vietnam time, never negative (contribution.ts delayMonths). */
export const DELAY_MONTHS = `GREATEST(0,
  (EXTRACT(YEAR FROM (c.received_at AT TIME ZONE 'UTC') + INTERVAL '7 hours')::int * 12
    + EXTRACT(MONTH FROM (c.received_at AT TIME ZONE 'UTC') + INTERVAL '7 hours')::int)
  - (c.year * 12 + c.month))`;

/**
 * What a claim counts in spending: nothing when denied, the approved amount once approved, else the insurance amount.
 */
export const COUNTED_AMOUNT = `CASE WHEN c.status = 'denied' THEN 0
  WHEN c.status = 'approved' AND c.approved_amount IS NOT NULL THEN c.approved_amount
  ELSE c.insurance_amount END`;

/** The stored cells of these provinces ($1) in the window of months $4 to $5 (years $2 to $3, for the index). */
export const TRIANGLE_CELLS = `
SELECT province_code AS "provinceCode", year, discharge_month AS "month", delay_months AS "delay",
       amount::text AS "amount"
FROM arrival_triangle
WHERE province_code = ANY($1::text[])
  AND year BETWEEN $2 AND $3
  AND year * 12 + discharge_month - 1 BETWEEN $4 AND $5`;

/** Every cell of the triangle computed from the stored claims: one GROUP BY over the claims. */
export const TRIANGLE_FROM_CLAIMS = `
SELECT c.province_code, c.year, c.month AS discharge_month, ${DELAY_MONTHS} AS delay_months,
       sum(${COUNTED_AMOUNT}) AS amount, count(*) FILTER (WHERE c.status <> 'denied')::int AS claim_count
FROM claim c
GROUP BY 1, 2, 3, 4`;

/** Adds to each province-year's running total (and locks its row until commit). */
export const ADD_TO_SPENDING = `
INSERT INTO spending (province_code, year, spent, pending_amount, claim_count, updated_at)
SELECT p, y, s, pa, n, now()
FROM unnest($1::text[], $2::int[], $3::numeric[], $4::numeric[], $5::int[]) AS t(p, y, s, pa, n)
ON CONFLICT (province_code, year) DO UPDATE SET
  spent = spending.spent + EXCLUDED.spent,
  pending_amount = spending.pending_amount + EXCLUDED.pending_amount,
  claim_count = spending.claim_count + EXCLUDED.claim_count,
  updated_at = now()`;

/** Adds to the totals by province, year, month and facility. */
export const ADD_TO_SPENDING_DETAIL = `
INSERT INTO spending_detail (province_code, year, month, facility_code, spent, pending_amount, claim_count)
SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::numeric[], $6::numeric[], $7::int[])
ON CONFLICT (province_code, year, month, facility_code) DO UPDATE SET
  spent = spending_detail.spent + EXCLUDED.spent,
  pending_amount = spending_detail.pending_amount + EXCLUDED.pending_amount,
  claim_count = spending_detail.claim_count + EXCLUDED.claim_count`;

/** Adds to spending by cost group, per province, year, month and facility. */
export const ADD_TO_SPENDING_COST_GROUP = `
INSERT INTO spending_cost_group (province_code, year, month, facility_code, cost_group, spent)
SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::numeric[])
ON CONFLICT (province_code, year, month, facility_code, cost_group) DO UPDATE SET
  spent = spending_cost_group.spent + EXCLUDED.spent`;

/**
 * Adds to the items' aggregate (issue #20 point 3): claims, quantity and amounts by province, month, facility and
 * item. A name sent again replaces the one kept.
 */
export const ADD_TO_SPENDING_ITEM = `
INSERT INTO spending_item (province_code, year, month, facility_code, kind, item_code, name, claims, quantity, amount,
  insurance)
SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[],
  $9::numeric[], $10::numeric[], $11::numeric[])
ON CONFLICT (province_code, year, month, facility_code, kind, item_code) DO UPDATE SET
  name = coalesce(EXCLUDED.name, spending_item.name),
  claims = spending_item.claims + EXCLUDED.claims,
  quantity = spending_item.quantity + EXCLUDED.quantity,
  amount = spending_item.amount + EXCLUDED.amount,
  insurance = spending_item.insurance + EXCLUDED.insurance`;

/** Adds to the arrival triangle: spent and claims by discharge month and months of delay. */
export const ADD_TO_ARRIVAL_TRIANGLE = `
INSERT INTO arrival_triangle (province_code, year, discharge_month, delay_months, amount, claim_count)
SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::numeric[], $6::int[])
ON CONFLICT (province_code, year, discharge_month, delay_months) DO UPDATE SET
  amount = arrival_triangle.amount + EXCLUDED.amount,
  claim_count = arrival_triangle.claim_count + EXCLUDED.claim_count`;
