-- A claim's cost lines (issue #20): what XML2 and XML3 carry, kept row by row so a reviewer sees them and
-- assessment can check each against the catalogues; a correction replaces a claim's lines whole.
CREATE TYPE "LineKind" AS ENUM ('drug', 'service', 'supply');

CREATE TABLE "claim_line" (
    "claim_ref" BIGINT NOT NULL,
    "line_no" INTEGER NOT NULL,
    "kind" "LineKind" NOT NULL,
    "item_code" TEXT NOT NULL,
    "name" TEXT,
    "cost_group" SMALLINT NOT NULL,
    "quantity" DECIMAL(18,3) NOT NULL,
    "unit_price" DECIMAL(18,3) NOT NULL,
    "amount" DECIMAL(18,2) NOT NULL,
    "insurance_amount" DECIMAL(18,2) NOT NULL,
    "ordered_at" TIMESTAMPTZ(3),

    CONSTRAINT "claim_line_pkey" PRIMARY KEY ("claim_ref", "line_no")
);

ALTER TABLE "claim_line" ADD CONSTRAINT "claim_line_claim_ref_fkey" FOREIGN KEY ("claim_ref") REFERENCES "claim"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- What flags a claim without rejecting it, named by field: lines that do not add up (lines_mismatch).
ALTER TABLE "claim" ADD COLUMN "warnings" JSONB NOT NULL DEFAULT '[]';
