-- Question: how has each indicator developed for one region over a span of years?
-- Parameters: $region (region code), $from_year, $to_year (integers, inclusive).
-- Suppressed years come back as NULL values (a gap, never interpolated).
SELECT indicator_id, year, value, status
FROM observation_public_in([$region], $from_year, $to_year)
ORDER BY indicator_id, year
