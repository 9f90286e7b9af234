-- 1
SELECT "public"."api_key"."id", "public"."api_key"."name", "public"."api_key"."role"::text, "public"."api_key"."scope", "public"."api_key"."secret_hash", "public"."api_key"."created_at", "public"."api_key"."revoked_at", "public"."api_key"."session_generation" FROM "public"."api_key" WHERE ("public"."api_key"."secret_hash" = $1 AND 1=1) LIMIT $2 OFFSET $3;

-- 2
INSERT INTO rate_limit (bucket, window_start, hits)
SELECT bucket, $2::timestamptz, hits FROM unnest($1::text[], $3::int[]) AS t(bucket, hits) ORDER BY bucket
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit.hits + EXCLUDED.hits
RETURNING bucket, hits;

-- 3
SELECT rule_code AS "code", sum(claims)::int AS "claims", sum(findings)::int AS "findings",
       sum(amount)::text AS "amount", sum(open_amount)::text AS "openAmount"
FROM assessment_cut
WHERE year = $1 AND ($2::text IS NULL OR province_code = $2::text) AND ($3::text IS NULL OR facility_code = $3::text)
GROUP BY rule_code HAVING sum(findings) > 0;

-- 4
WITH places AS (
  SELECT DISTINCT province_code FROM claim_tally
  WHERE year = $1 AND ($2::text IS NULL OR province_code = $2::text) AND ($3::text IS NULL OR facility_code = $3::text)
), received AS (
  SELECT t.province_code, t.facility_code, sum(t.claims)::int AS claims
  FROM claim_tally t JOIN places p ON p.province_code = t.province_code
  WHERE t.year = $1
  GROUP BY 1, 2 HAVING sum(t.claims) > 0
), cut AS (
  SELECT c.province_code, c.facility_code, sum(c.findings)::int AS findings, sum(c.amount) AS amount,
         sum(c.open_amount) AS open_amount
  FROM assessment_cut c JOIN places p ON p.province_code = c.province_code
  WHERE c.year = $1
  GROUP BY 1, 2
)
SELECT r.province_code AS "provinceCode", r.facility_code AS "facilityCode", f.name AS "name", r.claims AS "claims",
       COALESCE(c.findings, 0) AS "findings", COALESCE(c.amount, 0)::text AS "amount",
       COALESCE(c.open_amount, 0)::text AS "openAmount"
FROM received r
LEFT JOIN cut c ON c.province_code = r.province_code AND c.facility_code = r.facility_code
LEFT JOIN facility f ON f.code = r.facility_code;
