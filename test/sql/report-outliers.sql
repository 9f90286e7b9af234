-- 1
SELECT "public"."api_key"."id", "public"."api_key"."name", "public"."api_key"."role"::text, "public"."api_key"."scope", "public"."api_key"."secret_hash", "public"."api_key"."created_at", "public"."api_key"."revoked_at", "public"."api_key"."session_generation" FROM "public"."api_key" WHERE ("public"."api_key"."secret_hash" = $1 AND 1=1) LIMIT $2 OFFSET $3;

-- 2
INSERT INTO rate_limit (bucket, window_start, hits)
SELECT bucket, $2::timestamptz, hits FROM unnest($1::text[], $3::int[]) AS t(bucket, hits) ORDER BY bucket
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit.hits + EXCLUDED.hits
RETURNING bucket, hits;

-- 3
SELECT set_config('jit', 'off', true), set_config('random_page_cost', '1.1', true),
       set_config('work_mem', '64MB', true);

-- 4
SELECT u.province_code AS "provinceCode", u.facility_code AS "facilityCode", f.name AS "name",
       u.visit_type AS "visitType", u.claims AS "claims", u.amount::text AS "amount", u.duplicates AS "duplicates"
FROM (
  SELECT c.province_code, c.facility_code, c.visit_type::text AS visit_type, count(*)::int AS claims,
         sum(c.insurance_amount) AS amount, count(*) FILTER (WHERE 'possible_duplicate' = ANY(c.flags))::int AS
           duplicates
  FROM claim c
  WHERE c.year = $1 AND ($2::text IS NULL OR c.visit_type = $2::text::"VisitType")
  GROUP BY c.province_code, c.facility_code, c.visit_type
) u LEFT JOIN facility f ON f.code = u.facility_code;
