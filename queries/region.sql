-- Question: what is this region called, what kind is it, and since when do its boundaries hold?
-- Parameters: $code (region code).
SELECT code, name, kind, county_code, network, valid_from, valid_to, source
FROM region
WHERE code = $code
