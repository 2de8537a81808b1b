-- The history of edited posts.

-- name: post_versions
SELECT * FROM post_edits WHERE post_id = $1 ORDER BY id
