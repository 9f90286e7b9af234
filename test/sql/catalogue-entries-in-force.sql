-- 1
SELECT p.ord::int AS ord, e.code, to_char(e.valid_from, 'YYYY-MM-DD') AS valid_from,
       to_char(e.valid_to, 'YYYY-MM-DD') AS valid_to, e.name, e.concentration, e.registration_number,
       nullif(e.bid_info, '') AS bid_info, e.unit_price::text AS unit_price, e.cost_group, e.supplies_included
FROM unnest($3::text[], $4::date[]) WITH ORDINALITY AS p(code, day, ord)
JOIN catalogue_entry e ON e.facility_code = $1 AND e.kind = $2 AND e.code = p.code AND e.valid_from <= p.day
  AND (e.valid_to IS NULL OR e.valid_to >= p.day)
ORDER BY p.ord, e.bid_info, e.valid_from;
