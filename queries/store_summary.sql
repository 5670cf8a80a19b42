-- Question: what does the store hold, in a few numbers?
-- Parameters: none.
SELECT
    (SELECT count(*) FROM observation) AS observations,
    (SELECT count(*) FROM observation WHERE status IS NOT NULL) AS with_symbol,
    (SELECT count(*) FROM import_log) AS imports,
    (SELECT count(*) FROM import_log WHERE sample) AS sample_imports,
    (SELECT count(*) FROM region WHERE kind = 'municipality') AS municipalities,
    (SELECT count(*) FROM region WHERE kind = 'kostra_group') AS kostra_groups,
    (SELECT count(*) FROM indicator) AS indicators,
    (SELECT min(year) FROM observation) AS first_year,
    -- the last year with figures beyond the population: SSB's population on 1 January of the next year (the
    -- end of the report year, which rates per resident divide by) does not make that year a report year
    (SELECT coalesce(max(year) FILTER (WHERE indicator_id NOT IN ('barn_0_17_antall', 'befolkning_totalt',
                                                                  'barn_andel_befolkning')), max(year))
       FROM observation) AS last_year
