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
SELECT "public"."batch"."id", "public"."batch"."body_hash", "public"."batch"."rejected_count", "public"."batch"."xml_chunk", "public"."batch"."xml_chunks" FROM "public"."batch" WHERE (("public"."batch"."facility_code" = $1 AND "public"."batch"."batch_id" = $2) AND 1=1) LIMIT $3 OFFSET $4;

-- 5
SELECT e.ordinal::int AS ordinal, (e.value->>'index')::int AS index, e.value->>'claimId' AS "claimId",
       e.value->>'path' AS path, e.value->>'code' AS code, e.value->>'message' AS message
FROM batch b
CROSS JOIN LATERAL json_array_elements(b.response->'errors') WITH ORDINALITY AS e(value, ordinal)
WHERE b.id = $1::bigint AND e.ordinal > $2::int
ORDER BY e.ordinal
LIMIT $3::int;
