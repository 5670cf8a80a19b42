-- Question: over a span of years, what are the public values of some indicators for one municipality,
-- its KOSTRA group, its county, the country and a chosen set of peer municipalities, what are those
-- regions called, and when was each value imported?
-- Parameters: $region (municipality code, e.g. '5001'), $year (the report year: it picks the KOSTRA
-- group, as queries/profile.sql does), $from_year, $to_year (inclusive), $indicators (VARCHAR[]),
-- $peers (VARCHAR[] of municipality codes; unknown codes and the region itself are left out).
-- Reads observation_public_in (the suppression rule): hidden values arrive as NULL with status 'x' or ':'.
-- One row per (role, region, indicator, year) that has an observation; a region without any
-- observation still gives one row with NULL indicator_id, so its name is known.
WITH me AS (
    SELECT r.code, r.county_code,
           (SELECT m.group_code FROM kostra_membership m
             WHERE m.region_code = r.code AND m.valid_from <= $year
               AND (m.valid_to IS NULL OR m.valid_to >= $year)
             ORDER BY m.valid_from DESC LIMIT 1) AS kostra_group
    FROM region r
    WHERE r.code = $region
),
roles AS (
    SELECT 'own' AS role, 1 AS ord, code AS region_code FROM me
    UNION ALL SELECT 'group', 2, kostra_group FROM me WHERE kostra_group IS NOT NULL
    UNION ALL SELECT 'county', 3, county_code FROM me WHERE county_code IS NOT NULL
    UNION ALL SELECT 'country', 4, 'EAK' FROM me WHERE code <> 'EAK'
    UNION ALL SELECT DISTINCT 'peer', 5, r.code FROM region r
               WHERE list_contains($peers, r.code) AND r.code <> $region
),
obs AS (
    SELECT * FROM observation_public_in((SELECT list(region_code) FROM roles), $from_year, $to_year)
    WHERE list_contains($indicators, indicator_id)
)
SELECT ro.role, ro.region_code, coalesce(r.name, ro.region_code) AS region_name,
       o.indicator_id, o.year, o.value, o.status, coalesce(l.sample, FALSE) AS sample, l.imported_at
FROM roles ro
LEFT JOIN region r ON r.code = ro.region_code
LEFT JOIN obs o ON o.region_code = ro.region_code
LEFT JOIN import_log l ON l.id = o.import_id
ORDER BY ro.ord, region_name, o.indicator_id, o.year
