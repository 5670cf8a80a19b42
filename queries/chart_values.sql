-- Question: what are the public values of some indicators for some regions over a span of years, and
-- when was each imported (and from a sample file)?
-- Parameters: $regions (VARCHAR[]), $indicators (VARCHAR[]), $from_year, $to_year (inclusive).
-- Reads observation_public_in (the suppression rule): hidden values arrive as NULL with status 'x' or ':'.
SELECT o.region_code, o.indicator_id, o.year, o.value, o.status, coalesce(l.sample, FALSE) AS sample,
       l.imported_at
FROM observation_public_in($regions, $from_year, $to_year) o
LEFT JOIN import_log l ON l.id = o.import_id
WHERE list_contains($indicators, o.indicator_id)
ORDER BY o.region_code, o.indicator_id, o.year
