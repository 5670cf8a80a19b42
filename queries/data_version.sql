-- Question: has anything been imported since the app last looked? (cache key for computed views)
-- Parameters: none.
SELECT coalesce(max(id), 0) AS version FROM import_log
