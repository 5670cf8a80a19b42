-- Question: for the intermunicipal child welfare service a region belongs to (or is), what are the
-- public values of some indicators in one year for the service as a whole and for each member?
-- Parameters: $region (a municipality code, or a service id), $year, $indicators (VARCHAR[]).
-- Service-level values are stored under the service id as region_code (Bufdir's kommunemonitor computes
-- them from the members; see tilstand/ingest/bufdir.py). No rows when the region is in no service.
-- Reads observation_public_in: hidden values arrive as NULL with status 'x' or ':'.
WITH svc AS (
    SELECT s.id, s.name FROM service s
    WHERE s.id = $region
       OR s.id IN (SELECT service_id FROM service_member WHERE region_code = $region)
    ORDER BY s.id LIMIT 1
),
parts AS (
    SELECT 'service' AS role, s.id AS region_code, s.name AS region_name FROM svc s
    UNION ALL
    SELECT 'member', m.region_code, coalesce(r.name, m.region_code)
    FROM svc s JOIN service_member m ON m.service_id = s.id LEFT JOIN region r ON r.code = m.region_code
),
obs AS (
    SELECT * FROM observation_public_in((SELECT list(region_code) FROM parts), $year, $year)
    WHERE list_contains($indicators, indicator_id)
)
SELECT p.role, p.region_code, p.region_name, o.indicator_id, o.year, o.value, o.status,
       coalesce(l.sample, FALSE) AS sample, l.imported_at
FROM parts p
LEFT JOIN obs o ON o.region_code = p.region_code
LEFT JOIN import_log l ON l.id = o.import_id
ORDER BY p.role DESC, p.region_name
