/**
 * The batch path's SQL, kept in one file so a reviewer reads every statement a
 * batch runs. Each takes arrays (one element per claim) and is one round trip
 * whatever the batch size. Money is read back as text: never a JS float.
 */

/**
 * Serialises the batches of one facility until commit (transaction-scoped, so safe through a pool). A row, not a void:
 * Prisma's raw queries cannot read one.
 */
export const LOCK_FACILITY = `SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('batch:' || $1))`;

/**
 * Whether the facility already has this batchId (read after taking the
 * facility's lock, so a concurrent request with the same batchId that
 * committed first is seen), the id the batch row will have, and what decides
 * where the facility's claims count now (a merger or a new province recorded
 * while the batch waited for the lock: src/reference/reattribute.ts).
 */
export const BATCH_STORED = `
SELECT EXISTS (SELECT 1 FROM batch WHERE facility_code = $1 AND batch_id = $2) AS stored,
       nextval(pg_get_serial_sequence('batch', 'id'))::text AS id,
       f.province_code, p.successor_code, p.merged_at
FROM (SELECT 1) AS one
LEFT JOIN facility f ON f.code = $1
LEFT JOIN province p ON p.code = f.province_code`;

/**
 * The batch row, written last with its response: one write of the raw body
 * and the response, with the response's counts beside it (what the list of
 * batches shows without reading the response) and, for a chunk of an XML
 * file, which chunk of how many. No row back means another writer stored the
 * batchId after all (none does without the facility lock today; a replay, not
 * a 500, if one ever does).
 */
export const INSERT_BATCH = `
INSERT INTO batch (id, facility_code, batch_id, body_hash, raw_body, response, received_at, claim_count, key_id,
  accepted_count, pending_documentation_count, rejected_count, corrected_count, unchanged_count, xml_chunk, xml_chunks)
VALUES ($1, $2, $3, $4, $5, $6::json, $7, $8, $9::uuid, $10, $11, $12, $13, $14, $15, $16)
ON CONFLICT (facility_code, batch_id) DO NOTHING RETURNING id`;

/**
 * Bounds for the batch transaction (Prisma's interactive transaction used to
 * give it 120 s): a statement that runs away, or a wait for a row lock held by
 * a stuck writer, fails and rolls back the batch instead of holding a
 * connection and the province's spending row indefinitely.
 */
export const BOUND_BATCH = `SET LOCAL statement_timeout = '120s'; SET LOCAL lock_timeout = '60s'`;

/** Claims the batch names that already exist, locked until commit, with the document types recorded. */
export const LOCK_EXISTING_CLAIMS = `
SELECT c.id::text AS id, c.claim_id, c.content_hash, c.status::text AS status, c.province_code, c.year, c.month,
       c.insurance_amount::text AS insurance, c.approved_amount::text AS approved, c.version,
       c.received_at, c.missing_documents, c.flags, c.visit_type::text AS visit_type, c.discharged_at,
       c.pending_since, c.stuck,
       c.cost_split, c.lines, c.findings,
       coalesce((SELECT array_agg(DISTINCT d.type) FROM claim_document d
                 WHERE d.claim_ref = c.id AND d.claim_year = c.year), '{}') AS
         document_types
FROM claim c
WHERE c.facility_code = $1 AND c.claim_id = ANY($2::text[])
ORDER BY c.id
FOR UPDATE OF c`;

/**
 * The incoming stay's admission year in Vietnam time: a stored stay that overlaps it was discharged after that
 * admission, so in that year or later. The duplicate check reads only those years' partitions, never the whole
 * history.
 */
const ADMISSION_YEAR = `extract(year FROM (i.adm AT TIME ZONE 'UTC') + interval '7 hours')::int`;

/** Which incoming stays overlap a stored stay of the same patient at the same facility under another claimId. */
export const FIND_OVERLAPS = `
SELECT i.idx
FROM unnest($2::int[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[]) AS i(idx, card,
  citizen, adm, dis, claim_id)
WHERE EXISTS (SELECT 1 FROM claim c WHERE c.facility_code = $1 AND c.card_number = i.card AND c.claim_id <> i.claim_id
                AND c.year >= ${ADMISSION_YEAR} AND c.status <> 'denied' AND c.admitted_at < i.dis
                AND i.adm < c.discharged_at)
   OR EXISTS (SELECT 1 FROM claim c WHERE c.facility_code = $1 AND c.citizen_id = i.citizen AND c.claim_id <> i.claim_id
                AND c.year >= ${ADMISSION_YEAR} AND c.status <> 'denied' AND c.admitted_at < i.dis
                AND i.adm < c.discharged_at)`;

/** Money as the API writes it: whole amounts without decimals, others with two. */
const money = (col: string) => `CASE WHEN ${col} = trunc(${col}) THEN trunc(${col})::text ELSE ${col}::text END`;

/**
 * Snapshots the versions about to be superseded, before the upsert overwrites
 * them: the history is built from the stored row, server-side.
 */
export const INSERT_HISTORY = `
INSERT INTO claim_history (claim_ref, claim_year, kind, version, at, data)
SELECT c.id, c.year, 'version', c.version, $1, jsonb_build_object(
  'version', c.version, 'supersededAt', $1::timestamptz, 'supersededByBatch', $2::text, 'batchRef', c.batch_ref::text,
  'visitType', c.visit_type, 'admittedAt', c.admitted_at, 'dischargedAt', c.discharged_at,
  'patient', jsonb_build_object('cardNumber', c.card_number, 'citizenId', c.citizen_id, 'name', c.patient_name,
    'birthDate', c.birth_date, 'gender', c.gender),
  'diagnosis', jsonb_build_object('primary', c.diagnosis_primary, 'secondary', to_jsonb(c.diagnosis_secondary)),
  'referral', c.referral, 'procedure', c.procedure, 'died', c.died,
  'amounts', jsonb_build_object('total', ${money("c.total_amount")}, 'insurance', ${money("c.insurance_amount")},
    'patient', ${money("c.patient_amount")}, 'other', ${money("c.other_amount")}),
  'status', c.status, 'missingDocuments', to_jsonb(c.missing_documents), 'flags', to_jsonb(c.flags),
  'lines', c.lines, 'findings', c.findings,
  'proposedAmount', CASE WHEN c.proposed_amount IS NOT NULL THEN ${money("c.proposed_amount")} END)
FROM claim c WHERE c.id = ANY($3::bigint[])
ORDER BY c.id`;

/**
 * New and corrected claims in one statement, the rows passed as one JSON
 * array (json, not jsonb: PostgreSQL reads it in about two thirds of the
 * time), their lines as another and their findings as a third, one element
 * per row in the rows' order (null for a claim without lines), joined by
 * place: json_to_recordset takes far longer over rows that carry such nested
 * values (PostgreSQL's CPU for a batch of 1,000 claims of 20 lines fell by a
 * third when they went apart). A correction (a row naming the stored claim's
 * id and year, locked by LOCK_EXISTING_CLAIMS) is an UPDATE, which moves the
 * claim to another year's partition when its discharge crossed New Year (an
 * upsert could not: the claim table is partitioned by year, so its unique
 * keys carry the year). It keeps the first receipt time, bumps the version,
 * and keeps the pending clock (and stuck mark) running while documents are
 * still missing. A claim's lines ride in its row (claim.lines), so a
 * correction replaces them with the rest. Returns each claim's id and year.
 */
export const UPSERT_CLAIMS = `
WITH sent AS (
  SELECT * FROM json_to_recordset($4::json) AS r(place int, claim_id text, province_code text, year int,
    month int, visit_type text, admitted_at timestamptz, discharged_at timestamptz, card_number text,
    citizen_id text, patient_name text, birth_date text, gender text, diagnosis_primary text,
    diagnosis_secondary json, referral boolean, referral_from text, referral_paper text, procedure boolean,
    died boolean, total numeric, insurance numeric, patient numeric, other numeric, status text, missing json,
    flags json, warnings jsonb, cost_split jsonb, content_hash text, stored_id bigint, stored_year int,
    visit_code text, discharge_kind text, treatment_result text, proposed_amount numeric,
    drugs_amount numeric, supplies_amount numeric)
), t AS (
  SELECT sent.*, CASE json_typeof(l.lines) WHEN 'null' THEN NULL ELSE l.lines END AS lines,
    f.findings::jsonb AS findings
  FROM sent
  JOIN json_array_elements($5::json) WITH ORDINALITY AS l(lines, place) ON l.place = sent.place
  JOIN json_array_elements($6::json) WITH ORDINALITY AS f(findings, place) ON f.place = sent.place
), updated AS (
  UPDATE claim SET
    province_code = t.province_code, year = t.year, month = t.month, visit_type = t.visit_type::"VisitType",
    admitted_at = t.admitted_at, discharged_at = t.discharged_at,
    card_number = t.card_number, citizen_id = t.citizen_id, patient_name = t.patient_name,
    birth_date = t.birth_date, gender = t.gender, diagnosis_primary = t.diagnosis_primary,
    diagnosis_secondary = ARRAY(SELECT json_array_elements_text(t.diagnosis_secondary)), referral = t.referral,
    referral_from = t.referral_from, referral_paper = t.referral_paper, procedure = t.procedure,
    died = t.died, total_amount = t.total, insurance_amount = t.insurance,
    patient_amount = t.patient, other_amount = t.other,
    status = t.status::"ClaimStatus", missing_documents = ARRAY(SELECT json_array_elements_text(t.missing)),
    flags = ARRAY(SELECT json_array_elements_text(t.flags)),
    warnings = t.warnings, cost_split = t.cost_split, lines = t.lines,
    visit_code = t.visit_code, discharge_kind = t.discharge_kind, treatment_result = t.treatment_result,
    findings = t.findings, proposed_amount = t.proposed_amount, drugs_amount = t.drugs_amount,
    supplies_amount = t.supplies_amount,
    pending_since = CASE WHEN t.status = 'pending_documentation' THEN coalesce(claim.pending_since, $2::timestamptz)
      END,
    stuck = t.status = 'pending_documentation' AND claim.stuck,
    stuck_at = CASE WHEN t.status = 'pending_documentation' THEN claim.stuck_at END,
    content_hash = t.content_hash, version = claim.version + 1,
    batch_ref = $3, updated_at = $2
  FROM t
  WHERE t.stored_id IS NOT NULL AND claim.id = t.stored_id AND claim.year = t.stored_year
  RETURNING claim.id, claim.claim_id, claim.year
), inserted AS (
  INSERT INTO claim (facility_code, claim_id, province_code, year, month, visit_type, admitted_at, discharged_at,
    received_at,
    card_number, citizen_id, patient_name, birth_date, gender, diagnosis_primary, diagnosis_secondary,
    referral, referral_from, referral_paper, procedure, died, total_amount, insurance_amount, patient_amount,
    other_amount, status, missing_documents, flags, warnings, cost_split, lines, pending_since, content_hash,
    batch_ref, updated_at, visit_code, discharge_kind, treatment_result, findings, proposed_amount, drugs_amount,
    supplies_amount)
  SELECT $1, t.claim_id, t.province_code, t.year, t.month, t.visit_type::"VisitType", t.admitted_at,
    t.discharged_at, $2,
    t.card_number, t.citizen_id, t.patient_name, t.birth_date, t.gender, t.diagnosis_primary,
    ARRAY(SELECT json_array_elements_text(t.diagnosis_secondary)),
    t.referral, t.referral_from, t.referral_paper, t.procedure, t.died, t.total, t.insurance, t.patient, t.other,
    t.status::"ClaimStatus", ARRAY(SELECT json_array_elements_text(t.missing)), ARRAY(SELECT
      json_array_elements_text(t.flags)), t.warnings, t.cost_split, t.lines,
    CASE WHEN t.status = 'pending_documentation' THEN $2::timestamptz END,
    t.content_hash, $3, $2, t.visit_code, t.discharge_kind, t.treatment_result, t.findings, t.proposed_amount,
    t.drugs_amount, t.supplies_amount
  FROM t
  WHERE t.stored_id IS NULL
  RETURNING id, claim_id, year
)
SELECT id::text AS id, claim_id, year FROM updated
UNION ALL
SELECT id::text AS id, claim_id, year FROM inserted`;

/** Documents sent with the claims, skipping any already recorded with the same type and reference. */
export const INSERT_DOCUMENTS = `
INSERT INTO claim_document (claim_ref, claim_year, type, reference, received_at)
SELECT t.ref, t.year, t.type, t.reference, $1
FROM unnest($2::bigint[], $5::int[], $3::text[], $4::text[]) AS t(ref, year, type, reference)
WHERE NOT EXISTS (SELECT 1 FROM claim_document d WHERE d.claim_ref = t.ref AND d.claim_year = t.year
  AND d.type = t.type AND d.reference = t.reference)`;

/**
 * A page of one stored batch's rejections, read from its response: the entries of `errors` after position $2 (from
 * 1), in order. The response is read where it is stored: only the page leaves the database.
 */
export const BATCH_REJECTIONS = `
SELECT e.ordinal::int AS ordinal, (e.value->>'index')::int AS index, e.value->>'claimId' AS "claimId",
       e.value->>'path' AS path, e.value->>'code' AS code, e.value->>'message' AS message
FROM batch b
CROSS JOIN LATERAL json_array_elements(b.response->'errors') WITH ORDINALITY AS e(value, ordinal)
WHERE b.id = $1::bigint AND e.ordinal > $2::int
ORDER BY e.ordinal
LIMIT $3::int`;
