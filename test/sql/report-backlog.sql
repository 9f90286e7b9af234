-- 1
SELECT "public"."api_key"."id", "public"."api_key"."name", "public"."api_key"."role"::text, "public"."api_key"."scope", "public"."api_key"."secret_hash", "public"."api_key"."created_at", "public"."api_key"."revoked_at", "public"."api_key"."session_generation" FROM "public"."api_key" WHERE ("public"."api_key"."secret_hash" = $1 AND 1=1) LIMIT $2 OFFSET $3;

-- 2
INSERT INTO rate_limit (bucket, window_start, hits)
SELECT bucket, $2::timestamptz, hits FROM unnest($1::text[], $3::int[]) AS t(bucket, hits) ORDER BY bucket
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit.hits + EXCLUDED.hits
RETURNING bucket, hits;

-- 3
WITH pending AS (
  SELECT c.facility_code, c.insurance_amount, c.pending_since, c.missing_documents, c.stuck
  FROM claim c
  WHERE c.status = 'pending_documentation' AND ($2::text IS NULL OR c.province_code = $2::text)
    AND ($3::int IS NULL OR c.year = $3::int)
), stuck AS (
  SELECT p.*, floor(extract(epoch FROM ($1::timestamptz - p.pending_since)) / 86400)::int AS age_days
  FROM pending p WHERE p.stuck
)
SELECT 'facility' AS "dim", s.facility_code AS "key", f.name AS "name", NULL::int AS "days",
       count(*)::int AS "n", sum(s.insurance_amount)::text AS "amount", min(s.pending_since) AS "oldest"
FROM stuck s LEFT JOIN facility f ON f.code = s.facility_code
GROUP BY s.facility_code, f.name
UNION ALL
SELECT 'document', d.type, NULL, NULL, count(*)::int, sum(s.insurance_amount)::text, NULL
FROM stuck s CROSS JOIN LATERAL unnest(s.missing_documents) AS d(type)
GROUP BY d.type
UNION ALL
SELECT 'age', NULL, NULL, s.age_days, count(*)::int, sum(s.insurance_amount)::text, NULL
FROM stuck s GROUP BY s.age_days
UNION ALL
SELECT 'pending', NULL, NULL, NULL, count(*)::int, COALESCE(sum(p.insurance_amount), 0)::text, NULL
FROM pending p;
