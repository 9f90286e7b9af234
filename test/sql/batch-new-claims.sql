-- 1
SELECT "public"."api_key"."id", "public"."api_key"."name", "public"."api_key"."role"::text, "public"."api_key"."scope", "public"."api_key"."secret_hash", "public"."api_key"."created_at", "public"."api_key"."revoked_at", "public"."api_key"."session_generation" FROM "public"."api_key" WHERE ("public"."api_key"."secret_hash" = $1 AND 1=1) LIMIT $2 OFFSET $3;

-- 2
SELECT "public"."facility"."code", "public"."facility"."province_code" FROM "public"."facility" WHERE ("public"."facility"."code" = $1 AND 1=1) LIMIT $2 OFFSET $3;

-- 3
INSERT INTO rate_limit (bucket, window_start, hits)
SELECT bucket, $2::timestamptz, hits FROM unnest($1::text[], $3::int[]) AS t(bucket, hits) ORDER BY bucket
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit.hits + EXCLUDED.hits
RETURNING bucket, hits;

-- 4
SELECT "public"."facility"."code", "public"."facility"."province_code" FROM "public"."facility" WHERE ("public"."facility"."code" = $1 AND 1=1) LIMIT $2 OFFSET $3;

-- 5
SELECT "public"."province"."code", "public"."province"."successor_code", "public"."province"."merged_at" FROM "public"."province" WHERE "public"."province"."code" = $1 OFFSET $2;

-- 6
INSERT INTO rate_limit (bucket, window_start, hits)
SELECT bucket, $2::timestamptz, hits FROM unnest($1::text[], $3::int[]) AS t(bucket, hits) ORDER BY bucket
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit.hits + EXCLUDED.hits
RETURNING bucket, hits;

-- 7
SELECT "public"."batch"."id", "public"."batch"."body_hash", "public"."batch"."response" FROM "public"."batch" WHERE (("public"."batch"."facility_code" = $1 AND "public"."batch"."batch_id" = $2) AND 1=1) LIMIT $3 OFFSET $4;

-- 8
SET LOCAL statement_timeout = '120s'; SET LOCAL lock_timeout = '60s';

-- 9
SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('batch:' || $1));

-- 10
SELECT EXISTS (SELECT 1 FROM batch WHERE facility_code = $1 AND batch_id = $2) AS stored,
       nextval(pg_get_serial_sequence('batch', 'id'))::text AS id,
       f.province_code, p.successor_code, p.merged_at
FROM (SELECT 1) AS one
LEFT JOIN facility f ON f.code = $1
LEFT JOIN province p ON p.code = f.province_code;

-- 11
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
FOR UPDATE OF c;

-- 12
SELECT i.idx
FROM unnest($2::int[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[]) AS i(idx, card,
  citizen, adm, dis, claim_id)
WHERE EXISTS (SELECT 1 FROM claim c WHERE c.facility_code = $1 AND c.card_number = i.card AND c.claim_id <> i.claim_id
                AND c.year >= extract(year FROM (i.adm AT TIME ZONE 'UTC') + interval '7 hours')::int AND c.status <> 'denied' AND c.admitted_at < i.dis
                AND i.adm < c.discharged_at)
   OR EXISTS (SELECT 1 FROM claim c WHERE c.facility_code = $1 AND c.citizen_id = i.citizen AND c.claim_id <> i.claim_id
                AND c.year >= extract(year FROM (i.adm AT TIME ZONE 'UTC') + interval '7 hours')::int AND c.status <> 'denied' AND c.admitted_at < i.dis
                AND i.adm < c.discharged_at);

-- 13
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
SELECT id::text AS id, claim_id, year FROM inserted;

-- 14
INSERT INTO batch (id, facility_code, batch_id, body_hash, raw_body, response, received_at, claim_count, key_id,
  accepted_count, pending_documentation_count, rejected_count, corrected_count, unchanged_count, xml_chunk, xml_chunks)
VALUES ($1, $2, $3, $4, $5, $6::json, $7, $8, $9::uuid, $10, $11, $12, $13, $14, $15, $16)
ON CONFLICT (facility_code, batch_id) DO NOTHING RETURNING id;

-- 15
INSERT INTO spending (province_code, year, spent, pending_amount, claim_count, updated_at)
SELECT p, y, s, pa, n, now()
FROM unnest($1::text[], $2::int[], $3::numeric[], $4::numeric[], $5::int[]) AS t(p, y, s, pa, n)
ON CONFLICT (province_code, year) DO UPDATE SET
  spent = spending.spent + EXCLUDED.spent,
  pending_amount = spending.pending_amount + EXCLUDED.pending_amount,
  claim_count = spending.claim_count + EXCLUDED.claim_count,
  updated_at = now();

-- 16
INSERT INTO spending_detail (province_code, year, month, facility_code, spent, pending_amount, claim_count)
SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::numeric[], $6::numeric[], $7::int[])
ON CONFLICT (province_code, year, month, facility_code) DO UPDATE SET
  spent = spending_detail.spent + EXCLUDED.spent,
  pending_amount = spending_detail.pending_amount + EXCLUDED.pending_amount,
  claim_count = spending_detail.claim_count + EXCLUDED.claim_count;

-- 17
INSERT INTO spending_cost_group (province_code, year, month, facility_code, cost_group, spent)
SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::numeric[])
ON CONFLICT (province_code, year, month, facility_code, cost_group) DO UPDATE SET
  spent = spending_cost_group.spent + EXCLUDED.spent;

-- 18
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
  duplicates = claim_tally.duplicates + EXCLUDED.duplicates;

-- 19
INSERT INTO pending_tally (province_code, year, facility_code, stuck, missing, claims, amount)
SELECT *
FROM unnest($1::text[], $2::int[], $3::text[], $4::boolean[], $5::text[], $6::int[], $7::numeric[])
ON CONFLICT (province_code, year, facility_code, stuck, missing) DO UPDATE SET
  claims = pending_tally.claims + EXCLUDED.claims,
  amount = pending_tally.amount + EXCLUDED.amount;

-- 20
INSERT INTO pending_age (province_code, year, since_day, stuck, claims, amount)
SELECT * FROM unnest($1::text[], $2::int[], $3::date[], $4::boolean[], $5::int[], $6::numeric[])
ON CONFLICT (province_code, year, since_day, stuck) DO UPDATE SET
  claims = pending_age.claims + EXCLUDED.claims,
  amount = pending_age.amount + EXCLUDED.amount;

-- 21
INSERT INTO receipt_delay (province_code, year, month, facility_code, claims)
SELECT p, y, m, f, c::int[] FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[]) AS t(p, y, m, f, c)
ON CONFLICT (province_code, year, month, facility_code) DO UPDATE SET
  claims = (SELECT array_agg(COALESCE(a, 0) + COALESCE(b, 0) ORDER BY n)
            FROM unnest(receipt_delay.claims, EXCLUDED.claims) WITH ORDINALITY AS u(a, b, n));

-- 22
INSERT INTO arrival_triangle (province_code, year, discharge_month, delay_months, amount, claim_count)
SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::numeric[], $6::int[])
ON CONFLICT (province_code, year, discharge_month, delay_months) DO UPDATE SET
  amount = arrival_triangle.amount + EXCLUDED.amount,
  claim_count = arrival_triangle.claim_count + EXCLUDED.claim_count;

-- 23
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
LEFT JOIN spending s ON s.province_code = k.province_code AND s.year = k.year;
