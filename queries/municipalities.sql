-- Question: which municipalities can a person choose, with the years that have data for them?
-- Parameters: none. Municipalities without any observation are left out.
SELECT r.code, r.name, r.county_code, r.network, r.valid_from,
       min(o.year) AS first_year, max(o.year) AS last_year
FROM region r
JOIN observation o ON o.region_code = r.code
WHERE r.kind = 'municipality'
GROUP BY ALL
ORDER BY r.code
