-- The inspection reports and the backlog from aggregates (issue #21 point 1): late submissions and outliers stop
-- scanning a year of claims, the backlog stops reading every pending claim. The tallies are kept by the one path
-- that moves money (src/spending/move.ts); the first two count every claim whatever its status.

-- By visit type: claims, their claimed insurance amount, and those flagged late, citizen-ID mismatch, duplicate.
CREATE TABLE "claim_tally" (
    "province_code" CHAR(2) NOT NULL,
    "year" INTEGER NOT NULL,
    "month" INTEGER NOT NULL,
    "facility_code" CHAR(5) NOT NULL,
    "visit_type" "VisitType" NOT NULL,
    "claims" INTEGER NOT NULL DEFAULT 0,
    "claimed" DECIMAL(18,2) NOT NULL DEFAULT 0,
    "late" INTEGER NOT NULL DEFAULT 0,
    "mismatches" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "claim_tally_pkey" PRIMARY KEY ("province_code","year","month","facility_code","visit_type")
);
CREATE INDEX "claim_tally_year_idx" ON "claim_tally" ("year", "month");
CREATE INDEX "claim_tally_facility_idx" ON "claim_tally" ("facility_code", "year", "month");

-- The delay from discharge to first receipt: claims per band (index into the fixed list of bands in
-- src/domain/receipt-delay.ts, from 1 in SQL), per month and for the whole year (month 0). One row per facility and
-- month however many claims it sent: the report reads as many rows as there are facilities.
CREATE TABLE "receipt_delay" (
    "province_code" CHAR(2) NOT NULL,
    "year" INTEGER NOT NULL,
    "month" INTEGER NOT NULL,
    "facility_code" CHAR(5) NOT NULL,
    "claims" INTEGER[],
    CONSTRAINT "receipt_delay_pkey" PRIMARY KEY ("province_code","year","month","facility_code")
);
CREATE INDEX "receipt_delay_year_idx" ON "receipt_delay" ("year", "month");
CREATE INDEX "receipt_delay_facility_idx" ON "receipt_delay" ("facility_code", "year", "month");

-- The backlog: claims pending documentation by facility, stuck or not, and the document types they miss (sorted,
-- comma-separated; '' for none)...
CREATE TABLE "pending_tally" (
    "province_code" CHAR(2) NOT NULL,
    "year" INTEGER NOT NULL,
    "facility_code" CHAR(5) NOT NULL,
    "stuck" BOOLEAN NOT NULL,
    "missing" TEXT NOT NULL,
    "claims" INTEGER NOT NULL DEFAULT 0,
    "amount" DECIMAL(18,2) NOT NULL DEFAULT 0,
    CONSTRAINT "pending_tally_pkey" PRIMARY KEY ("province_code","year","facility_code","stuck","missing")
);

-- ... and by the day (Vietnam time) they began pending, for their ages.
CREATE TABLE "pending_age" (
    "province_code" CHAR(2) NOT NULL,
    "year" INTEGER NOT NULL,
    "since_day" DATE NOT NULL,
    "stuck" BOOLEAN NOT NULL,
    "claims" INTEGER NOT NULL DEFAULT 0,
    "amount" DECIMAL(18,2) NOT NULL DEFAULT 0,
    CONSTRAINT "pending_age_pkey" PRIMARY KEY ("province_code","year","since_day","stuck")
);

-- A facility's longest-waiting stuck claim, found with one probe per facility (the backlog's oldestPendingSince:
-- a minimum cannot be kept by adding and subtracting).
CREATE INDEX "claim_facility_code_status_pending_since_idx" ON "claim" ("facility_code", "status", "pending_since");

-- From the claims already stored (TALLY_FROM_CLAIMS, DELAYS_FROM_CLAIMS and PENDING_FROM_CLAIMS in
-- src/spending/sql.ts).
INSERT INTO "claim_tally" ("province_code", "year", "month", "facility_code", "visit_type", "claims", "claimed", "late",
  "mismatches", "duplicates")
SELECT c.province_code, c.year, c.month, c.facility_code, c.visit_type, count(*)::int, sum(c.insurance_amount),
       count(*) FILTER (WHERE 'late_submission' = ANY(c.flags))::int,
       count(*) FILTER (WHERE 'citizen_id_mismatch' = ANY(c.flags))::int,
       count(*) FILTER (WHERE 'possible_duplicate' = ANY(c.flags))::int
FROM "claim" c
GROUP BY 1, 2, 3, 4, 5;

INSERT INTO "receipt_delay" ("province_code", "year", "month", "facility_code", "claims")
SELECT province_code, year, month, facility_code,
       (SELECT array_agg(COALESCE((g.bands ->> i::text)::int, 0) ORDER BY i) FROM generate_series(0, g.top) AS i)
FROM (
  SELECT province_code, year, month, facility_code, jsonb_object_agg(band, claims) AS bands, max(band) AS top
  FROM (
    SELECT c.province_code, c.year, m.month, c.facility_code, CASE
        WHEN h.hours >= 8784 THEN 159
        WHEN h.hours >= 720 THEN 111 + (h.hours - 720) / 168
        WHEN h.hours >= 168 THEN 88 + (h.hours - 168) / 24
        WHEN h.hours >= 72 THEN 72 + (h.hours - 72) / 6
        ELSE h.hours END AS band, count(*)::int AS claims
    FROM "claim" c CROSS JOIN LATERAL (VALUES (c.month), (0)) AS m(month),
      LATERAL (SELECT floor(GREATEST(0, extract(epoch FROM c.received_at - c.discharged_at)) / 3600)::int AS hours) h
    GROUP BY 1, 2, 3, 4, 5
  ) b
  GROUP BY 1, 2, 3, 4
) g;

INSERT INTO "pending_tally" ("province_code", "year", "facility_code", "stuck", "missing", "claims", "amount")
SELECT c.province_code, c.year, c.facility_code, c.stuck, m.missing, count(*)::int, sum(c.insurance_amount)
FROM "claim" c CROSS JOIN LATERAL (SELECT array_to_string(ARRAY(SELECT unnest(c.missing_documents) ORDER BY 1), ',')
  AS missing) m
WHERE c.status = 'pending_documentation'
GROUP BY 1, 2, 3, 4, 5;

INSERT INTO "pending_age" ("province_code", "year", "since_day", "stuck", "claims", "amount")
SELECT c.province_code, c.year, ((c.pending_since AT TIME ZONE 'UTC') + interval '7 hours')::date, c.stuck,
       count(*)::int, sum(c.insurance_amount)
FROM "claim" c
WHERE c.status = 'pending_documentation'
GROUP BY 1, 2, 3, 4;

-- Only the reports read it; they read the tables above now, and every claim written paid for it.
DROP INDEX IF EXISTS "claim_reports_covering_idx";
