-- Collections served with keyset pagination: a page is "items older than max_id" (newest
-- first) or "items newer than min_id"; never OFFSET, so page 50,000 costs what page 1 costs.

-- name: count_followers
SELECT followers_count FROM actors WHERE id = $1

-- name: followers_before
SELECT f.id AS cursor, a.uri AS item
FROM follows f JOIN actors a ON a.id = f.follower_id
WHERE f.followee_id = $1 AND f.state = 'accepted' AND f.id < $2
ORDER BY f.id DESC LIMIT $3

-- name: followers_after
SELECT f.id AS cursor, a.uri AS item
FROM follows f JOIN actors a ON a.id = f.follower_id
WHERE f.followee_id = $1 AND f.state = 'accepted' AND f.id > $2
ORDER BY f.id ASC LIMIT $3

-- name: count_following
SELECT following_count FROM actors WHERE id = $1

-- name: following_before
SELECT f.id AS cursor, a.uri AS item
FROM follows f JOIN actors a ON a.id = f.followee_id
WHERE f.follower_id = $1 AND f.state = 'accepted' AND f.id < $2
ORDER BY f.id DESC LIMIT $3

-- name: following_after
SELECT f.id AS cursor, a.uri AS item
FROM follows f JOIN actors a ON a.id = f.followee_id
WHERE f.follower_id = $1 AND f.state = 'accepted' AND f.id > $2
ORDER BY f.id ASC LIMIT $3

-- name: count_outbox
SELECT outbox_count FROM actors WHERE id = $1

-- name: outbox_before
SELECT id AS cursor, body AS item FROM activities
WHERE actor_id = $1 AND public AND id < $2
ORDER BY id DESC LIMIT $3

-- name: outbox_after
SELECT id AS cursor, body AS item FROM activities
WHERE actor_id = $1 AND public AND id > $2
ORDER BY id ASC LIMIT $3

-- name: list_moderators
SELECT a.uri FROM group_moderators m JOIN actors a ON a.id = m.actor_id
WHERE m.group_id = $1
ORDER BY m.created_at, a.id
