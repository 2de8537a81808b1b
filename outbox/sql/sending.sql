-- Activities of our own actors for local recipients: queued as if they had arrived.

-- name: enqueue_local_item
INSERT INTO inbox_items (activity_uri, activity_type, actor_uri, body, verified_by)
VALUES ($1, $2, $3, $4, 'local')
ON CONFLICT (activity_uri) DO NOTHING

-- name: has_local_followers
SELECT EXISTS (SELECT 1 FROM follows f JOIN actors a ON a.id = f.follower_id
               WHERE f.followee_id = $1 AND f.state = 'accepted' AND a.local)
