-- Bridges: one of our communities follows another and carries its posts (issue 17).

-- name: upsert_bridge
INSERT INTO bridges (group_id, source_id, filter, words, muted) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (group_id, source_id) DO UPDATE
    SET filter = EXCLUDED.filter, words = EXCLUDED.words, muted = EXCLUDED.muted
RETURNING *

-- name: delete_bridge
DELETE FROM bridges WHERE group_id = $1 AND source_id = $2 RETURNING *

-- name: get_bridge
SELECT * FROM bridges WHERE group_id = $1 AND source_id = $2

-- name: bridges_of_group
-- A community's bridges: the source, the follow's state, what crossed.
SELECT b.*, s.uri AS source_uri, s.username AS source_username, s.domain AS source_domain,
       coalesce(f.state, 'none') AS follow_state,
       (SELECT count(*) FROM bridged_posts c
        WHERE c.group_id = b.group_id AND c.source_id = b.source_id) AS carried
FROM bridges b
JOIN actors s ON s.id = b.source_id
LEFT JOIN follows f ON f.follower_id = b.group_id AND f.followee_id = b.source_id
WHERE b.group_id = $1
ORDER BY b.created_at, s.uri

-- name: groups_bridging_into
-- The communities (of any server) that follow $1: each one's bridge into it.
SELECT a.*, f.state AS follow_state FROM follows f JOIN actors a ON a.id = f.follower_id
WHERE f.followee_id = $1 AND a.type = 'Group'
ORDER BY a.uri

-- name: bridging_groups
-- Our communities whose bridge from $1 is open (the source accepted their follow).
SELECT a.*, b.filter, b.words, b.muted FROM bridges b
JOIN actors a ON a.id = b.group_id
JOIN follows f ON f.follower_id = b.group_id AND f.followee_id = b.source_id
WHERE b.source_id = $1 AND f.state = 'accepted' AND a.local AND a.deleted_at IS NULL
ORDER BY a.id

-- name: bridges_into_ours
-- Whether the community $1 follows one of ours (its bridge from it is accepted).
SELECT EXISTS (SELECT 1 FROM follows f JOIN actors g ON g.id = f.followee_id
               WHERE f.follower_id = $1 AND f.state = 'accepted' AND g.local
                 AND g.type = 'Group')

-- name: follows_ours
-- Whether the community $1 follows our community $2 (accepted).
SELECT EXISTS (SELECT 1 FROM follows WHERE follower_id = $1 AND followee_id = $2
               AND state = 'accepted')

-- name: record_carried
INSERT INTO bridged_posts (group_id, post_id, source_id) VALUES ($1, $2, $3)
ON CONFLICT (group_id, post_id) DO NOTHING
RETURNING *

-- name: get_carried
SELECT * FROM bridged_posts WHERE group_id = $1 AND post_id = $2

-- name: carriers_of_post
-- Our communities that carried $1 over a bridge and still show it.
SELECT a.*, c.source_id FROM bridged_posts c JOIN actors a ON a.id = c.group_id
WHERE c.post_id = $1 AND c.withdrawn_at IS NULL AND a.local
ORDER BY a.id

-- name: withdraw_carried
UPDATE bridged_posts SET withdrawn_at = now()
WHERE group_id = $1 AND post_id = $2 AND withdrawn_at IS NULL
RETURNING *

-- name: restore_carried
UPDATE bridged_posts SET withdrawn_at = NULL WHERE group_id = $1 AND post_id = $2 RETURNING *
