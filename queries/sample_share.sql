-- Question: do the numbers for this region come (wholly or partly) from synthetic sample files?
-- Parameters: $region (region code). Answers sample_rows and total_rows.
SELECT count(*) FILTER (WHERE l.sample) AS sample_rows, count(*) AS total_rows
FROM observation o
JOIN import_log l ON l.id = o.import_id
WHERE o.region_code = $region
