/**
 * The documents route's SQL. Each statement is one round trip whatever the
 * number of documents sent.
 */

/**
 * The claim to complete, locked until commit; money as text. $1 claim id: by id alone, so the claim is found in
 * whichever year's partition a correction has just moved it to.
 */
export const LOCK_CLAIM = `
SELECT id, facility_code AS "facilityCode", claim_id AS "claimId", province_code AS "provinceCode", year, month,
       visit_type::text AS "visitType", referral, procedure, died, discharge_kind AS "dischargeKind",
       status::text AS status,
       insurance_amount::text AS insurance, approved_amount::text AS approved, cost_split AS "costSplit",
       missing_documents AS "missingDocuments", stuck, received_at AS "receivedAt", pending_since AS "pendingSince"
FROM claim WHERE id = $1
FOR UPDATE`;

/**
 * Records documents, skipping any already recorded for the claim with the same
 * type and reference (the caller removes repeats within one request).
 * Returns what was inserted. $1 claim id, then one array element per document, $5 the claim's year.
 */
export const INSERT_DOCUMENTS = `
INSERT INTO claim_document (claim_ref, claim_year, type, reference, received_at)
SELECT $1, $5::int, t.type, t.reference, t.received_at
FROM unnest($2::text[], $3::text[], $4::timestamptz[]) WITH ORDINALITY AS t(type, reference, received_at, n)
WHERE NOT EXISTS (SELECT 1 FROM claim_document d WHERE d.claim_ref = $1 AND d.claim_year = $5::int AND d.type = t.type
  AND d.reference = t.reference)
ORDER BY t.n
RETURNING type, reference`;

/** Every document type recorded for the claim, including those just inserted. $1 claim id, $2 its year. */
export const DOCUMENT_TYPES = `SELECT DISTINCT type FROM claim_document WHERE claim_ref = $1 AND claim_year = $2`;
