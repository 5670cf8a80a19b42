-- Question: which municipalities are the natural peers of this one in a report year, before the leader
-- has chosen any ("epler med epler")?
-- Parameters: $region (municipality code), $year (report year).
-- First the other members of its KOSTRA group that have numbers in the store, then municipalities in
-- the same county; each ordered by how close their number of children 0–17 is to the own municipality's.
WITH me AS (
    SELECT r.code, r.county_code,
           (SELECT m.group_code FROM kostra_membership m
             WHERE m.region_code = r.code AND m.valid_from <= $year
               AND (m.valid_to IS NULL OR m.valid_to >= $year)
             ORDER BY m.valid_from DESC LIMIT 1) AS kostra_group,
           (SELECT o.value FROM observation o
             WHERE o.region_code = r.code AND o.indicator_id = 'barn_0_17_antall' AND o.year <= $year
             ORDER BY o.year DESC LIMIT 1) AS children
    FROM region r WHERE r.code = $region
),
candidates AS (
    SELECT r.code, r.name,
           EXISTS (SELECT 1 FROM kostra_membership m
                    WHERE m.region_code = r.code AND m.group_code = me.kostra_group AND m.valid_from <= $year
                      AND (m.valid_to IS NULL OR m.valid_to >= $year)) AS same_group,
           r.county_code = me.county_code AS same_county,
           (SELECT o.value FROM observation o
             WHERE o.region_code = r.code AND o.indicator_id = 'barn_0_17_antall' AND o.year <= $year
             ORDER BY o.year DESC LIMIT 1) AS children
    FROM region r CROSS JOIN me
    WHERE r.kind = 'municipality' AND r.code <> me.code
      AND EXISTS (SELECT 1 FROM observation o WHERE o.region_code = r.code AND o.year = $year)
)
SELECT c.code, c.name, c.same_group, c.same_county
FROM candidates c CROSS JOIN me
WHERE c.same_group OR c.same_county
ORDER BY c.same_group DESC, abs(coalesce(c.children, 0) - coalesce(me.children, 0)), c.code
