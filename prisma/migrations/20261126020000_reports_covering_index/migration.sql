-- Inspection reports (issue 10): a covering index, so the late-submission and
-- outlier reports read one year's claims in province and facility order from
-- the index alone (an index-only scan of about 90 bytes a claim instead of the
-- ~600-byte rows; see bench/reports.ts). Written by hand in the shape
-- `prisma migrate` emits. On a large claim table this builds for a while with
-- writes to claim blocked (about 10 s for 2 million claims): run it in a quiet
-- hour, or create the index CONCURRENTLY by hand beforehand under this name.

-- CreateIndex
CREATE INDEX IF NOT EXISTS "claim_reports_covering_idx" ON "claim"("year", "province_code", "facility_code", "visit_type", "month", "discharged_at", "received_at", "insurance_amount", "flags");
