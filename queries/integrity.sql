-- Question: which stored observations break the store's rules?
-- Parameters: none. One row per problem kind with a count and up to five examples.
WITH problems AS (
    SELECT 'ukjent indikator' AS problem, o.indicator_id || ' ' || o.region_code || ' ' || o.year AS example
    FROM observation o LEFT JOIN indicator i ON i.id = o.indicator_id WHERE i.id IS NULL
    UNION ALL
    SELECT 'ukjent region', o.indicator_id || ' ' || o.region_code || ' ' || o.year
    FROM observation o LEFT JOIN region r ON r.code = o.region_code WHERE r.code IS NULL
    UNION ALL
    SELECT 'prosent utenfor 0–100', o.indicator_id || ' ' || o.region_code || ' ' || o.year
    FROM observation o JOIN indicator i ON i.id = o.indicator_id
    WHERE i.unit = 'percent' AND (o.value < 0 OR o.value > 100)
    UNION ALL
    SELECT 'negativt antall', o.indicator_id || ' ' || o.region_code || ' ' || o.year
    FROM observation o JOIN indicator i ON i.id = o.indicator_id
    WHERE i.unit = 'count' AND o.value < 0
    UNION ALL
    SELECT 'verdi og symbol mangler begge', o.indicator_id || ' ' || o.region_code || ' ' || o.year
    FROM observation o WHERE o.value IS NULL AND o.status IS NULL
    UNION ALL
    SELECT 'observasjon uten import', o.indicator_id || ' ' || o.region_code || ' ' || o.year
    FROM observation o LEFT JOIN import_log l ON l.id = o.import_id WHERE l.id IS NULL
)
SELECT problem, count(*) AS n, list(example ORDER BY example)[1:5] AS examples
FROM problems GROUP BY problem ORDER BY problem
