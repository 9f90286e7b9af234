-- 1
SELECT "public"."api_key"."id", "public"."api_key"."name", "public"."api_key"."role"::text, "public"."api_key"."scope", "public"."api_key"."secret_hash", "public"."api_key"."created_at", "public"."api_key"."revoked_at", "public"."api_key"."session_generation" FROM "public"."api_key" WHERE ("public"."api_key"."secret_hash" = $1 AND 1=1) LIMIT $2 OFFSET $3;

-- 2
INSERT INTO rate_limit (bucket, window_start, hits)
SELECT bucket, $2::timestamptz, hits FROM unnest($1::text[], $3::int[]) AS t(bucket, hits) ORDER BY bucket
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit.hits + EXCLUDED.hits
RETURNING bucket, hits;

-- 3
SELECT "public"."facility"."code", "public"."facility"."province_code" FROM "public"."facility" WHERE ("public"."facility"."code" = $1 AND 1=1) LIMIT $2 OFFSET $3;

-- 4
SELECT e.code, to_char(e.valid_from, 'YYYY-MM-DD') AS valid_from,
       to_char(e.valid_to, 'YYYY-MM-DD') AS valid_to, e.name, e.concentration, e.registration_number,
       nullif(e.bid_info, '') AS bid_info, e.unit_price::text AS unit_price, e.cost_group, e.supplies_included
FROM catalogue_entry e
WHERE e.facility_code = $1 AND e.kind = $2
  AND ($3::text IS NULL OR e.code = $3::text)
  AND ($4::date IS NULL OR (e.valid_from <= $4::date AND (e.valid_to IS NULL OR e.valid_to >= $4::date)))
  AND ($5::text IS NULL OR (e.code, e.bid_info, e.valid_from) > ($5::text, $6::text, $7::date))
ORDER BY e.code, e.bid_info, e.valid_from
LIMIT $8;
