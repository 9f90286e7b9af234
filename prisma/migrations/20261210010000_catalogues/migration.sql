-- A facility's approved catalogues (issue #23 point 1), loaded in bulk from the agency's layouts (Mẫu 02/03/04/05 DM):
-- drugs, medical supplies, services with their prices, and practising staff. One table with a kind column rather than
-- one per kind: the four share the key, the validity period and the questions asked of them ("the entry in force for
-- this code on this day", "what did this reload change"), so one diff, one lookup and one list serve every kind; the
-- few fields one kind has are null for the others (a CHECK keeps each kind to its own).
CREATE TABLE "catalogue_entry" (
    "facility_code" CHAR(5) NOT NULL,
    -- drugs (03/DM), supplies (04/DM), services (05/DM) or staff (02/DM).
    "kind" TEXT NOT NULL,
    -- MA_THUOC, MA_VAT_TU, MA_DICH_VU, or the practitioner's MACCHN (older layouts: MA_BHXH).
    "code" TEXT NOT NULL,
    -- First and last day in force, inclusive (Vietnam-time days); a null end is open-ended.
    "valid_from" DATE NOT NULL,
    "valid_to" DATE,
    "name" TEXT,
    "concentration" TEXT,
    "registration_number" TEXT,
    "bid_info" TEXT,
    -- The most the fund pays per unit (DON_GIA_BH, a service's price): the XML tables round unit prices to 3
    -- decimals (DON_GIA, DON_GIA_BH "làm tròn đến 3 chữ số thập phân"), so 3 here, not money's 2.
    "unit_price" DECIMAL(18,3),
    "cost_group" TEXT,
    "supplies_included" BOOLEAN,
    -- The key is also the index of "the entry in force for (facility, kind, code) on day D": the latest valid_from
    -- on or before D, read backwards from the key (periods of one code never overlap).
    CONSTRAINT "catalogue_entry_pkey" PRIMARY KEY ("facility_code", "kind", "code", "valid_from"),
    CONSTRAINT "catalogue_entry_kind_check" CHECK ("kind" IN ('drugs', 'supplies', 'services', 'staff')),
    CONSTRAINT "catalogue_entry_period_check" CHECK ("valid_to" IS NULL OR "valid_to" >= "valid_from"),
    CONSTRAINT "catalogue_entry_fields_check" CHECK (CASE "kind"
      WHEN 'drugs' THEN "name" IS NOT NULL AND "unit_price" IS NOT NULL AND "supplies_included" IS NULL
      WHEN 'supplies' THEN "name" IS NOT NULL AND "unit_price" IS NOT NULL AND "concentration" IS NULL
        AND "registration_number" IS NULL AND "cost_group" IS NULL AND "supplies_included" IS NULL
      WHEN 'services' THEN "name" IS NOT NULL AND "unit_price" IS NOT NULL AND "supplies_included" IS NOT NULL
        AND "concentration" IS NULL AND "registration_number" IS NULL AND "bid_info" IS NULL AND "cost_group" IS NULL
      ELSE "unit_price" IS NULL AND "concentration" IS NULL AND "registration_number" IS NULL AND "bid_info" IS NULL
        AND "cost_group" IS NULL AND "supplies_included" IS NULL END)
);

-- What each reload changed, for re-assessment (issue #23 point 5): per load and code, the earliest day whose entry
-- in force is not what it was. Claim lines of that code ordered on or after it may be judged differently now; a
-- consumer reads the rows after the last id it handled.
CREATE TABLE "catalogue_change" (
    "id" BIGSERIAL NOT NULL,
    "facility_code" CHAR(5) NOT NULL,
    "kind" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "affected_from" DATE NOT NULL,
    "loaded_at" TIMESTAMPTZ(3) NOT NULL,
    "request_id" TEXT,
    CONSTRAINT "catalogue_change_pkey" PRIMARY KEY ("id")
);

-- A facility's changes in the order they were made.
CREATE INDEX "catalogue_change_facility_code_id_idx" ON "catalogue_change"("facility_code", "id");
