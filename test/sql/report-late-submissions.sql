-- 1
SELECT "public"."api_key"."id", "public"."api_key"."name", "public"."api_key"."role"::text, "public"."api_key"."scope", "public"."api_key"."secret_hash", "public"."api_key"."created_at", "public"."api_key"."revoked_at", "public"."api_key"."session_generation" FROM "public"."api_key" WHERE ("public"."api_key"."secret_hash" = $1 AND 1=1) LIMIT $2 OFFSET $3;

-- 2
INSERT INTO rate_limit (bucket, window_start, hits)
SELECT bucket, $2::timestamptz, hits FROM unnest($1::text[], $3::int[]) AS t(bucket, hits) ORDER BY bucket
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit.hits + EXCLUDED.hits
RETURNING bucket, hits;

-- 3
WITH t AS (
  SELECT province_code, facility_code, sum(claims)::int AS claims, sum(late)::int AS late,
         sum(mismatches)::int AS mismatches
  FROM claim_tally
  WHERE year = $1 AND ($2::int IS NULL OR month = $2::int) AND ($3::text IS NULL OR province_code = $3::text) AND ($4::text IS NULL OR facility_code = $4::text)
  GROUP BY 1, 2 HAVING sum(claims) > 0
), d AS (
  SELECT province_code, facility_code, claims
  FROM receipt_delay
  WHERE year = $1 AND month = COALESCE($2::int, 0) AND ($3::text IS NULL OR province_code = $3::text) AND ($4::text IS NULL OR facility_code = $4::text)
)
SELECT t.province_code AS "provinceCode", t.facility_code AS "facilityCode", f.name AS "name", t.claims AS "claims",
       t.late AS "late", t.mismatches AS "mismatches", COALESCE(d.claims, '{}') AS "delays"
FROM t
LEFT JOIN d ON d.province_code = t.province_code AND d.facility_code = t.facility_code
LEFT JOIN facility f ON f.code = t.facility_code;
