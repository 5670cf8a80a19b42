-- Question: which audit rows, newest first, may this administrator read?
-- Parameters: $regions (the municipalities and services they administer; NULL = every row, an administrator
-- of '*'), $actor (their username), $username and $action (optional filters, NULL = any), $limit.
-- A row with a region is theirs when the region is one of $regions. A row without one (sign-ins, passwords,
-- imports, sign-outs) is about a user — the target user ('user:…'), else whoever acted — and is theirs when
-- they may manage that user: every role the user holds lies in $regions, or the user has no roles and was
-- created by $actor. Rows about a username nobody has, or about users with roles elsewhere too, are left
-- to the administrator of all.
WITH managed AS (
    SELECT u.username
    FROM app_user u LEFT JOIN role_grant g ON g.user_id = u.id
    GROUP BY u.username, u.created_by
    HAVING (count(g.region_code) > 0 AND bool_and(list_contains($regions, g.region_code)))
        OR (count(g.region_code) = 0 AND u.created_by = $actor)
)
SELECT a.id, a.logged_at, a.username, a.action, a.region_code, a.target, a.detail, a.allowed
FROM audit_log a
WHERE ($regions IS NULL
       OR list_contains($regions, a.region_code)
       OR (a.region_code IS NULL
           AND (CASE WHEN starts_with(a.target, 'user:') THEN substr(a.target, 6) ELSE a.username END)
               IN (SELECT username FROM managed)))
  AND ($username IS NULL OR a.username = $username)
  AND ($action IS NULL OR a.action = $action)
ORDER BY a.id DESC
LIMIT $limit
