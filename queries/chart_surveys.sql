-- Question: for a 10-FAKTOR or survey chart, what are the public values of some indicators over a span of
-- years for one municipality and whom it can be compared with (the leader's peers, its county, the country,
-- the other municipalities of its KOSTRA group), and what are those called?
-- Parameters: $region (municipality code), $year (picks the KOSTRA group, as queries/profile.sql does),
-- $from_year, $to_year (inclusive), $indicators (VARCHAR[]), $peers (VARCHAR[]), $others (BOOLEAN: FALSE
-- reads the municipality's own values only).
-- Reads observation_public_in (the suppression rule): a hidden value arrives as NULL with status 'x' or ':'.
-- The municipality's name, county and group members repeat on every row; with no value at all there is
-- still one row (value columns NULL). No row: unknown municipality. group_members excludes the municipality.
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
),
wanted AS (
    SELECT CASE WHEN $others
                THEN list_distinct([me.code] || $peers::VARCHAR[] || [me.county_code, 'EAK'] || members.codes)
                ELSE [me.code] END AS regions
    FROM me, members
),
obs AS (
    SELECT * FROM observation_public_in((SELECT regions FROM wanted), $from_year, $to_year)
    WHERE list_contains($indicators, indicator_id)
)
SELECT me.code, me.name, me.county_code, cty.name AS county_name, land.name AS country_name,
       members.codes AS group_members,
       o.region_code, o.indicator_id, o.year, o.value, o.status, coalesce(l.sample, FALSE) AS sample, l.imported_at
FROM me
CROSS JOIN members
LEFT JOIN region cty ON cty.code = me.county_code
LEFT JOIN region land ON land.code = 'EAK'
LEFT JOIN obs o ON TRUE
LEFT JOIN import_log l ON l.id = o.import_id
ORDER BY o.region_code, o.indicator_id, o.year
