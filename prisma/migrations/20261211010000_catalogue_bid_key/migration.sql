-- A tender's bid is part of a catalogue entry's key (issue #23 point 1). MA_THUOC and MA_VAT_TU are national group
-- codes, not a facility's own: one hospital can hold two tenders for the same code at once (a second supplier, a
-- second package or lot), each with its own TT_THAU and price, in force over periods that overlap. Keyed by (code,
-- valid_from) those could not both be stored; keyed by (code, bid_info, valid_from) each tender has its own periods,
-- and only the periods of one tender may not overlap (the load checks it).
--
-- bid_info becomes NOT NULL with '' for "no bid" (services, staff, and a drug or supply row sent without TT_THAU)
-- rather than a unique index over coalesce(bid_info, ''): the primary key then holds the key as it is, the load's
-- diff joins and its ON CONFLICT name plain columns, and the key is still the index of the lookups, which read a
-- code's entries by its prefix (facility_code, kind, code). The service reads '' back as null (src/catalogues/sql.ts).

-- The CHECK said services and staff have a null bid_info: now they have ''.
ALTER TABLE "catalogue_entry" DROP CONSTRAINT "catalogue_entry_fields_check";

UPDATE "catalogue_entry" SET "bid_info" = '' WHERE "bid_info" IS NULL;

ALTER TABLE "catalogue_entry"
  ALTER COLUMN "bid_info" SET DEFAULT '',
  ALTER COLUMN "bid_info" SET NOT NULL;

-- The old key's rows are unique under the new one too (it only adds a column): nothing to merge.
ALTER TABLE "catalogue_entry"
  DROP CONSTRAINT "catalogue_entry_pkey",
  ADD CONSTRAINT "catalogue_entry_pkey" PRIMARY KEY ("facility_code", "kind", "code", "bid_info", "valid_from");

ALTER TABLE "catalogue_entry" ADD CONSTRAINT "catalogue_entry_fields_check" CHECK (CASE "kind"
  WHEN 'drugs' THEN "name" IS NOT NULL AND "unit_price" IS NOT NULL AND "supplies_included" IS NULL
  WHEN 'supplies' THEN "name" IS NOT NULL AND "unit_price" IS NOT NULL AND "concentration" IS NULL
    AND "registration_number" IS NULL AND "cost_group" IS NULL AND "supplies_included" IS NULL
  WHEN 'services' THEN "name" IS NOT NULL AND "unit_price" IS NOT NULL AND "supplies_included" IS NOT NULL
    AND "concentration" IS NULL AND "registration_number" IS NULL AND "bid_info" = '' AND "cost_group" IS NULL
  ELSE "unit_price" IS NULL AND "concentration" IS NULL AND "registration_number" IS NULL AND "bid_info" = ''
    AND "cost_group" IS NULL AND "supplies_included" IS NULL END);
