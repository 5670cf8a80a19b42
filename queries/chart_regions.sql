-- Question: which regions does a municipality's chart compare it with, and what are they called?
-- Parameters: $region (municipality code, e.g. '5001'), $year (the report year: it picks the KOSTRA group,
-- as queries/profile.sql does), $peers (VARCHAR[] of municipality codes; unknown codes and the region
-- itself are left out).
-- One row per (role, region): own, group, county, country, then each peer. The values come from
-- queries/chart_values.sql with these codes as a plain list: passing the macro a list computed in the
-- same query makes DuckDB scan every year before it filters (21 ms against 8 ms nationally).
WITH me AS (
    SELECT r.code, r.county_code,
           (SELECT m.group_code FROM kostra_membership m
             WHERE m.region_code = r.code AND m.valid_from <= $year
               AND (m.valid_to IS NULL OR m.valid_to >= $year)
             ORDER BY m.valid_from DESC LIMIT 1) AS kostra_group,
           -- a membership guessed from population (kostra_membership.csv), not SSB's: named «(anslått)»
           coalesce((SELECT m.source LIKE 'inferred%' FROM kostra_membership m
             WHERE m.region_code = r.code AND m.valid_from <= $year
               AND (m.valid_to IS NULL OR m.valid_to >= $year)
             ORDER BY m.valid_from DESC LIMIT 1), FALSE) AS kostra_group_estimated
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
)
SELECT ro.role, ro.region_code,
       coalesce(r.name, ro.region_code)
           || CASE WHEN ro.role = 'group' AND (SELECT kostra_group_estimated FROM me) THEN ' (anslått)' ELSE '' END
           AS region_name
FROM roles ro
LEFT JOIN region r ON r.code = ro.region_code
ORDER BY ro.ord, region_name
