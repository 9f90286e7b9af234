-- Spending by cost group (issue #20): what each claim counts, split by its lines' cost groups (MA_NHOM), kept
-- beside spending by the one path that moves money. Claims stored before lines existed count as "unspecified".
ALTER TABLE "claim" ADD COLUMN "cost_split" JSONB NOT NULL DEFAULT '{}';

UPDATE "claim" c SET "cost_split" = jsonb_build_object('unspecified', (CASE WHEN c.status = 'denied' THEN 0
    WHEN c.status = 'approved' AND c.approved_amount IS NOT NULL THEN c.approved_amount
    ELSE c.insurance_amount END)::text)
WHERE c.status <> 'denied';

CREATE TABLE "spending_cost_group" (
    "province_code" CHAR(2) NOT NULL,
    "year" INTEGER NOT NULL,
    "month" INTEGER NOT NULL,
    "facility_code" CHAR(5) NOT NULL,
    "cost_group" TEXT NOT NULL,
    "spent" DECIMAL(18,2) NOT NULL DEFAULT 0,
    CONSTRAINT "spending_cost_group_pkey" PRIMARY KEY ("province_code","year","month","facility_code","cost_group")
);

INSERT INTO "spending_cost_group" ("province_code", "year", "month", "facility_code", "cost_group", "spent")
SELECT province_code, year, month, facility_code, 'unspecified', spent FROM "spending_detail" WHERE spent <> 0;
