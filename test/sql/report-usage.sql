-- 1
SELECT "public"."api_key"."id", "public"."api_key"."name", "public"."api_key"."role"::text, "public"."api_key"."scope", "public"."api_key"."secret_hash", "public"."api_key"."created_at", "public"."api_key"."revoked_at", "public"."api_key"."session_generation" FROM "public"."api_key" WHERE ("public"."api_key"."secret_hash" = $1 AND 1=1) LIMIT $2 OFFSET $3;

-- 2
INSERT INTO rate_limit (bucket, window_start, hits)
SELECT bucket, $2::timestamptz, hits FROM unnest($1::text[], $3::int[]) AS t(bucket, hits) ORDER BY bucket
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit.hits + EXCLUDED.hits
RETURNING bucket, hits;

-- 3
SELECT p.code AS "provinceCode", p.name AS "name",
       e.total_amount::text AS "estimate",
       COALESCE(s.spent, 0)::text AS "spent",
       COALESCE(s.pending_amount, 0)::text AS "pending",
       (SELECT count(*)::int FROM alert a WHERE a.province_code = p.code AND a.year = $1 AND a.status <> 'resolved')
         AS "openAlerts",
       (SELECT count(*)::int FROM alert a WHERE a.province_code = p.code AND a.year = $1 AND a.status = 'acknowledged')
         AS "acknowledgedAlerts",
       (SELECT COALESCE(sum(c.open_amount), 0) FROM assessment_cut c
         WHERE c.province_code = p.code AND c.year = $1)::text AS "proposedCuts",
       (SELECT COALESCE(sum(d.spent), 0) FROM spending_detail d
         WHERE d.province_code = p.code AND d.year = $1 - 1 AND d.month <= $3)::text AS "previousSpent",
       (SELECT pe.total_amount FROM estimate pe WHERE pe.province_code = p.code AND pe.year = $1 - 1)::text
         AS "previousEstimate"
FROM province p
LEFT JOIN estimate e ON e.province_code = p.code AND e.year = $1
LEFT JOIN spending s ON s.province_code = p.code AND s.year = $1
WHERE CASE WHEN $2::text IS NULL THEN e.province_code IS NOT NULL OR s.province_code IS NOT NULL
           ELSE p.code = $2::text END;

-- 4
SELECT province_code AS "provinceCode", year, discharge_month AS "month", delay_months AS "delay",
       amount::text AS "amount"
FROM arrival_triangle
WHERE province_code = ANY($1::text[])
  AND year BETWEEN $2 AND $3
  AND year * 12 + discharge_month - 1 BETWEEN $4 AND $5;
