-- The list of a facility's batches (issue #22 point 3, GET /v1/batches): each batch row carries its response's counts,
-- written in the same INSERT as the response, so listing never reads (or parses) a response; and which chunk of an XML
-- file a batch is, so a file's rejections can be listed over all its chunks.
ALTER TABLE "batch"
  ADD COLUMN "accepted_count" INTEGER,
  ADD COLUMN "pending_documentation_count" INTEGER,
  ADD COLUMN "rejected_count" INTEGER,
  ADD COLUMN "corrected_count" INTEGER,
  ADD COLUMN "unchanged_count" INTEGER,
  ADD COLUMN "xml_chunk" INTEGER,
  ADD COLUMN "xml_chunks" INTEGER;

-- The counts of the batches stored before, from their responses (each parsed once). An XML file's chunk keeps the file
-- as read in its raw body, which begins {"format":"xml","sha256":...,"batchId":...,"chunk":k,"chunks":n,"episodes":
-- (src/xml/import.ts since the first XML file); a JSON batch cannot begin so: its envelope has no "format" field.
UPDATE "batch" AS b SET
  "accepted_count" = coalesce(r."accepted", 0),
  "pending_documentation_count" = coalesce(r."pendingDocumentation", 0),
  "rejected_count" = coalesce(r."rejected", 0),
  "corrected_count" = coalesce(r."corrected", 0),
  "unchanged_count" = coalesce(r."unchanged", 0),
  "xml_chunk" = x."part"[1]::int,
  "xml_chunks" = x."part"[2]::int
FROM "batch" AS s
CROSS JOIN LATERAL json_to_record(s."response") AS r("accepted" INTEGER, "pendingDocumentation" INTEGER,
  "rejected" INTEGER, "corrected" INTEGER, "unchanged" INTEGER)
CROSS JOIN LATERAL (SELECT regexp_match(left(s."raw_body", 400),
  '^\{"format":"xml","sha256":"[0-9a-f]{64}","batchId":"[^"]*","chunk":([0-9]+),"chunks":([0-9]+),') AS "part") AS x
WHERE s."id" = b."id";

ALTER TABLE "batch"
  ALTER COLUMN "accepted_count" SET NOT NULL,
  ALTER COLUMN "pending_documentation_count" SET NOT NULL,
  ALTER COLUMN "rejected_count" SET NOT NULL,
  ALTER COLUMN "corrected_count" SET NOT NULL,
  ALTER COLUMN "unchanged_count" SET NOT NULL;

-- Newest first, read backwards: a facility's batches, and everyone's (a central or a province key's list).
CREATE INDEX "batch_facility_code_received_at_id_idx" ON "batch"("facility_code", "received_at", "id");
CREATE INDEX "batch_received_at_id_idx" ON "batch"("received_at", "id");
