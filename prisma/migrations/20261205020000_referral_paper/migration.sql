-- A referred-in patient's referral paper (issue #19): who referred them and the paper's number, so the claim
-- can be linked with the sender's XML13 (a referral_paper document of the sender's claim with that number).
ALTER TABLE "claim" ADD COLUMN "referral_from" CHAR(5),
ADD COLUMN "referral_paper" TEXT;

CREATE INDEX "claim_document_type_reference_idx" ON "claim_document"("type", "reference");
