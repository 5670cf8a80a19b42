-- Question: what are the public values of some indicators in a set of regions for some years?
-- Parameters: $regions (VARCHAR[], e.g. the leader's peers), $from_year, $to_year (inclusive),
-- $indicators (VARCHAR[]).
-- Reads observation_public_in (the suppression rule): hidden values arrive as NULL with status 'x' or ':'.
SELECT o.indicator_id, o.region_code, coalesce(r.name, o.region_code) AS region_name, o.year, o.value, o.status
FROM observation_public_in($regions, $from_year, $to_year) o
LEFT JOIN region r ON r.code = o.region_code
WHERE list_contains($indicators, o.indicator_id)
ORDER BY o.indicator_id, o.region_code, o.year
