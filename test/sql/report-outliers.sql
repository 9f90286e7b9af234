-- 1
SELECT "public"."api_key"."id", "public"."api_key"."name", "public"."api_key"."role"::text, "public"."api_key"."scope", "public"."api_key"."secret_hash", "public"."api_key"."created_at", "public"."api_key"."revoked_at", "public"."api_key"."session_generation" FROM "public"."api_key" WHERE ("public"."api_key"."secret_hash" = $1 AND 1=1) LIMIT $2 OFFSET $3;

-- 2
INSERT INTO rate_limit (bucket, window_start, hits)
SELECT bucket, $2::timestamptz, hits FROM unnest($1::text[], $3::int[]) AS t(bucket, hits) ORDER BY bucket
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit.hits + EXCLUDED.hits
RETURNING bucket, hits;

-- 3
SELECT u.province_code AS "provinceCode", u.facility_code AS "facilityCode", f.name AS "name",
       u.visit_type AS "visitType", u.claims AS "claims", u.amount::text AS "amount", u.duplicates AS "duplicates"
FROM (
  SELECT province_code, facility_code, visit_type::text AS visit_type, sum(claims)::int AS claims,
         sum(claimed) AS amount, sum(duplicates)::int AS duplicates
  FROM claim_tally
  WHERE year = $1 AND ($2::text IS NULL OR visit_type = $2::text::"VisitType")
  GROUP BY 1, 2, 3 HAVING sum(claims) > 0
) u LEFT JOIN facility f ON f.code = u.facility_code;
