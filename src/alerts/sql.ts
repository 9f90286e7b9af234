/** The alert to step, locked, with whether its threshold is reached now. $1 alert id. */
export const LOCK_ALERT = `
SELECT a.status::text AS status, a.kind::text AS kind,
       COALESCE(COALESCE(s.spent, 0) >= a.threshold * e.total_amount, false) AS reached
FROM alert a
LEFT JOIN estimate e ON e.province_code = a.province_code AND e.year = a.year
LEFT JOIN spending s ON s.province_code = a.province_code AND s.year = a.year
WHERE a.id = $1::uuid FOR UPDATE OF a`;

/**
 * Claims up to $3 due deliveries for one round: their next attempt moves to $1 (the lease), so a crashed round is
 * retried and two rounds never send the same one. $2 now.
 */
export const CLAIM_DUE_DELIVERIES = `
UPDATE alert_delivery d SET attempts = d.attempts + 1, next_attempt_at = $1::timestamptz
FROM (
  SELECT id FROM alert_delivery
  WHERE status = 'pending' AND next_attempt_at <= $2::timestamptz
  ORDER BY next_attempt_at, id
  LIMIT $3
  FOR UPDATE SKIP LOCKED
) due
WHERE d.id = due.id
RETURNING d.id::text AS "id", d.alert_id::text AS "alertId", d.webhook_id::text AS "webhookId", d.url AS "url",
  d.attempts AS "attempts", d.created_at AS "createdAt"`;

/** Records a round's outcomes: one element of each array per delivery. */
export const RECORD_DELIVERY_OUTCOMES = `
UPDATE alert_delivery d
SET status = u.status::"DeliveryStatus", next_attempt_at = u.next_at, last_error = u.error,
  delivered_at = u.delivered_at
FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::timestamptz[])
  AS u(id, status, next_at, error, delivered_at)
WHERE d.id = u.id`;

/**
 * raiseAlerts' read (alerts/evaluate.ts): releases the live keys of resolved threshold alerts whose threshold
 * spending is below again, then answers each province-year's spending, estimate and the arrival-triangle cells its
 * projection needs. Province-years without an estimate have no ratio: the inner join drops them.
 * $1-$4: (live key, province, year, threshold) of each candidate; $5, $6: the province-years; $7, $8: the months
 * (year * 12 + month - 1) of the projection's history.
 */
export const EVALUATE_PROVINCE_YEARS = `
WITH rearm AS (
  -- A threshold alert resolved while its threshold was still reached keeps its live key, so
  -- more spending above the threshold raises nothing; once spending is seen below it again,
  -- the key is released and the next crossing raises a new alert (docs/api.md "Alerts").
  UPDATE alert a SET live_key = NULL
  FROM unnest($1::text[], $2::text[], $3::int[], $4::numeric[]) AS c(live_key, province_code, year, threshold)
  JOIN estimate e ON e.province_code = c.province_code AND e.year = c.year
  LEFT JOIN spending s ON s.province_code = c.province_code AND s.year = c.year
  WHERE a.live_key = c.live_key AND a.status = 'resolved' AND COALESCE(s.spent, 0) < c.threshold * e.total_amount
  RETURNING a.id
)
SELECT k.province_code AS "provinceCode", k.year AS "year",
       COALESCE(s.spent, 0)::text AS "spent", e.total_amount::text AS "estimate",
       (SELECT json_agg(json_build_array(t.year, t.discharge_month, t.delay_months, t.amount::text))
          FROM arrival_triangle t
         WHERE t.province_code = k.province_code
           AND t.year * 12 + t.discharge_month - 1
               BETWEEN LEAST($7::int, k.year * 12) AND GREATEST($8::int, k.year * 12 + 11)) AS "cells"
FROM unnest($5::text[], $6::int[]) AS k(province_code, year)
JOIN estimate e ON e.province_code = k.province_code AND e.year = k.year
LEFT JOIN spending s ON s.province_code = k.province_code AND s.year = k.year`;

/** Locks the spending rows of these province-years ($1 provinces, $2 years) that exist, in key order. */
export const LOCK_SPENDING = `
SELECT 1 FROM spending s
JOIN unnest($1::text[], $2::int[]) AS k(province_code, year)
  ON s.province_code = k.province_code AND s.year = k.year
ORDER BY s.province_code, s.year
FOR UPDATE OF s`;

/**
 * Inserts the alerts due, skipping any whose live key is taken (one open or acknowledged alert per crossing), queues
 * their webhook deliveries, and answers how many alerts were inserted.
 */
export const INSERT_ALERTS = `
WITH inserted AS (
  INSERT INTO alert (id, kind, province_code, year, threshold, severity, ratio_at_raise, spent_at_raise,
    estimate_at_raise, raised_at, status, live_key)
  SELECT r.id, r.kind::"AlertKind", r.province_code, r.year, r.threshold, r.severity, r.ratio, r.spent, r.estimate,
    $11::timestamptz, 'open'::"AlertStatus", r.live_key
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::numeric[], $6::text[], $7::numeric[],
    $8::numeric[], $9::numeric[], $10::text[])
    AS r(id, kind, province_code, year, threshold, severity, ratio, spent, estimate, live_key)
  ORDER BY r.live_key
  ON CONFLICT (live_key) DO NOTHING
  RETURNING id, province_code
), queued AS (
  INSERT INTO alert_delivery (id, alert_id, webhook_id, url, status, attempts, next_attempt_at, created_at)
  SELECT gen_random_uuid(), i.id, w.id, w.url, 'pending'::"DeliveryStatus", 0, $11::timestamptz, $11::timestamptz
  FROM inserted i JOIN province_webhook w ON w.province_code = i.province_code OR w.province_code IS NULL
  RETURNING 1
)
SELECT (SELECT count(*) FROM inserted)::int AS inserted`;

/** Each province-year's ($1, $2) estimate, spending and stuck amount: what a stuck_backlog alert compares. */
export const STUCK_BACKLOG_FIGURES = `
SELECT k.province_code AS "provinceCode", k.year AS "year", e.total_amount::text AS "estimate",
       COALESCE(s.spent, 0)::text AS "spent",
       (SELECT COALESCE(sum(c.insurance_amount), 0) FROM claim c
         WHERE c.province_code = k.province_code AND c.year = k.year
           AND c.status = 'pending_documentation' AND c.stuck)::text AS "stuck"
FROM unnest($1::text[], $2::int[]) AS k(province_code, year)
JOIN estimate e ON e.province_code = k.province_code AND e.year = k.year
LEFT JOIN spending s ON s.province_code = k.province_code AND s.year = k.year`;
