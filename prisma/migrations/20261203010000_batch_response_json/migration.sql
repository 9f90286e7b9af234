-- A batch's first response is kept as written (json, not jsonb), so a replay returns it byte for
-- byte: jsonb reorders an object's keys (shortest first), and a replay began with "claims".
-- Responses stored before keep jsonb's order; their content is unchanged.
ALTER TABLE "batch" ALTER COLUMN "response" SET DATA TYPE JSON;
