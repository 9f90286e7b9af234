/**
 * The catalogues' SQL, in one file. A load is a fixed number of statements whatever the file's size (its rows go as
 * arrays, one element per entry), and so is a lookup of thousands of (code, day) pairs. Days are read as YYYY-MM-DD
 * text and prices as text: never a JS Date or float.
 */

/**
 * An entry's columns as the services read them (entries.ts makes the shapes of src/assessment/types.ts). bid_info is
 * '' for "no bid" in the table (it is part of the key, so NOT NULL) and null here, as the entries have it.
 */
export const ENTRY_COLUMNS = `e.code, to_char(e.valid_from, 'YYYY-MM-DD') AS valid_from,
       to_char(e.valid_to, 'YYYY-MM-DD') AS valid_to, e.name, e.concentration, e.registration_number,
       nullif(e.bid_info, '') AS bid_info, e.unit_price::text AS unit_price, e.cost_group, e.supplies_included`;

/**
 * Bounds for a load's transaction, as for a batch's: a runaway statement, or a wait behind another load of the same
 * catalogue that is stuck, fails and rolls back instead of holding a connection.
 */
export const BOUND_LOAD = `SET LOCAL statement_timeout = '120s'; SET LOCAL lock_timeout = '60s'`;

/** Loads of one facility's catalogue of one kind, one after another until commit ($1 facility, $2 kind). */
export const LOCK_CATALOGUE = `SELECT 1 AS locked
FROM pg_advisory_xact_lock(hashtext('catalogue:' || $1 || ':' || $2))`;

/** Whether an entry's fields other than its key and end day are the file's (i) and the table's (s) alike. */
const SAME_FIELDS = `(i.name, i.concentration, i.registration_number, i.unit_price, i.cost_group,
           i.supplies_included) IS NOT DISTINCT FROM (s.name, s.concentration, s.registration_number,
           s.unit_price, s.cost_group, s.supplies_included)`;

/**
 * Replaces a facility's catalogue of one kind with the file's entries, in one statement: each key (code, bid_info,
 * valid_from) of the file and of the table is `added`, `removed`, `changed` (another field or end day) or
 * `unchanged`, and only the first three are written. Each changed code's earliest affected day (its entry's first
 * day, or the day after the earlier of the two end days when only the end moved), over all its bids, is kept in
 * catalogue_change for re-assessment, which works per code. $1 facility, $2 kind, $3-$12 the entries' fields
 * (arrays, one element per entry; bid_info '' for none), $13 the load's time, $14 its request id, $15 how many keys
 * each list returns. Returns a row per outcome (count, first keys) and `affected`.
 */
export const LOAD_CATALOGUE = `
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
              WHEN i.valid_to IS NOT DISTINCT FROM s.valid_to AND ${SAME_FIELDS} THEN 'unchanged'
              ELSE 'changed' END AS change,
         CASE WHEN s.code IS NULL OR i.code IS NULL OR NOT ${SAME_FIELDS} THEN coalesce(i.valid_from, s.valid_from)
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
FROM affected`;

/**
 * A page of a facility's catalogue of one kind in key order (code, bid, first day; no bid first), the primary key's:
 * $3 one code (or null), $4 only the entries in force on that day (or null), $5/$6/$7 after this (code, bid_info,
 * valid_from) (or null), $8 rows.
 */
export const LIST_ENTRIES = `
SELECT ${ENTRY_COLUMNS}
FROM catalogue_entry e
WHERE e.facility_code = $1 AND e.kind = $2
  AND ($3::text IS NULL OR e.code = $3::text)
  AND ($4::date IS NULL OR (e.valid_from <= $4::date AND (e.valid_to IS NULL OR e.valid_to >= $4::date)))
  AND ($5::text IS NULL OR (e.code, e.bid_info, e.valid_from) > ($5::text, $6::text, $7::date))
ORDER BY e.code, e.bid_info, e.valid_from
LIMIT $8`;

/**
 * The entries in force for each (code, day) pair, in one statement however many pairs: for each, every entry of the
 * code whose period holds the day, first and last days included, read from the primary key by its prefix (facility,
 * kind, code: a code has a handful of entries, a period per tender). Periods of one (code, bid) never overlap (a load
 * refuses a file where they do), so that is at most one entry per bid: several when tenders of the code overlap.
 * $1 facility, $2 kind, $3 codes, $4 days; `ord` is the pair's place in the arrays, from 1; rows by pair, then bid
 * (no bid first). Pairs without an entry in force return no row.
 */
export const ENTRIES_IN_FORCE = `
SELECT p.ord::int AS ord, ${ENTRY_COLUMNS}
FROM unnest($3::text[], $4::date[]) WITH ORDINALITY AS p(code, day, ord)
JOIN catalogue_entry e ON e.facility_code = $1 AND e.kind = $2 AND e.code = p.code AND e.valid_from <= p.day
  AND (e.valid_to IS NULL OR e.valid_to >= p.day)
ORDER BY p.ord, e.bid_info, e.valid_from`;

/**
 * What catalogue loads changed after a given change ($1, its id; 0 for all), oldest first, at most $2 rows:
 * re-assessment's reading of catalogue_change, one page at a time.
 */
export const CHANGES_AFTER = `
SELECT id::text AS id, facility_code, kind, code, to_char(affected_from, 'YYYY-MM-DD') AS affected_from, loaded_at
FROM catalogue_change
WHERE id > $1::bigint
ORDER BY id
LIMIT $2`;

/**
 * Every entry of a facility's catalogue for the codes asked, whatever its period or bid, in key order (code, bid, first
 * day): what the assessment engine takes (src/assessment/model.ts AssessmentCatalogue) to pick the entries in force
 * line by line. $1 facility, $2 kind, $3 codes.
 */
export const ENTRIES_FOR_CODES = `
SELECT ${ENTRY_COLUMNS}
FROM catalogue_entry e
WHERE e.facility_code = $1 AND e.kind = $2 AND e.code = ANY ($3::text[])
ORDER BY e.code, e.bid_info, e.valid_from`;
