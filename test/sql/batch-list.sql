-- 1
SELECT "public"."api_key"."id", "public"."api_key"."name", "public"."api_key"."role"::text, "public"."api_key"."scope", "public"."api_key"."secret_hash", "public"."api_key"."created_at", "public"."api_key"."revoked_at", "public"."api_key"."session_generation" FROM "public"."api_key" WHERE ("public"."api_key"."secret_hash" = $1 AND 1=1) LIMIT $2 OFFSET $3;

-- 2
INSERT INTO rate_limit (bucket, window_start, hits)
SELECT bucket, $2::timestamptz, hits FROM unnest($1::text[], $3::int[]) AS t(bucket, hits) ORDER BY bucket
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit.hits + EXCLUDED.hits
RETURNING bucket, hits;

-- 3
SELECT "public"."facility"."code", "public"."facility"."name" FROM "public"."facility" LEFT JOIN "public"."province" AS "j0" ON ("j0"."code") = ("public"."facility"."province_code") WHERE ("public"."facility"."province_code" = $1 OR ("j0"."successor_code" = $2 AND ("j0"."code" IS NOT NULL))) ORDER BY "public"."facility"."code" ASC OFFSET $3;

-- 4
SELECT "public"."batch"."id", "public"."batch"."batch_id", "public"."batch"."facility_code", "public"."batch"."received_at", "public"."batch"."claim_count", "public"."batch"."accepted_count", "public"."batch"."pending_documentation_count", "public"."batch"."rejected_count", "public"."batch"."corrected_count", "public"."batch"."unchanged_count", "public"."batch"."xml_chunk", "public"."batch"."xml_chunks" FROM "public"."batch" WHERE ("public"."batch"."facility_code" IN ($1,$2) AND "public"."batch"."received_at" >= $3 AND "public"."batch"."received_at" < $4 AND "public"."batch"."rejected_count" > $5) ORDER BY "public"."batch"."received_at" DESC, "public"."batch"."id" DESC LIMIT $6 OFFSET $7;
