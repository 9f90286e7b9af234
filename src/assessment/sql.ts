/**
 * The SQL automated assessment runs, in one file. Entries are read as text (days YYYY-MM-DD, prices as decimal
 * text), in the row shape src/catalogues/entries.ts makes entries of.
 */
import { ENTRY_COLUMNS } from "../catalogues/sql.ts";

/**
 * Every entry, of any period, of a facility's catalogues ($1) for the (kind, code) pairs asked ($2 kinds, $3 codes,
 * any number, repeats welcome), and one row with a null code for each kind of which the facility has a catalogue at
 * all: a kind it has none of is not checked. One statement for a whole batch.
 */
export const CATALOGUE_FOR_CODES = `
SELECT e.kind, ${ENTRY_COLUMNS}
FROM (SELECT DISTINCT kind, code FROM unnest($2::text[], $3::text[]) AS asked(kind, code)) AS asked
JOIN catalogue_entry e ON e.facility_code = $1 AND e.kind = asked.kind AND e.code = asked.code
UNION ALL
SELECT k.kind, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM unnest(ARRAY['drugs', 'supplies', 'services', 'staff']) AS k(kind)
WHERE EXISTS (SELECT 1 FROM catalogue_entry e WHERE e.facility_code = $1 AND e.kind = k.kind)`;

/**
 * Takes the catalogue changes no re-assessment has taken yet ($1 the time): one job per facility, from the earliest
 * day any of its changes affects, and marks the changes taken. A change committed while this runs is not seen and is
 * taken by a later run (no id cursor: ids are not committed in order). Returns the jobs made.
 */
export const TAKE_CHANGES = `
WITH fresh AS (
  SELECT id, facility_code, affected_from FROM catalogue_change
  WHERE reassessment_id IS NULL
  ORDER BY id
  FOR UPDATE SKIP LOCKED
), jobs AS (
  INSERT INTO reassessment (facility_code, from_day, changes, created_at)
  SELECT facility_code, min(affected_from), count(*)::int, $1 FROM fresh GROUP BY facility_code ORDER BY facility_code
  RETURNING id, facility_code
), taken AS (
  UPDATE catalogue_change c SET reassessment_id = jobs.id
  FROM fresh JOIN jobs ON jobs.facility_code = fresh.facility_code
  WHERE c.id = fresh.id
)
SELECT id::text AS id, facility_code FROM jobs`;

/** The oldest job not done, locked until commit (another run takes the next one). */
export const NEXT_JOB = `
SELECT id::text AS id, facility_code, to_char(from_day, 'YYYY-MM-DD') AS from_day, after_claim::text AS after_claim
FROM reassessment WHERE done_at IS NULL
ORDER BY id LIMIT 1
FOR UPDATE SKIP LOCKED`;

/**
 * The next chunk of a job's claims ($1 facility, $2 from day, $3 after this claim id, $4 how many), locked until commit
 * in id order: undecided claims with lines discharged on or after the first day a changed entry affects (their lines
 * are ordered on or before discharge). What assessment reads of each, and what it counts.
 */
export const CLAIMS_TO_REASSESS = `
SELECT c.id::text AS id, c.year, c.month, c.province_code, c.status::text AS status, c.received_at,
       c.visit_type::text AS visit_type, c.visit_code, c.discharge_kind, c.treatment_result, c.admitted_at,
       c.discharged_at, c.total_amount::text AS total, c.insurance_amount::text AS insurance,
       c.drugs_amount::text AS drugs, c.supplies_amount::text AS supplies, c.lines, c.findings
FROM claim c
WHERE c.facility_code = $1 AND c.id > $3::bigint AND c.year >= extract(year FROM $2::date)::int
  AND c.status IN ('accepted', 'pending_documentation') AND c.lines IS NOT NULL
  AND c.discharged_at >= ($2::date::timestamp - interval '7 hours') AT TIME ZONE 'UTC'
ORDER BY c.id
LIMIT $4
FOR UPDATE OF c`;

/**
 * The claims whose assessment changed ($1 json [{id, year, findings, proposed}], $2 the time): their findings and
 * proposed amount, with what they were kept in their history (kind "assessment"). One statement.
 */
export const WRITE_REASSESSED = `
WITH t AS (
  SELECT * FROM json_to_recordset($1::json) AS t(id bigint, year int, findings jsonb, proposed numeric)
), history AS (
  INSERT INTO claim_history (claim_ref, claim_year, kind, version, at, data)
  SELECT c.id, c.year, 'assessment', c.version, $2, jsonb_build_object('findings', c.findings,
    'proposedAmount', c.proposed_amount::text, 'reassessedTo', jsonb_build_object('proposedAmount', t.proposed::text))
  FROM claim c JOIN t ON c.id = t.id AND c.year = t.year
  ORDER BY c.id
)
UPDATE claim SET findings = t.findings, proposed_amount = t.proposed, updated_at = $2
FROM t WHERE claim.id = t.id AND claim.year = t.year`;

/** A job's progress ($1 id, $2 last claim, $3 assessed, $4 changed, $5 done time or null). */
export const JOB_PROGRESS = `
UPDATE reassessment SET after_claim = $2::bigint, assessed = assessed + $3, changed = changed + $4, done_at = $5
WHERE id = $1::bigint`;

/** Jobs not done yet. */
export const PENDING_JOBS = `SELECT count(*)::int AS pending FROM reassessment WHERE done_at IS NULL`;
