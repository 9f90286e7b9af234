-- 1
SELECT "public"."api_key"."id", "public"."api_key"."name", "public"."api_key"."role"::text, "public"."api_key"."scope", "public"."api_key"."secret_hash", "public"."api_key"."created_at", "public"."api_key"."revoked_at", "public"."api_key"."session_generation" FROM "public"."api_key" WHERE ("public"."api_key"."secret_hash" = $1 AND 1=1) LIMIT $2 OFFSET $3;

-- 2
INSERT INTO rate_limit (bucket, window_start, hits)
SELECT bucket, $2::timestamptz, hits FROM unnest($1::text[], $3::int[]) AS t(bucket, hits) ORDER BY bucket
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit.hits + EXCLUDED.hits
RETURNING bucket, hits;

-- 3
SELECT "public"."facility"."code", "public"."facility"."name", "public"."facility"."province_code", "public"."facility"."created_at", "public"."facility"."updated_at" FROM "public"."facility" WHERE ("public"."facility"."code" = $1 AND 1=1) LIMIT $2 OFFSET $3;

-- 4
SET LOCAL statement_timeout = '120s'; SET LOCAL lock_timeout = '60s';

-- 5
SELECT 1 AS locked
FROM pg_advisory_xact_lock(hashtext('catalogue:' || $1 || ':' || $2));

-- 6
WITH incoming AS (
  SELECT * FROM unnest($3::text[], $4::date[], $5::date[], $6::text[], $7::text[], $8::text[], $9::text[],
    $10::numeric[], $11::text[], $12::boolean[])
    AS i(code, valid_from, valid_to, name, concentration, registration_number, bid_info, unit_price, cost_group,
      supplies_included)
), stored AS (
  SELECT ctid AS row_id, code, valid_from, valid_to, name, concentration, registration_number, bid_info, unit_price,
         cost_group, supplies_included
  FROM catalogue_entry WHERE facility_code = $1 AND kind = $2
), diff AS (
  -- One row per key of the file or the table, carrying the file's fields: nothing joins back to the file.
  SELECT s.row_id, coalesce(i.code, s.code) AS code, coalesce(i.bid_info, s.bid_info) AS bid_info,
         coalesce(i.valid_from, s.valid_from) AS valid_from, i.valid_to, i.name, i.concentration,
         i.registration_number, i.unit_price, i.cost_group, i.supplies_included,
         CASE WHEN s.code IS NULL THEN 'added' WHEN i.code IS NULL THEN 'removed'
              WHEN i.valid_to IS NOT DISTINCT FROM s.valid_to AND (i.name, i.concentration, i.registration_number, i.unit_price, i.cost_group,
           i.supplies_included) IS NOT DISTINCT FROM (s.name, s.concentration, s.registration_number,
           s.unit_price, s.cost_group, s.supplies_included) THEN 'unchanged'
              ELSE 'changed' END AS change,
         CASE WHEN s.code IS NULL OR i.code IS NULL OR NOT (i.name, i.concentration, i.registration_number, i.unit_price, i.cost_group,
           i.supplies_included) IS NOT DISTINCT FROM (s.name, s.concentration, s.registration_number,
           s.unit_price, s.cost_group, s.supplies_included) THEN coalesce(i.valid_from, s.valid_from)
              WHEN i.valid_to IS DISTINCT FROM s.valid_to
              THEN least(coalesce(i.valid_to, 'infinity'::date), coalesce(s.valid_to, 'infinity'::date)) + 1
         END AS affected_from
  FROM incoming i FULL JOIN stored s ON s.code = i.code AND s.bid_info = i.bid_info AND s.valid_from = i.valid_from
), removed AS (
  -- By the rows' own ids: a plan that cannot turn into a loop over both lists, whatever the table's statistics say
  -- (just after a first load they still say the facility has no entries).
  DELETE FROM catalogue_entry WHERE ctid = ANY (ARRAY(SELECT row_id FROM diff WHERE change = 'removed'))
), written AS (
  INSERT INTO catalogue_entry (facility_code, kind, code, valid_from, valid_to, name, concentration,
    registration_number, bid_info, unit_price, cost_group, supplies_included)
  SELECT $1, $2, code, valid_from, valid_to, name, concentration, registration_number, bid_info, unit_price,
         cost_group, supplies_included
  FROM diff WHERE change IN ('added', 'changed')
  ON CONFLICT (facility_code, kind, code, bid_info, valid_from) DO UPDATE SET valid_to = excluded.valid_to,
    name = excluded.name, concentration = excluded.concentration, registration_number = excluded.registration_number,
    unit_price = excluded.unit_price, cost_group = excluded.cost_group, supplies_included = excluded.supplies_included
), affected AS (
  SELECT code, min(affected_from) AS affected_from FROM diff WHERE change <> 'unchanged' GROUP BY code
), recorded AS (
  INSERT INTO catalogue_change (facility_code, kind, code, affected_from, loaded_at, request_id)
  SELECT $1, $2, code, affected_from, $13, $14 FROM affected ORDER BY code
)
SELECT change AS outcome, count(*)::int AS count,
       (array_agg(code ORDER BY code, bid_info, valid_from) FILTER (WHERE change <> 'unchanged'))[1:$15] AS codes,
       (array_agg(bid_info ORDER BY code, bid_info, valid_from) FILTER (WHERE change <> 'unchanged'))[1:$15] AS bids,
       (array_agg(to_char(valid_from, 'YYYY-MM-DD') ORDER BY code, bid_info, valid_from)
         FILTER (WHERE change <> 'unchanged'))[1:$15] AS days
FROM diff GROUP BY change
UNION ALL
SELECT 'affected', count(*)::int, (array_agg(code ORDER BY code))[1:$15], NULL,
       (array_agg(to_char(affected_from, 'YYYY-MM-DD') ORDER BY code))[1:$15]
FROM affected;

-- 7
INSERT INTO audit_log (at, actor_key_id, actor_role, request_id, action, entity, entity_id,
  before, after) VALUES ($1, $2::uuid, $3::"Role", $4, $5, $6, $7, $8::jsonb, $9::jsonb);
