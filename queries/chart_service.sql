-- Question: which intermunicipal child welfare service does a region belong to (or is it one), and
-- which municipalities are its members?
-- Parameters: $region (a municipality code, or a service id).
-- One row for the service (role 'service', its id as region_code: Bufdir's kommunemonitor values for the
-- service as a whole are stored under that id, see tilstand/ingest/bufdir.py), then one per member
-- (role 'member'). No rows when the region is in no service. Values: queries/chart_values.sql.
WITH svc AS (
    SELECT s.id, s.name FROM service s
    WHERE s.id = $region
       OR s.id IN (SELECT service_id FROM service_member WHERE region_code = $region)
    ORDER BY s.id LIMIT 1
)
SELECT role, region_code, region_name FROM (
    SELECT 'service' AS role, 0 AS ord, s.id AS region_code, s.name AS region_name FROM svc s
    UNION ALL
    SELECT 'member', 1, m.region_code, coalesce(r.name, m.region_code)
    FROM svc s JOIN service_member m ON m.service_id = s.id LEFT JOIN region r ON r.code = m.region_code
)
ORDER BY ord, region_name
