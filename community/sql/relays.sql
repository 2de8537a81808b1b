-- Relays the instance subscribes to, and the communities that publish to them (issue 17).

-- name: upsert_relay
INSERT INTO relays (url, inbox_uri, actor_uri, kind, follow_uri) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (url) DO UPDATE
    SET inbox_uri = EXCLUDED.inbox_uri, actor_uri = coalesce(EXCLUDED.actor_uri, relays.actor_uri),
        kind = EXCLUDED.kind, follow_uri = EXCLUDED.follow_uri, state = 'pending',
        answered_at = NULL
RETURNING *

-- name: get_relay_by_url
SELECT * FROM relays WHERE url = $1 OR inbox_uri = $1 OR actor_uri = $1 ORDER BY id LIMIT 1

-- name: get_relay_by_follow
SELECT * FROM relays WHERE follow_uri = $1

-- name: get_relay_of_actor
-- The relay $1 (an actor's id) speaks for: by its actor, or (not known yet) by its inboxes.
SELECT * FROM relays
WHERE actor_uri = $1 OR (actor_uri IS NULL AND inbox_uri = ANY($2::text[]))
ORDER BY id LIMIT 1

-- name: list_relays
SELECT * FROM relays ORDER BY id

-- name: delete_relay
DELETE FROM relays WHERE id = $1 RETURNING *

-- name: answer_relay
UPDATE relays SET state = $2, actor_uri = coalesce(actor_uri, $3), answered_at = now()
WHERE id = $1 RETURNING *

-- name: accepted_relay_inboxes
SELECT DISTINCT inbox_uri FROM relays WHERE state = 'accepted' ORDER BY inbox_uri

-- name: opt_in_relays
INSERT INTO relay_groups (group_id) VALUES ($1) ON CONFLICT (group_id) DO NOTHING RETURNING *

-- name: opt_out_relays
DELETE FROM relay_groups WHERE group_id = $1 RETURNING *

-- name: is_opted_in_relays
SELECT EXISTS (SELECT 1 FROM relay_groups WHERE group_id = $1)

-- name: groups_opted_in_relays
SELECT a.* FROM relay_groups r JOIN actors a ON a.id = r.group_id ORDER BY a.username
