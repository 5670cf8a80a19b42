-- Question: which municipalities can a person choose, with the years that have data for them?
-- Parameters: none. Municipalities without any observation are left out.
SELECT r.code, r.name, r.county_code, r.network, r.valid_from,
       min(o.year) AS first_year,
       -- the last year with figures beyond the population (SSB's 1 January of the next year is the end of
       -- the report year, not a report year of its own; see store_summary.sql)
       coalesce(max(o.year) FILTER (WHERE o.indicator_id NOT IN ('barn_0_17_antall', 'befolkning_totalt',
                                                                 'barn_andel_befolkning')),
                max(o.year)) AS last_year
FROM region r
JOIN observation o ON o.region_code = r.code
WHERE r.kind = 'municipality'
GROUP BY ALL
ORDER BY r.code
