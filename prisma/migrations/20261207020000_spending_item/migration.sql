-- Spending by item (issue #20 point 3): the lines of the claims that count, by province, month, facility and item
-- (drug, supply or service code), kept by the one path that moves money. The items view reads only this: top items,
-- and the spread of unit prices across facilities (each facility's amount / quantity).
CREATE TABLE "spending_item" (
    "province_code" CHAR(2) NOT NULL,
    "year" INTEGER NOT NULL,
    "month" INTEGER NOT NULL,
    "facility_code" CHAR(5) NOT NULL,
    "kind" TEXT NOT NULL,
    "item_code" TEXT NOT NULL,
    "name" TEXT,
    "claims" INTEGER NOT NULL DEFAULT 0,
    "quantity" DECIMAL(20,3) NOT NULL DEFAULT 0,
    "amount" DECIMAL(18,2) NOT NULL DEFAULT 0,
    "insurance" DECIMAL(18,2) NOT NULL DEFAULT 0,
    CONSTRAINT "spending_item_pkey" PRIMARY KEY ("province_code","year","month","facility_code","kind","item_code")
);

-- A facility's items, and the nation's for a year, without walking every province's rows.
CREATE INDEX "spending_item_facility_idx" ON "spending_item" ("facility_code", "year", "month");
CREATE INDEX "spending_item_year_idx" ON "spending_item" ("year", "month");

INSERT INTO "spending_item" ("province_code", "year", "month", "facility_code", "kind", "item_code", "name", "claims",
  "quantity", "amount", "insurance")
SELECT c.province_code, c.year, c.month, c.facility_code, l->>0, l->>1, max(l->>2), count(DISTINCT c.id),
       sum((l->>4)::numeric), sum((l->>6)::numeric), sum((l->>7)::numeric)
FROM "claim" c, json_array_elements(c.lines) l
WHERE c.lines IS NOT NULL AND c.status <> 'denied'
GROUP BY 1, 2, 3, 4, 5, 6;
