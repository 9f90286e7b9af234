-- 1
SELECT "public"."api_key"."id", "public"."api_key"."name", "public"."api_key"."role"::text, "public"."api_key"."scope", "public"."api_key"."secret_hash", "public"."api_key"."created_at", "public"."api_key"."revoked_at" FROM "public"."api_key" WHERE ("public"."api_key"."secret_hash" = $1 AND 1=1) LIMIT $2 OFFSET $3;

-- 2
INSERT INTO rate_limit (bucket, window_start, hits)
SELECT bucket, $2::timestamptz, hits FROM unnest($1::text[], $3::int[]) AS t(bucket, hits) ORDER BY bucket
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit.hits + EXCLUDED.hits
RETURNING bucket, hits;

-- 3
SELECT 1 AS locked FROM claim WHERE facility_code = $1 AND claim_id = $2 FOR UPDATE;

-- 4
SELECT "public"."claim"."id", "public"."claim"."facility_code", "public"."claim"."claim_id", "public"."claim"."province_code", "public"."claim"."year", "public"."claim"."month", "public"."claim"."visit_type"::text, "public"."claim"."admitted_at", "public"."claim"."discharged_at", "public"."claim"."received_at", "public"."claim"."card_number", "public"."claim"."citizen_id", "public"."claim"."patient_name", "public"."claim"."birth_date", "public"."claim"."gender", "public"."claim"."diagnosis_primary", "public"."claim"."diagnosis_secondary", "public"."claim"."referral", "public"."claim"."procedure", "public"."claim"."died", "public"."claim"."total_amount", "public"."claim"."insurance_amount", "public"."claim"."patient_amount", "public"."claim"."other_amount", "public"."claim"."approved_amount", "public"."claim"."status"::text, "public"."claim"."missing_documents", "public"."claim"."flags", "public"."claim"."pending_since", "public"."claim"."stuck", "public"."claim"."stuck_at", "public"."claim"."content_hash", "public"."claim"."version", "public"."claim"."batch_ref", "public"."claim"."decided_at", "public"."claim"."created_at", "public"."claim"."updated_at" FROM "public"."claim" WHERE ("public"."claim"."province_code" = $1 AND "public"."claim"."facility_code" = $2 AND "public"."claim"."claim_id" = $3) LIMIT $4 OFFSET $5;

-- 5
UPDATE "public"."claim" SET "status" = CAST($1::text AS "public"."ClaimStatus"), "approved_amount" = $2, "decided_at" = $3, "updated_at" = $4, "pending_since" = $5, "stuck" = $6, "stuck_at" = $7 WHERE ("public"."claim"."id" = $8 AND 1=1) RETURNING "public"."claim"."id", "public"."claim"."facility_code", "public"."claim"."claim_id", "public"."claim"."province_code", "public"."claim"."year", "public"."claim"."month", "public"."claim"."visit_type"::text, "public"."claim"."admitted_at", "public"."claim"."discharged_at", "public"."claim"."received_at", "public"."claim"."card_number", "public"."claim"."citizen_id", "public"."claim"."patient_name", "public"."claim"."birth_date", "public"."claim"."gender", "public"."claim"."diagnosis_primary", "public"."claim"."diagnosis_secondary", "public"."claim"."referral", "public"."claim"."procedure", "public"."claim"."died", "public"."claim"."total_amount", "public"."claim"."insurance_amount", "public"."claim"."patient_amount", "public"."claim"."other_amount", "public"."claim"."approved_amount", "public"."claim"."status"::text, "public"."claim"."missing_documents", "public"."claim"."flags", "public"."claim"."pending_since", "public"."claim"."stuck", "public"."claim"."stuck_at", "public"."claim"."content_hash", "public"."claim"."version", "public"."claim"."batch_ref", "public"."claim"."decided_at", "public"."claim"."created_at", "public"."claim"."updated_at";

-- 6
INSERT INTO "public"."claim_history" ("claim_ref","kind","version","at","data") VALUES ($1,$2,$3,$4,$5) RETURNING "public"."claim_history"."id", "public"."claim_history"."claim_ref", "public"."claim_history"."kind", "public"."claim_history"."version", "public"."claim_history"."at", "public"."claim_history"."data";

-- 7
INSERT INTO "public"."audit_log" ("at","actor_key_id","actor_role","action","entity","entity_id","before","after","request_id") VALUES ($1,$2,CAST($3::text AS "public"."Role"),$4,$5,$6,$7,$8,$9) RETURNING "public"."audit_log"."id", "public"."audit_log"."at", "public"."audit_log"."actor_key_id", "public"."audit_log"."actor_role"::text, "public"."audit_log"."action", "public"."audit_log"."entity", "public"."audit_log"."entity_id", "public"."audit_log"."before", "public"."audit_log"."after", "public"."audit_log"."request_id";

-- 8
SELECT "public"."claim"."id", "public"."claim"."facility_code", "public"."claim"."claim_id", "public"."claim"."province_code", "public"."claim"."year", "public"."claim"."month", "public"."claim"."visit_type"::text, "public"."claim"."admitted_at", "public"."claim"."discharged_at", "public"."claim"."received_at", "public"."claim"."card_number", "public"."claim"."citizen_id", "public"."claim"."patient_name", "public"."claim"."birth_date", "public"."claim"."gender", "public"."claim"."diagnosis_primary", "public"."claim"."diagnosis_secondary", "public"."claim"."referral", "public"."claim"."procedure", "public"."claim"."died", "public"."claim"."total_amount", "public"."claim"."insurance_amount", "public"."claim"."patient_amount", "public"."claim"."other_amount", "public"."claim"."approved_amount", "public"."claim"."status"::text, "public"."claim"."missing_documents", "public"."claim"."flags", "public"."claim"."pending_since", "public"."claim"."stuck", "public"."claim"."stuck_at", "public"."claim"."content_hash", "public"."claim"."version", "public"."claim"."batch_ref", "public"."claim"."decided_at", "public"."claim"."created_at", "public"."claim"."updated_at" FROM "public"."claim" WHERE "public"."claim"."id" = $1 LIMIT $2 OFFSET $3;

-- 9
SELECT "public"."claim_document"."id", "public"."claim_document"."claim_ref", "public"."claim_document"."type", "public"."claim_document"."reference", "public"."claim_document"."received_at" FROM "public"."claim_document" WHERE "public"."claim_document"."claim_ref" IN ($1) ORDER BY "public"."claim_document"."id" ASC OFFSET $2;

-- 10
SELECT "public"."claim_history"."id", "public"."claim_history"."claim_ref", "public"."claim_history"."kind", "public"."claim_history"."version", "public"."claim_history"."at", "public"."claim_history"."data" FROM "public"."claim_history" WHERE "public"."claim_history"."claim_ref" IN ($1) ORDER BY "public"."claim_history"."id" ASC OFFSET $2;
