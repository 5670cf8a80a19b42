-- Question: what is this region called, what kind is it, and since when do its code and its boundaries hold?
-- Parameters: $code (region code).
SELECT code, name, kind, county_code, network, valid_from, valid_to, boundary_from, source
FROM region
WHERE code = $code
