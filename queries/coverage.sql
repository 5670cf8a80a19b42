-- Question: for each SSB-sourced indicator, how many (region, year) cells hold a value, how many carry
-- an SSB status symbol, and which cells are absent, among the municipalities of one county?
-- Parameters: $county (county code, e.g. '50'), $from_year, $to_year (inclusive); $awaiting, the derived rates
-- on the population at the end of the year, and $next_year_inputs, that population: such a rate is not expected
-- for a year whose next year's population is not imported yet (it cannot be computed before).
WITH regions AS (
    SELECT code, kind FROM region WHERE kind = 'municipality' AND county_code = $county
),
years AS (SELECT unnest(range($from_year, $to_year + 1)) AS year),
wanted AS (
    SELECT i.id AS indicator_id, r.code AS region_code, y.year
    FROM indicator i, regions r, years y
    WHERE i.origin IN ('ssb', 'ssb_derived') AND (i.levels = 'all' OR contains(i.levels, r.kind))
      AND NOT (list_contains($awaiting, i.id) AND (
          SELECT count(DISTINCT p.indicator_id) FROM observation p
          WHERE p.region_code = r.code AND p.year = y.year + 1 AND list_contains($next_year_inputs, p.indicator_id)
      ) < len($next_year_inputs))
)
SELECT w.indicator_id,
       count(*) AS expected,
       count(o.indicator_id) FILTER (WHERE o.value IS NOT NULL AND o.status IS DISTINCT FROM '-') AS with_value,
       count(o.indicator_id) FILTER (WHERE o.status IS NOT NULL) AS with_symbol,
       count(*) FILTER (WHERE o.indicator_id IS NULL) AS absent,
       list(w.region_code || ':' || w.year ORDER BY w.region_code, w.year)
           FILTER (WHERE o.indicator_id IS NULL) AS absent_cells
FROM wanted w
LEFT JOIN observation o USING (indicator_id, region_code, year)
GROUP BY w.indicator_id
ORDER BY w.indicator_id
