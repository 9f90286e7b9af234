-- Claims, their documents and their history partitioned by the claim's discharge year (issue #21 point 4,
-- docs/scaling.md step 1): PARTITION BY LIST, one partition a year. Every unique key carries the year: the primary
-- key is (id, year) (listing without a year stays a merge of each partition's key index), and a claim's identity
-- (facility_code, claim_id) is kept unique by the batch path, which locks the facility and looks its claims up before
-- writing. A correction that moves the discharge over New Year is an UPDATE that moves the row to the other year's
-- partition; ON UPDATE CASCADE moves its documents and history with it.
-- Old tables step aside; their keys and indexes are dropped first (index names are per schema).
ALTER TABLE "claim_document" DROP CONSTRAINT "claim_document_claim_ref_fkey";
ALTER TABLE "claim_history" DROP CONSTRAINT "claim_history_claim_ref_fkey";
ALTER TABLE "claim" RENAME TO "claim_unpartitioned";
ALTER TABLE "claim_document" RENAME TO "claim_document_unpartitioned";
ALTER TABLE "claim_history" RENAME TO "claim_history_unpartitioned";
ALTER TABLE "claim_unpartitioned" DROP CONSTRAINT "claim_pkey";
ALTER TABLE "claim_document_unpartitioned" DROP CONSTRAINT "claim_document_pkey";
ALTER TABLE "claim_history_unpartitioned" DROP CONSTRAINT "claim_history_pkey";
DROP INDEX "claim_facility_code_claim_id_key", "claim_province_code_year_status_idx", "claim_facility_code_year_idx",
  "claim_card_number_facility_code_idx", "claim_citizen_id_facility_code_idx", "claim_status_pending_since_idx",
  "claim_facility_code_status_pending_since_idx", "claim_document_claim_ref_idx", "claim_document_type_reference_idx",
  "claim_history_claim_ref_id_idx";

CREATE TABLE "claim" (
    "id" BIGINT NOT NULL DEFAULT nextval('claim_id_seq'),
    "facility_code" CHAR(5) NOT NULL,
    "claim_id" TEXT NOT NULL,
    "province_code" CHAR(2) NOT NULL,
    "year" INTEGER NOT NULL,
    "month" INTEGER NOT NULL,
    "visit_type" "VisitType" NOT NULL,
    "admitted_at" TIMESTAMPTZ(3) NOT NULL,
    "discharged_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "card_number" TEXT,
    "citizen_id" TEXT,
    "patient_name" TEXT,
    "birth_date" TEXT,
    "gender" TEXT,
    "diagnosis_primary" TEXT NOT NULL,
    "diagnosis_secondary" TEXT[],
    "referral" BOOLEAN NOT NULL DEFAULT false,
    "procedure" BOOLEAN NOT NULL DEFAULT false,
    "died" BOOLEAN NOT NULL DEFAULT false,
    "total_amount" DECIMAL(18,2) NOT NULL,
    "insurance_amount" DECIMAL(18,2) NOT NULL,
    "patient_amount" DECIMAL(18,2) NOT NULL,
    "other_amount" DECIMAL(18,2) NOT NULL,
    "approved_amount" DECIMAL(18,2),
    "status" "ClaimStatus" NOT NULL,
    "missing_documents" TEXT[],
    "flags" TEXT[],
    "pending_since" TIMESTAMPTZ(3),
    "stuck" BOOLEAN NOT NULL DEFAULT false,
    "stuck_at" TIMESTAMPTZ(3),
    "content_hash" CHAR(64) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "batch_ref" BIGINT NOT NULL,
    "decided_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "referral_from" CHAR(5),
    "referral_paper" TEXT,
    "warnings" JSONB NOT NULL DEFAULT '[]',
    "cost_split" JSONB NOT NULL DEFAULT '{}',
    "lines" JSON
) PARTITION BY LIST ("year");

CREATE TABLE "claim_document" (
    "id" BIGINT NOT NULL DEFAULT nextval('claim_document_id_seq'),
    "claim_ref" BIGINT NOT NULL,
    "claim_year" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL
) PARTITION BY LIST ("claim_year");

CREATE TABLE "claim_history" (
    "id" BIGINT NOT NULL DEFAULT nextval('claim_history_id_seq'),
    "claim_ref" BIGINT NOT NULL,
    "claim_year" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "data" JSONB NOT NULL
) PARTITION BY LIST ("claim_year");

-- One partition a year: every year with claims, and 2020 to next year (Vietnam time). A claim of a year without one
-- fails (23514); the yearly job creates the next year's in December.
DO $$
DECLARE y int;
BEGIN
  FOR y IN SELECT DISTINCT year FROM "claim_unpartitioned"
           UNION SELECT generate_series(2020, EXTRACT(YEAR FROM now() + interval '7 hours')::int + 1)
           ORDER BY 1 LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF "claim" FOR VALUES IN (%s)', 'claim_' || y, y);
    EXECUTE format('CREATE TABLE %I PARTITION OF "claim_document" FOR VALUES IN (%s)', 'claim_document_' || y, y);
    EXECUTE format('CREATE TABLE %I PARTITION OF "claim_history" FOR VALUES IN (%s)', 'claim_history_' || y, y);
  END LOOP;
END $$;

INSERT INTO "claim" SELECT "id", "facility_code", "claim_id", "province_code", "year", "month", "visit_type",
  "admitted_at", "discharged_at", "received_at", "card_number", "citizen_id", "patient_name", "birth_date", "gender",
  "diagnosis_primary", "diagnosis_secondary", "referral", "procedure", "died", "total_amount", "insurance_amount",
  "patient_amount", "other_amount", "approved_amount", "status", "missing_documents", "flags", "pending_since", "stuck",
  "stuck_at", "content_hash", "version", "batch_ref", "decided_at", "created_at", "updated_at", "referral_from",
  "referral_paper", "warnings", "cost_split", "lines"
FROM "claim_unpartitioned";
INSERT INTO "claim_document" ("id", "claim_ref", "claim_year", "type", "reference", "received_at")
SELECT d."id", d."claim_ref", c."year", d."type", d."reference", d."received_at"
FROM "claim_document_unpartitioned" d JOIN "claim_unpartitioned" c ON c."id" = d."claim_ref";
INSERT INTO "claim_history" ("id", "claim_ref", "claim_year", "kind", "version", "at", "data")
SELECT h."id", h."claim_ref", c."year", h."kind", h."version", h."at", h."data"
FROM "claim_history_unpartitioned" h JOIN "claim_unpartitioned" c ON c."id" = h."claim_ref";

-- Keys and indexes after the copy (built once per partition, not row by row).
ALTER TABLE "claim" ADD CONSTRAINT "claim_pkey" PRIMARY KEY ("id", "year");
CREATE UNIQUE INDEX "claim_facility_code_claim_id_year_key" ON "claim"("facility_code", "claim_id", "year");
CREATE INDEX "claim_province_code_year_status_idx" ON "claim"("province_code", "year", "status");
CREATE INDEX "claim_facility_code_year_idx" ON "claim"("facility_code", "year");
CREATE INDEX "claim_card_number_facility_code_idx" ON "claim"("card_number", "facility_code");
CREATE INDEX "claim_citizen_id_facility_code_idx" ON "claim"("citizen_id", "facility_code");
CREATE INDEX "claim_status_pending_since_idx" ON "claim"("status", "pending_since");
CREATE INDEX "claim_facility_code_status_pending_since_idx" ON "claim"("facility_code", "status", "pending_since");
ALTER TABLE "claim_document" ADD CONSTRAINT "claim_document_pkey" PRIMARY KEY ("id", "claim_year");
CREATE INDEX "claim_document_claim_ref_idx" ON "claim_document"("claim_ref");
CREATE INDEX "claim_document_type_reference_idx" ON "claim_document"("type", "reference");
ALTER TABLE "claim_history" ADD CONSTRAINT "claim_history_pkey" PRIMARY KEY ("id", "claim_year");
CREATE INDEX "claim_history_claim_ref_id_idx" ON "claim_history"("claim_ref", "id");
ALTER TABLE "claim_document" ADD CONSTRAINT "claim_document_claim_ref_claim_year_fkey" FOREIGN KEY ("claim_ref", "claim_year")
  REFERENCES "claim"("id", "year") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "claim_history" ADD CONSTRAINT "claim_history_claim_ref_claim_year_fkey" FOREIGN KEY ("claim_ref", "claim_year")
  REFERENCES "claim"("id", "year") ON DELETE CASCADE ON UPDATE CASCADE;

-- The sequences go on with the new tables (ids are copied, so no setval is needed).
ALTER SEQUENCE "claim_id_seq" OWNED BY "claim"."id";
ALTER SEQUENCE "claim_document_id_seq" OWNED BY "claim_document"."id";
ALTER SEQUENCE "claim_history_id_seq" OWNED BY "claim_history"."id";
DROP TABLE "claim_document_unpartitioned", "claim_history_unpartitioned", "claim_unpartitioned";
