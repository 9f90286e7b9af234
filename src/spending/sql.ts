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

/**
 * spending_detail computed from the stored claims (spending is its sum by province-year): what the invariant tests
 * compare the running totals with, and how the reports' bench builds them.
 */
export const DETAIL_FROM_CLAIMS = `
SELECT c.province_code, c.year, c.month, c.facility_code, sum(${COUNTED_AMOUNT}) AS spent,
       sum(CASE WHEN c.status = 'pending_documentation' THEN ${COUNTED_AMOUNT} ELSE 0 END) AS pending_amount,
       count(*) FILTER (WHERE c.status <> 'denied')::int AS claim_count
FROM claim c
GROUP BY 1, 2, 3, 4`;

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

/**
 * Adds to the reports' tallies (issue #21): every claim, whatever its status, by province, month, facility and
 * visit type: how many, their claimed insurance amount, and how many are flagged late, citizen-ID mismatch and
 * possible duplicate.
 */
export const ADD_TO_CLAIM_TALLY = `
INSERT INTO claim_tally (province_code, year, month, facility_code, visit_type, claims, claimed, late, mismatches,
  duplicates)
SELECT p, y, m, f, v::"VisitType", n, a, l, mm, d
FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::int[], $7::numeric[], $8::int[], $9::int[],
  $10::int[]) AS t(p, y, m, f, v, n, a, l, mm, d)
ON CONFLICT (province_code, year, month, facility_code, visit_type) DO UPDATE SET
  claims = claim_tally.claims + EXCLUDED.claims,
  claimed = claim_tally.claimed + EXCLUDED.claimed,
  late = claim_tally.late + EXCLUDED.late,
  mismatches = claim_tally.mismatches + EXCLUDED.mismatches,
  duplicates = claim_tally.duplicates + EXCLUDED.duplicates`;

/**
 * Adds to the distribution of delays from discharge to first receipt: claims per band (src/domain/receipt-delay.ts),
 * element by element (the longer array's tail kept); month 0 is the whole year. $5 each row's array as a literal.
 */
export const ADD_TO_RECEIPT_DELAY = `
INSERT INTO receipt_delay (province_code, year, month, facility_code, claims)
SELECT p, y, m, f, c::int[] FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[]) AS t(p, y, m, f, c)
ON CONFLICT (province_code, year, month, facility_code) DO UPDATE SET
  claims = (SELECT array_agg(COALESCE(a, 0) + COALESCE(b, 0) ORDER BY n)
            FROM unnest(receipt_delay.claims, EXCLUDED.claims) WITH ORDINALITY AS u(a, b, n))`;

/**
 * Adds to the backlog's tally by facility: claims pending documentation and their insurance amounts by province,
 * year, facility, stuck or not, and the document types they miss (sorted, comma-separated; '' for none).
 */
export const ADD_TO_PENDING_TALLY = `
INSERT INTO pending_tally (province_code, year, facility_code, stuck, missing, claims, amount)
SELECT *
FROM unnest($1::text[], $2::int[], $3::text[], $4::boolean[], $5::text[], $6::int[], $7::numeric[])
ON CONFLICT (province_code, year, facility_code, stuck, missing) DO UPDATE SET
  claims = pending_tally.claims + EXCLUDED.claims,
  amount = pending_tally.amount + EXCLUDED.amount`;

/** Adds to the proposed cuts (assessment_cut): by province, year, month, facility and rule. */
export const ADD_TO_ASSESSMENT_CUT = `
INSERT INTO assessment_cut (province_code, year, month, facility_code, rule_code, claims, findings, amount,
  open_amount)
SELECT *
FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::int[], $7::int[], $8::numeric[],
  $9::numeric[])
ON CONFLICT (province_code, year, month, facility_code, rule_code) DO UPDATE SET
  claims = assessment_cut.claims + EXCLUDED.claims,
  findings = assessment_cut.findings + EXCLUDED.findings,
  amount = assessment_cut.amount + EXCLUDED.amount,
  open_amount = assessment_cut.open_amount + EXCLUDED.open_amount`;

/** Adds to the backlog's ages: the same claims by province, year, day (Vietnam time) begun pending and stuck or not. */
export const ADD_TO_PENDING_AGE = `
INSERT INTO pending_age (province_code, year, since_day, stuck, claims, amount)
SELECT * FROM unnest($1::text[], $2::int[], $3::date[], $4::boolean[], $5::int[], $6::numeric[])
ON CONFLICT (province_code, year, since_day, stuck) DO UPDATE SET
  claims = pending_age.claims + EXCLUDED.claims,
  amount = pending_age.amount + EXCLUDED.amount`;

/** The claims pending documentation, with their missing types sorted and the day they began pending. */
const PENDING_CLAIMS = `
SELECT c.province_code, c.year, c.facility_code, c.stuck, c.insurance_amount,
       array_to_string(ARRAY(SELECT unnest(c.missing_documents) ORDER BY 1), ',') AS missing,
       ((c.pending_since AT TIME ZONE 'UTC') + interval '7 hours')::date AS since_day
FROM claim c
WHERE c.status = 'pending_documentation'`;

/** pending_tally computed from the stored claims (the invariant tests and the reports' bench use it). */
export const PENDING_FROM_CLAIMS = `
SELECT province_code, year, facility_code, stuck, missing, count(*)::int AS claims, sum(insurance_amount) AS amount
FROM (${PENDING_CLAIMS}) c
GROUP BY 1, 2, 3, 4, 5`;

/** pending_age computed from the stored claims. */
export const PENDING_AGE_FROM_CLAIMS = `
SELECT province_code, year, since_day, stuck, count(*)::int AS claims, sum(insurance_amount) AS amount
FROM (${PENDING_CLAIMS}) c
GROUP BY 1, 2, 3, 4`;

/** Whole hours from discharge to first receipt of claim c, never negative. */
const DELAY_HOURS = `floor(GREATEST(0, extract(epoch FROM c.received_at - c.discharged_at)) / 3600)::int`;

/** delayBand (src/domain/receipt-delay.ts) in SQL, over claim c: the band's index. The invariant tests hold the two
 * together. */
export const DELAY_BAND = `CASE
  WHEN ${DELAY_HOURS} >= 8784 THEN 159
  WHEN ${DELAY_HOURS} >= 720 THEN 111 + (${DELAY_HOURS} - 720) / 168
  WHEN ${DELAY_HOURS} >= 168 THEN 88 + (${DELAY_HOURS} - 168) / 24
  WHEN ${DELAY_HOURS} >= 72 THEN 72 + (${DELAY_HOURS} - 72) / 6
  ELSE ${DELAY_HOURS} END`;

/** The reports' tallies computed from the stored claims: one GROUP BY over the claims (the bench and tests use it). */
export const TALLY_FROM_CLAIMS = `
SELECT c.province_code, c.year, c.month, c.facility_code, c.visit_type, count(*)::int AS claims,
       sum(c.insurance_amount) AS claimed,
       count(*) FILTER (WHERE 'late_submission' = ANY(c.flags))::int AS late,
       count(*) FILTER (WHERE 'citizen_id_mismatch' = ANY(c.flags))::int AS mismatches,
       count(*) FILTER (WHERE 'possible_duplicate' = ANY(c.flags))::int AS duplicates
FROM claim c
GROUP BY 1, 2, 3, 4, 5`;

/**
 * The claims of each band of receipt delay computed from the stored claims, each claim in its month and in its whole
 * year (month 0): one row per band with claims, the sparse form of receipt_delay (DELAYS_FROM_CLAIMS builds the
 * table's arrays from it; the invariant tests compare it with the stored arrays unnested).
 */
export const DELAY_BANDS_FROM_CLAIMS = `
SELECT c.province_code, c.year, m.month, c.facility_code, ${DELAY_BAND} AS band, count(*)::int AS claims
FROM claim c CROSS JOIN LATERAL (VALUES (c.month), (0)) AS m(month)
GROUP BY 1, 2, 3, 4, 5`;

/** receipt_delay's rows computed from the stored claims: claims per band, an array indexed by band (from 1 in SQL). */
export const DELAYS_FROM_CLAIMS = `
SELECT province_code, year, month, facility_code,
       (SELECT array_agg(COALESCE((g.bands ->> i::text)::int, 0) ORDER BY i) FROM generate_series(0, g.top) AS i)
         AS claims
FROM (SELECT province_code, year, month, facility_code, jsonb_object_agg(band, claims) AS bands, max(band) AS top
      FROM (${DELAY_BANDS_FROM_CLAIMS}) b GROUP BY 1, 2, 3, 4) g`;

/** receipt_delay's stored arrays as one row per band with claims, DELAY_BANDS_FROM_CLAIMS's form. */
export const DELAY_BANDS_STORED = `
SELECT d.province_code, d.year, d.month, d.facility_code, (u.n - 1)::int AS band, u.claims
FROM receipt_delay d CROSS JOIN LATERAL unnest(d.claims) WITH ORDINALITY AS u(claims, n)
WHERE u.claims <> 0`;
