-- Question: when was the newest shown value of some indicators for some regions imported?
-- Parameters: $indicators (VARCHAR[]), $regions (VARCHAR[]), $from_year, $to_year (inclusive).
-- Hidden values (NULL through observation_public_in) do not count: the date is about what a reader sees.
SELECT max(l.imported_at) AS imported_at
FROM observation_public_in($regions, $from_year, $to_year) o
JOIN import_log l ON l.id = o.import_id
WHERE list_contains($indicators, o.indicator_id) AND o.value IS NOT NULL
