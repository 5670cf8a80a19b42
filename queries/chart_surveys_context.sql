-- Question: whom can a municipality's 10-FAKTOR or survey results be compared with in a given year: what is
-- it called, which county and KOSTRA group is it in, and which other municipalities share that group?
-- Parameters: $region (municipality code), $year (picks the KOSTRA group, as queries/profile.sql does).
-- One row (none for an unknown code) with the county's and the country's names; group_members excludes the
-- municipality itself.
WITH me AS (
    SELECT r.code, r.name, r.county_code,
           (SELECT m.group_code FROM kostra_membership m
             WHERE m.region_code = r.code AND m.valid_from <= $year
               AND (m.valid_to IS NULL OR m.valid_to >= $year)
             ORDER BY m.valid_from DESC LIMIT 1) AS kostra_group
    FROM region r
    WHERE r.code = $region
)
SELECT me.code, me.name, me.county_code, me.kostra_group,
       (SELECT name FROM region WHERE code = me.county_code) AS county_name,
       (SELECT name FROM region WHERE code = 'EAK') AS country_name,
       (SELECT coalesce(list(DISTINCT m.region_code ORDER BY m.region_code), [])
          FROM kostra_membership m
         WHERE m.group_code = me.kostra_group AND m.region_code <> me.code
           AND m.valid_from <= $year AND (m.valid_to IS NULL OR m.valid_to >= $year)) AS group_members
FROM me
