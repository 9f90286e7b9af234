-- Initial schema: reference data, estimates, keys, audit log, batches, claims,
-- spending aggregates and alerts. Written by hand in the shape `prisma migrate`
-- emits; test/db/schema-matches.test.ts checks it against schema.prisma.

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('central', 'province', 'facility');
CREATE TYPE "VisitType" AS ENUM ('outpatient', 'day_treatment', 'inpatient', 'emergency');
CREATE TYPE "ClaimStatus" AS ENUM ('accepted', 'pending_documentation', 'approved', 'denied');
CREATE TYPE "AlertKind" AS ENUM ('usage_threshold', 'projected_overrun', 'stuck_backlog');
CREATE TYPE "AlertStatus" AS ENUM ('open', 'acknowledged', 'resolved');

-- CreateTable
CREATE TABLE "province" (
    "code" CHAR(2) NOT NULL,
    "name" TEXT NOT NULL,
    "successor_code" CHAR(2),
    "merged_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "province_pkey" PRIMARY KEY ("code")
);

CREATE TABLE "facility" (
    "code" CHAR(5) NOT NULL,
    "name" TEXT NOT NULL,
    "province_code" CHAR(2) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "facility_pkey" PRIMARY KEY ("code")
);

CREATE TABLE "estimate" (
    "province_code" CHAR(2) NOT NULL,
    "year" INTEGER NOT NULL,
    "initial_amount" DECIMAL(18,2) NOT NULL,
    "total_amount" DECIMAL(18,2) NOT NULL,
    "decision_ref" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "estimate_pkey" PRIMARY KEY ("province_code","year")
);

CREATE TABLE "estimate_adjustment" (
    "id" UUID NOT NULL,
    "province_code" CHAR(2) NOT NULL,
    "year" INTEGER NOT NULL,
    "amount" DECIMAL(18,2) NOT NULL,
    "reason" TEXT NOT NULL,
    "decision_ref" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "estimate_adjustment_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "api_key" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "scope" TEXT,
    "secret_hash" CHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),
    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_key_id" UUID,
    "actor_role" "Role",
    "action" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "request_id" TEXT,
    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "batch" (
    "id" BIGSERIAL NOT NULL,
    "facility_code" CHAR(5) NOT NULL,
    "batch_id" TEXT NOT NULL,
    "body_hash" CHAR(64) NOT NULL,
    "raw_body" TEXT NOT NULL,
    "response" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "claim_count" INTEGER NOT NULL,
    "key_id" UUID,
    CONSTRAINT "batch_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "claim" (
    "id" BIGSERIAL NOT NULL,
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
    CONSTRAINT "claim_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "claim_document" (
    "id" BIGSERIAL NOT NULL,
    "claim_ref" BIGINT NOT NULL,
    "type" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "claim_document_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "claim_history" (
    "id" BIGSERIAL NOT NULL,
    "claim_ref" BIGINT NOT NULL,
    "kind" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "data" JSONB NOT NULL,
    CONSTRAINT "claim_history_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "spending" (
    "province_code" CHAR(2) NOT NULL,
    "year" INTEGER NOT NULL,
    "spent" DECIMAL(18,2) NOT NULL DEFAULT 0,
    "pending_amount" DECIMAL(18,2) NOT NULL DEFAULT 0,
    "claim_count" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "spending_pkey" PRIMARY KEY ("province_code","year")
);

CREATE TABLE "spending_detail" (
    "province_code" CHAR(2) NOT NULL,
    "year" INTEGER NOT NULL,
    "month" INTEGER NOT NULL,
    "facility_code" CHAR(5) NOT NULL,
    "spent" DECIMAL(18,2) NOT NULL DEFAULT 0,
    "pending_amount" DECIMAL(18,2) NOT NULL DEFAULT 0,
    "claim_count" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "spending_detail_pkey" PRIMARY KEY ("province_code","year","month","facility_code")
);

CREATE TABLE "alert" (
    "id" UUID NOT NULL,
    "kind" "AlertKind" NOT NULL,
    "province_code" CHAR(2) NOT NULL,
    "year" INTEGER NOT NULL,
    "threshold" DECIMAL(9,4),
    "severity" TEXT NOT NULL,
    "ratio_at_raise" DECIMAL(9,4),
    "spent_at_raise" DECIMAL(18,2) NOT NULL,
    "estimate_at_raise" DECIMAL(18,2),
    "raised_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "AlertStatus" NOT NULL DEFAULT 'open',
    "acknowledged_at" TIMESTAMPTZ(3),
    "resolved_at" TIMESTAMPTZ(3),
    "live_key" TEXT,
    CONSTRAINT "alert_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "alert_note" (
    "id" BIGSERIAL NOT NULL,
    "alert_id" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "note" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "key_id" UUID,
    CONSTRAINT "alert_note_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "province_successor_code_idx" ON "province"("successor_code");
CREATE INDEX "facility_province_code_idx" ON "facility"("province_code");
CREATE INDEX "estimate_adjustment_province_code_year_created_at_idx" ON "estimate_adjustment"("province_code", "year", "created_at");
CREATE UNIQUE INDEX "api_key_secret_hash_key" ON "api_key"("secret_hash");
CREATE INDEX "audit_log_entity_entity_id_at_idx" ON "audit_log"("entity", "entity_id", "at");
CREATE UNIQUE INDEX "batch_facility_code_batch_id_key" ON "batch"("facility_code", "batch_id");
CREATE UNIQUE INDEX "claim_facility_code_claim_id_key" ON "claim"("facility_code", "claim_id");
CREATE INDEX "claim_province_code_year_status_idx" ON "claim"("province_code", "year", "status");
CREATE INDEX "claim_facility_code_year_idx" ON "claim"("facility_code", "year");
CREATE INDEX "claim_card_number_facility_code_idx" ON "claim"("card_number", "facility_code");
CREATE INDEX "claim_citizen_id_facility_code_idx" ON "claim"("citizen_id", "facility_code");
CREATE INDEX "claim_status_pending_since_idx" ON "claim"("status", "pending_since");
CREATE INDEX "claim_document_claim_ref_idx" ON "claim_document"("claim_ref");
CREATE INDEX "claim_history_claim_ref_id_idx" ON "claim_history"("claim_ref", "id");
CREATE UNIQUE INDEX "alert_live_key_key" ON "alert"("live_key");
CREATE INDEX "alert_province_code_year_status_idx" ON "alert"("province_code", "year", "status");
CREATE INDEX "alert_status_raised_at_idx" ON "alert"("status", "raised_at");
CREATE INDEX "alert_note_alert_id_id_idx" ON "alert_note"("alert_id", "id");

-- AddForeignKey
ALTER TABLE "province" ADD CONSTRAINT "province_successor_code_fkey" FOREIGN KEY ("successor_code") REFERENCES "province"("code") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "facility" ADD CONSTRAINT "facility_province_code_fkey" FOREIGN KEY ("province_code") REFERENCES "province"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "estimate" ADD CONSTRAINT "estimate_province_code_fkey" FOREIGN KEY ("province_code") REFERENCES "province"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "estimate_adjustment" ADD CONSTRAINT "estimate_adjustment_province_code_year_fkey" FOREIGN KEY ("province_code", "year") REFERENCES "estimate"("province_code", "year") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "claim_document" ADD CONSTRAINT "claim_document_claim_ref_fkey" FOREIGN KEY ("claim_ref") REFERENCES "claim"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "claim_history" ADD CONSTRAINT "claim_history_claim_ref_fkey" FOREIGN KEY ("claim_ref") REFERENCES "claim"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "alert_note" ADD CONSTRAINT "alert_note_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alert"("id") ON DELETE CASCADE ON UPDATE CASCADE;
