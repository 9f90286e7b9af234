/** Locks one claim by its natural key (before the caller's scope is checked: a merger may be moving it). */
export const LOCK_CLAIM = `SELECT 1 AS locked FROM claim WHERE facility_code = $1 AND claim_id = $2 FOR UPDATE`;

/** The referring facility's claim whose referral_paper document carries this claim's paper number, if any. */
const SENDER_PAPER = `
  SELECT s.claim_id FROM claim s JOIN claim_document d ON d.claim_ref = s.id
  WHERE d.type = 'referral_paper' AND d.reference = c.referral_paper AND s.facility_code = c.referral_from
    AND s.id <> c.id`;

/** The sender's claim of one claim's referral paper ($1 = the claim's id), or no row. */
export const REFERRAL_SENDER = `SELECT (${SENDER_PAPER} LIMIT 1) AS sender_claim_id FROM claim c WHERE c.id = $1`;

/**
 * Flags referrals whose paper has not appeared from the referring facility by $1 (received before it), and
 * unflags those whose paper has since arrived. Flags only: no money moves.
 */
export const FLAG_UNCONFIRMED_REFERRALS = `
WITH flagged AS (
  UPDATE claim c SET flags = array_append(c.flags, 'referral_unconfirmed')
  WHERE c.referral_paper IS NOT NULL AND c.referral_from IS NOT NULL AND c.received_at <= $1::timestamptz
    AND NOT ('referral_unconfirmed' = ANY(c.flags)) AND NOT EXISTS (${SENDER_PAPER})
  RETURNING 1
), confirmed AS (
  UPDATE claim c SET flags = array_remove(c.flags, 'referral_unconfirmed')
  WHERE 'referral_unconfirmed' = ANY(c.flags) AND EXISTS (${SENDER_PAPER})
  RETURNING 1
)
SELECT (SELECT count(*) FROM flagged)::int AS flagged, (SELECT count(*) FROM confirmed)::int AS confirmed`;
