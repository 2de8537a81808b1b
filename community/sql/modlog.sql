-- The moderation log: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE).

-- name: append_modlog
INSERT INTO modlog (group_id, kind, actor_id, by_admin, proposal_id, activity_uri, activity,
                    reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (activity_uri) DO NOTHING
RETURNING id

-- name: count_modlog
SELECT count(*) FROM modlog WHERE group_id = $1

-- name: modlog_before
SELECT id AS cursor, activity AS item FROM modlog
WHERE group_id = $1 AND id < $2
ORDER BY id DESC LIMIT $3

-- name: modlog_after
SELECT id AS cursor, activity AS item FROM modlog
WHERE group_id = $1 AND id > $2
ORDER BY id ASC LIMIT $3

-- name: modlog_entries
-- The newest entries of a group's log, for moderators' tools (kinds in $3, all when NULL).
SELECT m.*, a.uri AS actor_uri FROM modlog m JOIN actors a ON a.id = m.actor_id
WHERE m.group_id = $1 AND m.id < $2 AND ($3::text[] IS NULL OR m.kind = ANY($3))
ORDER BY m.id DESC LIMIT $4

-- name: get_modlog_item
SELECT activity FROM modlog WHERE activity_uri = $1

-- name: get_modlog_item_group
-- The group whose log holds the item $1.
SELECT group_id FROM modlog WHERE activity_uri = $1
