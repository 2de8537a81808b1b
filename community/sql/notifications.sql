-- Notifications of local people: follows, requests, mentions, reblogs, favourites.

-- name: insert_notification
-- Only people who have an account here are notified, never for their own acts; a handler
-- that runs again adds nothing.
INSERT INTO notifications (recipient_id, kind, from_actor_id, post_id)
SELECT $1::bigint, $2::text, $3::bigint, $4::bigint
WHERE $1::bigint <> $3::bigint AND EXISTS (SELECT 1 FROM users WHERE actor_id = $1::bigint)
ON CONFLICT (recipient_id, kind, from_actor_id, (coalesce(post_id, 0))) DO NOTHING
RETURNING id

-- name: local_people_among
SELECT a.id FROM actors a JOIN users u ON u.actor_id = a.id
WHERE a.uri = ANY($1) AND a.local AND a.type = 'Person'

-- name: list_notifications
-- Keyset page: ids in ($2, $3), newest first unless $5 (oldest first, for min_id). None from
-- an account the person hides (blocks, mutes of notifications, blocked servers), no mention
-- from a thread they muted.
SELECT n.* FROM notifications n
WHERE n.recipient_id = $1 AND n.dismissed_at IS NULL AND n.id > $2 AND n.id < $3
  AND ($6::text[] IS NULL OR n.kind = ANY($6)) AND NOT (n.kind = ANY($7::text[]))
  AND (n.post_id IS NULL OR EXISTS (SELECT 1 FROM posts p WHERE p.id = n.post_id
                                    AND p.deleted_at IS NULL))
  AND NOT hides($1, n.from_actor_id, true)
  AND NOT (n.kind = 'mention' AND EXISTS (
      SELECT 1 FROM posts p JOIN conversation_mutes cm
          ON cm.actor_id = $1 AND cm.root_id = coalesce(p.root_id, p.id)
      WHERE p.id = n.post_id))
ORDER BY CASE WHEN $5 THEN n.id END ASC, n.id DESC
LIMIT $4

-- name: get_notification
-- One notification, if its person still wants to see it (as list_notifications filters).
SELECT n.* FROM notifications n
WHERE n.id = $1 AND n.recipient_id = $2 AND n.dismissed_at IS NULL
  AND NOT hides($2, n.from_actor_id, true)
  AND NOT (n.kind = 'mention' AND EXISTS (
      SELECT 1 FROM posts p JOIN conversation_mutes cm
          ON cm.actor_id = $2 AND cm.root_id = coalesce(p.root_id, p.id)
      WHERE p.id = n.post_id))

-- name: dismiss_notification
UPDATE notifications SET dismissed_at = now()
WHERE id = $1 AND recipient_id = $2 AND dismissed_at IS NULL
RETURNING id

-- name: clear_notifications
UPDATE notifications SET dismissed_at = now() WHERE recipient_id = $1 AND dismissed_at IS NULL
