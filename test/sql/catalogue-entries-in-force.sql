-- 1
SELECT p.ord::int AS ord, e.code, to_char(e.valid_from, 'YYYY-MM-DD') AS valid_from,
       to_char(e.valid_to, 'YYYY-MM-DD') AS valid_to, e.name, e.concentration, e.registration_number, e.bid_info,
       e.unit_price::text AS unit_price, e.cost_group, e.supplies_included
FROM unnest($3::text[], $4::date[]) WITH ORDINALITY AS p(code, day, ord)
CROSS JOIN LATERAL (
  SELECT * FROM catalogue_entry c
  WHERE c.facility_code = $1 AND c.kind = $2 AND c.code = p.code AND c.valid_from <= p.day
  ORDER BY c.valid_from DESC
  LIMIT 1
) e
WHERE e.valid_to IS NULL OR e.valid_to >= p.day;
