-- Inspection targeting (issue 10): the arrival triangle the chain-ladder
-- projection reads, maintained by every transaction that moves spending
-- (src/spending/store.ts). Written by hand in the shape `prisma migrate` emits;
-- the backfill fills it from the claims already stored, with the same
-- definitions as src/spending/triangle.ts.

-- CreateTable
CREATE TABLE "arrival_triangle" (
    "province_code" CHAR(2) NOT NULL,
    "year" INTEGER NOT NULL,
    "discharge_month" INTEGER NOT NULL,
    "delay_months" INTEGER NOT NULL,
    "amount" DECIMAL(18,2) NOT NULL DEFAULT 0,
    "claim_count" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "arrival_triangle_pkey" PRIMARY KEY ("province_code","year","discharge_month","delay_months")
);

-- Backfill
INSERT INTO "arrival_triangle" ("province_code", "year", "discharge_month", "delay_months", "amount", "claim_count")
SELECT c.province_code, c.year, c.month,
       GREATEST(0, (EXTRACT(YEAR FROM (c.received_at AT TIME ZONE 'UTC') + INTERVAL '7 hours')::int * 12
                    + EXTRACT(MONTH FROM (c.received_at AT TIME ZONE 'UTC') + INTERVAL '7 hours')::int) - (c.year * 12 + c.month)),
       sum(CASE WHEN c.status = 'denied' THEN 0 WHEN c.status = 'approved' AND c.approved_amount IS NOT NULL THEN c.approved_amount ELSE c.insurance_amount END),
       count(*) FILTER (WHERE c.status <> 'denied')::int
FROM "claim" c
GROUP BY 1, 2, 3, 4;
