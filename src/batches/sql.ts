/**
 * The batch path's SQL, kept in one file so a reviewer reads every statement a
 * batch runs. Each takes arrays (one element per claim) and is one round trip
 * whatever the batch size. Money is read back as text: never a JS float.
 */

/** Serialises the batches of one facility until commit (transaction-scoped, so safe through a pool). */
export const LOCK_FACILITY = `SELECT pg_advisory_xact_lock(hashtext('batch:' || $1))`;

/** Claims the batch names that already exist, locked until commit, with the document types recorded. */
export const LOCK_EXISTING_CLAIMS = `
SELECT c.id, c.claim_id, c.content_hash, c.status::text AS status, c.province_code, c.year, c.month,
       c.insurance_amount::text AS insurance, c.approved_amount::text AS approved, c.version,
       c.received_at, c.content, c.missing_documents, c.flags,
       coalesce((SELECT array_agg(DISTINCT d.type) FROM claim_document d WHERE d.claim_ref = c.id), '{}') AS document_types
FROM claim c
WHERE c.facility_code = $1 AND c.claim_id = ANY($2::text[])
ORDER BY c.id
FOR UPDATE OF c`;

/** Which incoming stays overlap a stored stay of the same patient at the same facility under another claimId. */
export const FIND_OVERLAPS = `
SELECT i.idx
FROM unnest($2::int[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[]) AS i(idx, card, citizen, adm, dis, claim_id)
WHERE EXISTS (SELECT 1 FROM claim c WHERE c.facility_code = $1 AND c.card_number = i.card AND c.claim_id <> i.claim_id
                AND c.status <> 'denied' AND c.admitted_at < i.dis AND i.adm < c.discharged_at)
   OR EXISTS (SELECT 1 FROM claim c WHERE c.facility_code = $1 AND c.citizen_id = i.citizen AND c.claim_id <> i.claim_id
                AND c.status <> 'denied' AND c.admitted_at < i.dis AND i.adm < c.discharged_at)`;

/**
 * New and corrected claims in one statement. A correction keeps the first
 * receipt time, bumps the version, and keeps the pending clock (and stuck mark)
 * running while documents are still missing.
 */
export const UPSERT_CLAIMS = `
INSERT INTO claim (facility_code, claim_id, province_code, year, month, visit_type, admitted_at, discharged_at, received_at,
  card_number, citizen_id, patient_name, birth_date, gender, diagnosis_primary, diagnosis_secondary,
  referral, procedure, died, total_amount, insurance_amount, patient_amount, other_amount,
  status, missing_documents, flags, pending_since, content_hash, content, batch_ref, updated_at)
SELECT $1, t.claim_id, t.province_code, t.year, t.month, t.visit_type::"VisitType", t.admitted_at, t.discharged_at, $2,
  t.card_number, t.citizen_id, t.patient_name, t.birth_date, t.gender, t.diagnosis_primary, t.diagnosis_secondary::text[],
  t.referral, t.procedure, t.died, t.total, t.insurance, t.patient, t.other,
  t.status::"ClaimStatus", t.missing::text[], t.flags::text[], CASE WHEN t.status = 'pending_documentation' THEN $2::timestamptz END,
  t.content_hash, t.content, $3, $2
FROM unnest($4::text[], $5::text[], $6::int[], $7::int[], $8::text[], $9::timestamptz[], $10::timestamptz[],
  $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[],
  $18::boolean[], $19::boolean[], $20::boolean[], $21::numeric[], $22::numeric[], $23::numeric[], $24::numeric[],
  $25::text[], $26::text[], $27::text[], $28::text[], $29::jsonb[])
  AS t(claim_id, province_code, year, month, visit_type, admitted_at, discharged_at,
       card_number, citizen_id, patient_name, birth_date, gender, diagnosis_primary, diagnosis_secondary,
       referral, procedure, died, total, insurance, patient, other,
       status, missing, flags, content_hash, content)
ON CONFLICT (facility_code, claim_id) DO UPDATE SET
  province_code = EXCLUDED.province_code, year = EXCLUDED.year, month = EXCLUDED.month, visit_type = EXCLUDED.visit_type,
  admitted_at = EXCLUDED.admitted_at, discharged_at = EXCLUDED.discharged_at,
  card_number = EXCLUDED.card_number, citizen_id = EXCLUDED.citizen_id, patient_name = EXCLUDED.patient_name,
  birth_date = EXCLUDED.birth_date, gender = EXCLUDED.gender, diagnosis_primary = EXCLUDED.diagnosis_primary,
  diagnosis_secondary = EXCLUDED.diagnosis_secondary, referral = EXCLUDED.referral, procedure = EXCLUDED.procedure,
  died = EXCLUDED.died, total_amount = EXCLUDED.total_amount, insurance_amount = EXCLUDED.insurance_amount,
  patient_amount = EXCLUDED.patient_amount, other_amount = EXCLUDED.other_amount,
  status = EXCLUDED.status, missing_documents = EXCLUDED.missing_documents, flags = EXCLUDED.flags,
  pending_since = CASE WHEN EXCLUDED.status = 'pending_documentation' THEN coalesce(claim.pending_since, EXCLUDED.pending_since) END,
  stuck = EXCLUDED.status = 'pending_documentation' AND claim.stuck,
  stuck_at = CASE WHEN EXCLUDED.status = 'pending_documentation' THEN claim.stuck_at END,
  content_hash = EXCLUDED.content_hash, content = EXCLUDED.content, version = claim.version + 1,
  batch_ref = EXCLUDED.batch_ref, updated_at = EXCLUDED.updated_at
RETURNING id, claim_id`;

/** The superseded versions of corrected claims. */
export const INSERT_HISTORY = `
INSERT INTO claim_history (claim_ref, kind, version, at, data)
SELECT ref, 'version', v, $1, d FROM unnest($2::bigint[], $3::int[], $4::jsonb[]) AS t(ref, v, d)`;

/** Documents sent with the claims, skipping any already recorded with the same type and reference. */
export const INSERT_DOCUMENTS = `
INSERT INTO claim_document (claim_ref, type, reference, received_at)
SELECT t.ref, t.type, t.reference, $1 FROM unnest($2::bigint[], $3::text[], $4::text[]) AS t(ref, type, reference)
WHERE NOT EXISTS (SELECT 1 FROM claim_document d WHERE d.claim_ref = t.ref AND d.type = t.type AND d.reference = t.reference)`;
