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
