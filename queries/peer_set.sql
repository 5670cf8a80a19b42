-- Question: which peer municipalities has the leader chosen for this municipality's report year?
-- Parameters: $region (municipality code), $year (report year).
-- A set saved for an earlier year carries over until the leader saves one for this year: the newest
-- set from $year or before is the answer (at most one row).
SELECT p.year, p.peers, p.updated_at, p.updated_by
FROM peer_set p
WHERE p.region_code = $region AND p.year <= $year
ORDER BY p.year DESC
LIMIT 1
