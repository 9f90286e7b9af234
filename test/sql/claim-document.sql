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
SELECT "public"."claim"."id", "public"."claim"."year" FROM "public"."claim" WHERE ("public"."claim"."facility_code" = $1 AND "public"."claim"."facility_code" = $2 AND "public"."claim"."claim_id" = $3) LIMIT $4 OFFSET $5;

-- 5
SELECT id, facility_code AS "facilityCode", claim_id AS "claimId", province_code AS "provinceCode", year, month,
       visit_type::text AS "visitType", referral, procedure, died, discharge_kind AS "dischargeKind",
       status::text AS status,
       insurance_amount::text AS insurance, approved_amount::text AS approved, cost_split AS "costSplit",
       missing_documents AS "missingDocuments", stuck, received_at AS "receivedAt", pending_since AS "pendingSince"
FROM claim WHERE id = $1
FOR UPDATE;

-- 6
INSERT INTO claim_document (claim_ref, claim_year, type, reference, received_at)
SELECT $1, $5::int, t.type, t.reference, t.received_at
FROM unnest($2::text[], $3::text[], $4::timestamptz[]) WITH ORDINALITY AS t(type, reference, received_at, n)
WHERE NOT EXISTS (SELECT 1 FROM claim_document d WHERE d.claim_ref = $1 AND d.claim_year = $5::int AND d.type = t.type
  AND d.reference = t.reference)
ORDER BY t.n
RETURNING type, reference;

-- 7
SELECT DISTINCT type FROM claim_document WHERE claim_ref = $1 AND claim_year = $2;

-- 8
UPDATE "public"."claim" SET "updated_at" = $1, "missing_documents" = $2, "status" = CAST($3::text AS "public"."ClaimStatus"), "pending_since" = $4, "stuck" = $5, "stuck_at" = $6 WHERE (("public"."claim"."id" = $7 AND "public"."claim"."year" = $8) AND 1=1) RETURNING "public"."claim"."id", "public"."claim"."year", "public"."claim"."facility_code", "public"."claim"."claim_id", "public"."claim"."province_code", "public"."claim"."month", "public"."claim"."visit_type"::text, "public"."claim"."visit_code", "public"."claim"."discharge_kind", "public"."claim"."treatment_result", "public"."claim"."admitted_at", "public"."claim"."discharged_at", "public"."claim"."received_at", "public"."claim"."card_number", "public"."claim"."citizen_id", "public"."claim"."patient_name", "public"."claim"."birth_date", "public"."claim"."gender", "public"."claim"."diagnosis_primary", "public"."claim"."diagnosis_secondary", "public"."claim"."referral", "public"."claim"."referral_from", "public"."claim"."referral_paper", "public"."claim"."procedure", "public"."claim"."died", "public"."claim"."total_amount", "public"."claim"."insurance_amount", "public"."claim"."patient_amount", "public"."claim"."other_amount", "public"."claim"."approved_amount", "public"."claim"."status"::text, "public"."claim"."missing_documents", "public"."claim"."flags", "public"."claim"."warnings", "public"."claim"."cost_split", "public"."claim"."lines", "public"."claim"."findings", "public"."claim"."proposed_amount", "public"."claim"."drugs_amount", "public"."claim"."supplies_amount", "public"."claim"."pending_since", "public"."claim"."stuck", "public"."claim"."stuck_at", "public"."claim"."content_hash", "public"."claim"."version", "public"."claim"."batch_ref", "public"."claim"."decided_at", "public"."claim"."created_at", "public"."claim"."updated_at";

-- 9
INSERT INTO spending (province_code, year, spent, pending_amount, claim_count, updated_at)
SELECT p, y, s, pa, n, now()
FROM unnest($1::text[], $2::int[], $3::numeric[], $4::numeric[], $5::int[]) AS t(p, y, s, pa, n)
ON CONFLICT (province_code, year) DO UPDATE SET
  spent = spending.spent + EXCLUDED.spent,
  pending_amount = spending.pending_amount + EXCLUDED.pending_amount,
  claim_count = spending.claim_count + EXCLUDED.claim_count,
  updated_at = now();

-- 10
INSERT INTO spending_detail (province_code, year, month, facility_code, spent, pending_amount, claim_count)
SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::numeric[], $6::numeric[], $7::int[])
ON CONFLICT (province_code, year, month, facility_code) DO UPDATE SET
  spent = spending_detail.spent + EXCLUDED.spent,
  pending_amount = spending_detail.pending_amount + EXCLUDED.pending_amount,
  claim_count = spending_detail.claim_count + EXCLUDED.claim_count;

-- 11
INSERT INTO pending_tally (province_code, year, facility_code, stuck, missing, claims, amount)
SELECT *
FROM unnest($1::text[], $2::int[], $3::text[], $4::boolean[], $5::text[], $6::int[], $7::numeric[])
ON CONFLICT (province_code, year, facility_code, stuck, missing) DO UPDATE SET
  claims = pending_tally.claims + EXCLUDED.claims,
  amount = pending_tally.amount + EXCLUDED.amount;

-- 12
INSERT INTO pending_age (province_code, year, since_day, stuck, claims, amount)
SELECT * FROM unnest($1::text[], $2::int[], $3::date[], $4::boolean[], $5::int[], $6::numeric[])
ON CONFLICT (province_code, year, since_day, stuck) DO UPDATE SET
  claims = pending_age.claims + EXCLUDED.claims,
  amount = pending_age.amount + EXCLUDED.amount;

-- 13
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

-- 14
INSERT INTO "public"."audit_log" ("at","actor_key_id","actor_role","action","entity","entity_id","before","after","request_id") VALUES ($1,$2,CAST($3::text AS "public"."Role"),$4,$5,$6,$7,$8,$9) RETURNING "public"."audit_log"."id", "public"."audit_log"."at", "public"."audit_log"."actor_key_id", "public"."audit_log"."actor_role"::text, "public"."audit_log"."action", "public"."audit_log"."entity", "public"."audit_log"."entity_id", "public"."audit_log"."before", "public"."audit_log"."after", "public"."audit_log"."request_id";

-- 15
SELECT "public"."claim"."id", "public"."claim"."year", "public"."claim"."facility_code", "public"."claim"."claim_id", "public"."claim"."province_code", "public"."claim"."month", "public"."claim"."visit_type"::text, "public"."claim"."visit_code", "public"."claim"."discharge_kind", "public"."claim"."treatment_result", "public"."claim"."admitted_at", "public"."claim"."discharged_at", "public"."claim"."received_at", "public"."claim"."card_number", "public"."claim"."citizen_id", "public"."claim"."patient_name", "public"."claim"."birth_date", "public"."claim"."gender", "public"."claim"."diagnosis_primary", "public"."claim"."diagnosis_secondary", "public"."claim"."referral", "public"."claim"."referral_from", "public"."claim"."referral_paper", "public"."claim"."procedure", "public"."claim"."died", "public"."claim"."total_amount", "public"."claim"."insurance_amount", "public"."claim"."patient_amount", "public"."claim"."other_amount", "public"."claim"."approved_amount", "public"."claim"."status"::text, "public"."claim"."missing_documents", "public"."claim"."flags", "public"."claim"."warnings", "public"."claim"."cost_split", "public"."claim"."lines", "public"."claim"."findings", "public"."claim"."proposed_amount", "public"."claim"."drugs_amount", "public"."claim"."supplies_amount", "public"."claim"."pending_since", "public"."claim"."stuck", "public"."claim"."stuck_at", "public"."claim"."content_hash", "public"."claim"."version", "public"."claim"."batch_ref", "public"."claim"."decided_at", "public"."claim"."created_at", "public"."claim"."updated_at" FROM "public"."claim" WHERE "public"."claim"."id" = $1 LIMIT $2 OFFSET $3;

-- 16
SELECT "public"."claim_document"."id", "public"."claim_document"."claim_year", "public"."claim_document"."claim_ref", "public"."claim_document"."type", "public"."claim_document"."reference", "public"."claim_document"."received_at" FROM "public"."claim_document" WHERE ("public"."claim_document"."claim_ref" IN ($1) AND "public"."claim_document"."claim_year" IN ($2)) ORDER BY "public"."claim_document"."id" ASC OFFSET $3;

-- 17
SELECT "public"."claim_history"."id", "public"."claim_history"."claim_year", "public"."claim_history"."claim_ref", "public"."claim_history"."kind", "public"."claim_history"."version", "public"."claim_history"."at", "public"."claim_history"."data" FROM "public"."claim_history" WHERE ("public"."claim_history"."claim_ref" IN ($1) AND "public"."claim_history"."claim_year" IN ($2)) ORDER BY "public"."claim_history"."id" ASC OFFSET $3;
