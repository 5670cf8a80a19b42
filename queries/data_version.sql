-- Question: has anything been imported or undone since the app last looked? (cache key for computed views)
-- An undo changes numbers (and what may be shown of them) without a new import id, so it counts too.
-- Parameters: none.
SELECT coalesce(max(id), 0) * 100000 + count(undone_at) AS version FROM import_log
