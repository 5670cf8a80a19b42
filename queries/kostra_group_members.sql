-- Question: which other municipalities share a municipality's KOSTRA group in a given year?
-- Parameters: $region (municipality code), $year (picks the group, as queries/profile.sql does).
-- One row per other member, by code; none when the municipality has no group that year. The 10-FAKTOR
-- chart averages the members that have numbers in the store when nothing better is there to compare with.
WITH mine AS (
    SELECT m.group_code FROM kostra_membership m
    WHERE m.region_code = $region AND m.valid_from <= $year AND (m.valid_to IS NULL OR m.valid_to >= $year)
    ORDER BY m.valid_from DESC LIMIT 1
)
SELECT DISTINCT m.region_code
FROM kostra_membership m JOIN mine ON m.group_code = mine.group_code
WHERE m.region_code <> $region AND m.valid_from <= $year AND (m.valid_to IS NULL OR m.valid_to >= $year)
ORDER BY m.region_code
