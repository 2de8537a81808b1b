-- Conversations of direct posts and mutes of threads (community/conversations.py).

-- name: list_conversations
-- The threads of direct posts outside groups that person $1 (uri $2) wrote or was addressed
-- in, each with its latest post; none removed since, none by an account hidden from them.
-- Keyset on the latest post's id: $3 after, $4 before, $5 limit, $6 oldest first;
-- $7 one thread's root id (0: all).
WITH threads AS (
    SELECT coalesce(p.root_id, p.id) AS root_id, max(p.id) AS last_post_id
    FROM posts p
    WHERE p.visibility = 'direct' AND p.group_id IS NULL AND p.deleted_at IS NULL
      AND (p.author_id = $1 OR p.raw -> 'to' ? $2 OR p.raw -> 'cc' ? $2)
      AND NOT hides($1, p.author_id)
      AND ($7 = 0 OR coalesce(p.root_id, p.id) = $7)
    GROUP BY coalesce(p.root_id, p.id)
)
SELECT t.root_id, t.last_post_id,
       (t.last_post_id > coalesce(m.read_up_to, 0) AND last.author_id <> $1) AS unread
FROM threads t
JOIN posts last ON last.id = t.last_post_id
LEFT JOIN conversation_marks m ON m.actor_id = $1 AND m.root_id = t.root_id
WHERE t.last_post_id > coalesce(m.removed_up_to, 0)
  AND t.last_post_id > $3 AND t.last_post_id < $4
ORDER BY CASE WHEN $6 THEN t.last_post_id END ASC, t.last_post_id DESC
LIMIT $5

-- name: mark_conversation_read
INSERT INTO conversation_marks (actor_id, root_id, read_up_to) VALUES ($1, $2, $3)
ON CONFLICT (actor_id, root_id) DO UPDATE
    SET read_up_to = greatest(conversation_marks.read_up_to, EXCLUDED.read_up_to)

-- name: remove_conversation
INSERT INTO conversation_marks (actor_id, root_id, read_up_to, removed_up_to)
VALUES ($1, $2, $3, $3)
ON CONFLICT (actor_id, root_id) DO UPDATE
    SET removed_up_to = greatest(conversation_marks.removed_up_to, EXCLUDED.removed_up_to),
        read_up_to = greatest(conversation_marks.read_up_to, EXCLUDED.read_up_to)

-- name: mute_conversation
INSERT INTO conversation_mutes (actor_id, root_id) VALUES ($1, $2)
ON CONFLICT (actor_id, root_id) DO NOTHING

-- name: unmute_conversation
DELETE FROM conversation_mutes WHERE actor_id = $1 AND root_id = $2
