-- Question: for one municipality and one year, what is each indicator's value, last year's value,
-- and the values of the municipality's KOSTRA group, its county and the country ("epler med epler")?
-- Parameters: $region (municipality code, e.g. '5001'), $year (integer).
-- Reads observation_public_in (the suppression rule), so hidden values arrive as NULL with status 'x' or ':'.
WITH me AS (
    SELECT r.code, r.county_code,
           (SELECT m.group_code FROM kostra_membership m
             WHERE m.region_code = r.code AND m.valid_from <= $year
               AND (m.valid_to IS NULL OR m.valid_to >= $year)
             ORDER BY m.valid_from DESC LIMIT 1) AS kostra_group,
           -- a membership guessed from population (kostra_membership.csv), not SSB's: shown «(anslått)»
           coalesce((SELECT m.source LIKE 'inferred%' FROM kostra_membership m
             WHERE m.region_code = r.code AND m.valid_from <= $year
               AND (m.valid_to IS NULL OR m.valid_to >= $year)
             ORDER BY m.valid_from DESC LIMIT 1), FALSE) AS kostra_group_estimated
    FROM region r
    WHERE r.code = $region
),
obs AS (
    SELECT * FROM observation_public_in(
        (SELECT [code, county_code, kostra_group, 'EAK'] FROM me), $year - 1, $year)
)
SELECT i.id AS indicator_id,
       own.value, own.status,
       prev.value AS prev_value, prev.status AS prev_status,
       grp.value AS group_value, grp.status AS group_status,
       cty.value AS county_value, cty.status AS county_status,
       land.value AS country_value, land.status AS country_status,
       me.kostra_group, me.kostra_group_estimated, me.county_code
FROM indicator i
CROSS JOIN me
LEFT JOIN obs own  ON own.indicator_id = i.id AND own.region_code = me.code AND own.year = $year
LEFT JOIN obs prev ON prev.indicator_id = i.id AND prev.region_code = me.code AND prev.year = $year - 1
LEFT JOIN obs grp  ON grp.indicator_id = i.id AND grp.region_code = me.kostra_group AND grp.year = $year
LEFT JOIN obs cty  ON cty.indicator_id = i.id AND cty.region_code = me.county_code AND cty.year = $year
LEFT JOIN obs land ON land.indicator_id = i.id AND land.region_code = 'EAK' AND land.year = $year
WHERE i.shown
  AND (own.indicator_id IS NOT NULL OR grp.indicator_id IS NOT NULL
       OR cty.indicator_id IS NOT NULL OR land.indicator_id IS NOT NULL)
