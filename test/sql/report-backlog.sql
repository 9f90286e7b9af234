-- 1
SELECT "public"."api_key"."id", "public"."api_key"."name", "public"."api_key"."role"::text, "public"."api_key"."scope", "public"."api_key"."secret_hash", "public"."api_key"."created_at", "public"."api_key"."revoked_at", "public"."api_key"."session_generation" FROM "public"."api_key" WHERE ("public"."api_key"."secret_hash" = $1 AND 1=1) LIMIT $2 OFFSET $3;

-- 2
INSERT INTO rate_limit (bucket, window_start, hits)
SELECT bucket, $2::timestamptz, hits FROM unnest($1::text[], $3::int[]) AS t(bucket, hits) ORDER BY bucket
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit.hits + EXCLUDED.hits
RETURNING bucket, hits;

-- 3
WITH pending AS (
  SELECT t.facility_code, t.missing, t.stuck, t.claims, t.amount
  FROM pending_tally t
  WHERE t.claims <> 0 AND ($2::text IS NULL OR t.province_code = $2::text) AND ($3::int IS NULL OR t.year = $3::int)
), stuck AS (
  SELECT * FROM pending WHERE stuck
), by_facility AS (
  SELECT s.facility_code, sum(s.claims)::int AS n, sum(s.amount) AS amount FROM stuck s GROUP BY 1
)
SELECT 'facility' AS "dim", b.facility_code AS "key", f.name AS "name", NULL::int AS "days", b.n AS "n",
       b.amount::text AS "amount",
       (SELECT min(c.pending_since) FROM claim c
        WHERE c.facility_code = b.facility_code AND c.status = 'pending_documentation' AND c.stuck
          AND ($2::text IS NULL OR c.province_code = $2::text) AND ($3::int IS NULL OR c.year = $3::int)) AS "oldest"
FROM by_facility b LEFT JOIN facility f ON f.code = b.facility_code
UNION ALL
SELECT 'document', d.type, NULL, NULL, sum(s.claims)::int, sum(s.amount)::text, NULL
FROM stuck s CROSS JOIN LATERAL unnest(string_to_array(NULLIF(s.missing, ''), ',')) AS d(type)
GROUP BY d.type
UNION ALL
SELECT 'age', NULL, NULL, ((($1::timestamptz AT TIME ZONE 'UTC') + interval '7 hours')::date - a.since_day)::int,
       sum(a.claims)::int, sum(a.amount)::text, NULL
FROM pending_age a
WHERE a.stuck AND a.claims <> 0 AND ($2::text IS NULL OR a.province_code = $2::text)
  AND ($3::int IS NULL OR a.year = $3::int)
GROUP BY 4
UNION ALL
SELECT 'pending', NULL, NULL, NULL, COALESCE(sum(p.claims), 0)::int, COALESCE(sum(p.amount), 0)::text, NULL
FROM pending p;
