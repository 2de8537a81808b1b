-- Bookmarks and the favourites list (community/bookmarks.py).

-- name: insert_bookmark
INSERT INTO bookmarks (actor_id, post_id) VALUES ($1, $2)
ON CONFLICT (actor_id, post_id) DO NOTHING

-- name: delete_bookmark
DELETE FROM bookmarks WHERE actor_id = $1 AND post_id = $2

-- name: list_bookmarks
-- $1 person; keyset on bookmarks.id: $2 after, $3 before, $4 limit, $5 oldest first
SELECT b.id AS cursor, b.post_id
FROM bookmarks b JOIN posts p ON p.id = b.post_id
WHERE b.actor_id = $1 AND p.deleted_at IS NULL AND b.id > $2 AND b.id < $3
  AND NOT hides($1, p.author_id)
ORDER BY CASE WHEN $5 THEN b.id END ASC, b.id DESC
LIMIT $4

-- name: list_favourites
-- $1 person; keyset on votes.id: $2 after, $3 before, $4 limit, $5 oldest first
SELECT v.id AS cursor, v.post_id
FROM votes v JOIN posts p ON p.id = v.post_id
WHERE v.actor_id = $1 AND v.kind = 'Like' AND p.deleted_at IS NULL
  AND v.id > $2 AND v.id < $3 AND NOT hides($1, p.author_id)
ORDER BY CASE WHEN $5 THEN v.id END ASC, v.id DESC
LIMIT $4
