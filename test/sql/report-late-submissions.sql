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
       u.claims AS "claims", u.late AS "late", u.mismatches AS "mismatches", u.median::text AS "medianHours",
         u.p90::text AS "p90Hours"
FROM (
  SELECT c.province_code, c.facility_code, count(*)::int AS claims,
         count(*) FILTER (WHERE 'late_submission' = ANY(c.flags))::int AS late,
         count(*) FILTER (WHERE 'citizen_id_mismatch' = ANY(c.flags))::int AS mismatches,
         extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY GREATEST(c.received_at - c.discharged_at,
           interval '0'))) / 3600 AS median,
         extract(epoch FROM percentile_disc(0.9) WITHIN GROUP (ORDER BY GREATEST(c.received_at - c.discharged_at,
           interval '0'))) / 3600 AS p90
  FROM claim c
  WHERE c.year = $1 AND ($2::int IS NULL OR c.month = $2::int)
    AND ($3::text IS NULL OR c.province_code = $3::text) AND ($4::text IS NULL OR c.facility_code = $4::text)
  GROUP BY c.province_code, c.facility_code
) u LEFT JOIN facility f ON f.code = u.facility_code;
