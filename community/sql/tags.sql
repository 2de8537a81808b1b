-- Followed hashtags (community/tags.py).

-- name: insert_followed_tag
INSERT INTO followed_tags (actor_id, name) VALUES ($1, $2)
ON CONFLICT (actor_id, name) DO NOTHING

-- name: delete_followed_tag
DELETE FROM followed_tags WHERE actor_id = $1 AND name = $2

-- name: follows_tag
SELECT EXISTS (SELECT 1 FROM followed_tags WHERE actor_id = $1 AND name = $2)

-- name: list_followed_tags
-- $1 person; keyset on followed_tags.id: $2 after, $3 before, $4 limit, $5 oldest first
SELECT id, name FROM followed_tags WHERE actor_id = $1 AND id > $2 AND id < $3
ORDER BY CASE WHEN $5 THEN id END ASC, id DESC
LIMIT $4
