-- Question: whom can a municipality's 10-FAKTOR or survey results be compared with in a given year: what is
-- it called, which county is it in, what are the county and the country called, and which other
-- municipalities share its KOSTRA group?
-- Parameters: $region (municipality code), $year (picks the KOSTRA group, as queries/profile.sql does).
-- One row (none for an unknown code); group_members excludes the municipality itself. The values come
-- from queries/chart_values.sql with the codes as a plain list (see queries/chart_regions.sql for why).
WITH me AS (
    SELECT r.code, r.name, r.county_code,
           (SELECT m.group_code FROM kostra_membership m
             WHERE m.region_code = r.code AND m.valid_from <= $year
               AND (m.valid_to IS NULL OR m.valid_to >= $year)
             ORDER BY m.valid_from DESC LIMIT 1) AS kostra_group
    FROM region r
    WHERE r.code = $region
),
members AS (
    SELECT coalesce(list(DISTINCT m.region_code ORDER BY m.region_code), []::VARCHAR[]) AS codes
    FROM kostra_membership m JOIN me ON m.group_code = me.kostra_group
    WHERE m.region_code <> me.code AND m.valid_from <= $year AND (m.valid_to IS NULL OR m.valid_to >= $year)
)
SELECT me.code, me.name, me.county_code, cty.name AS county_name, land.name AS country_name,
       members.codes AS group_members
FROM me
CROSS JOIN members
LEFT JOIN region cty ON cty.code = me.county_code
LEFT JOIN region land ON land.code = 'EAK'
