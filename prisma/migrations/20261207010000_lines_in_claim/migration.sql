-- A claim's lines move into its row (issue #20 point 6). Kept row by row in claim_line, 20 lines cost PostgreSQL
-- about four times the claim itself (a heap row, a primary-key entry and a foreign-key check per line: 290 ms per
-- 1,000 claims against 75 ms without lines). As one json value of tuples per claim they cost about a fifth of that
-- and a third of the bytes. Nothing reads a single line on its own: the claim's detail shows them all, and the
-- explanations read aggregates. Each line is [kind, itemCode, name, costGroup, quantity, unitPrice, amount,
-- insurance, orderedAt] (src/costs/lines.ts StoredLine); null when the claim was sent without lines.
ALTER TABLE "claim" ADD COLUMN "lines" JSON;

UPDATE "claim" c SET "lines" = l.lines
FROM (
  SELECT claim_ref, json_agg(json_build_array(kind::text, item_code, name, cost_group::text,
    trim_scale(quantity)::text, trim_scale(unit_price)::text, trim_scale(amount)::text,
    trim_scale(insurance_amount)::text,
    to_char(ordered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) ORDER BY line_no) AS lines
  FROM "claim_line" GROUP BY claim_ref
) l
WHERE l.claim_ref = c.id;

DROP TABLE "claim_line";
DROP TYPE "LineKind";
