-- Follows (a group's accepted followers are its members) and moderators.

-- name: upsert_follow
INSERT INTO follows (follower_id, followee_id, state, activity_uri, accepted_at)
VALUES ($1, $2, $3, $4, CASE WHEN $3 = 'accepted' THEN now() END)
ON CONFLICT (follower_id, followee_id) DO UPDATE
    SET activity_uri = EXCLUDED.activity_uri,
        state = CASE WHEN follows.state = 'accepted' THEN 'accepted' ELSE EXCLUDED.state END,
        accepted_at = coalesce(follows.accepted_at, EXCLUDED.accepted_at)
RETURNING *

-- name: accept_follow
UPDATE follows SET state = 'accepted', accepted_at = now()
WHERE id = $1 AND state = 'pending' RETURNING *

-- name: delete_follow
DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2 RETURNING *

-- name: get_follow
SELECT * FROM follows WHERE follower_id = $1 AND followee_id = $2

-- name: get_follow_by_activity
SELECT * FROM follows WHERE activity_uri = $1

-- name: pending_follows
SELECT f.id, f.activity_uri, f.created_at, a.id AS actor_id, a.uri, a.username, a.domain,
       a.name, a.local
FROM follows f JOIN actors a ON a.id = f.follower_id
WHERE f.followee_id = $1 AND f.state = 'pending'
ORDER BY f.id

-- name: is_member
SELECT EXISTS (SELECT 1 FROM follows WHERE followee_id = $1 AND follower_id = $2
               AND state = 'accepted')

-- name: is_moderator
SELECT EXISTS (SELECT 1 FROM group_moderators WHERE group_id = $1 AND actor_id = $2)

-- name: move_follows
-- Account migration: the new actor takes over the old one's follows it does not have yet.
UPDATE follows SET follower_id = $2
WHERE follower_id = $1
  AND followee_id NOT IN (SELECT followee_id FROM follows WHERE follower_id = $2)

-- name: delete_follows_of_actor
DELETE FROM follows WHERE follower_id = $1 OR followee_id = $1

-- name: followed_by_local
-- Whether one of our actors follows $1 (what it sends concerns someone here).
SELECT EXISTS (SELECT 1 FROM follows f JOIN actors a ON a.id = f.follower_id
               WHERE f.followee_id = $1 AND f.state = 'accepted' AND a.local)

-- name: ban_reason
-- The reason of a ban of $2 from $1 that is in force (NULL: none).
SELECT reason FROM group_bans WHERE group_id = $1 AND actor_id = $2
  AND (expires_at IS NULL OR expires_at > now())

-- name: moderated_here
-- Whether one of our people moderates $1 (a group elsewhere: what it sends concerns them).
SELECT EXISTS (SELECT 1 FROM group_moderators m JOIN actors a ON a.id = m.actor_id
               WHERE m.group_id = $1 AND a.local)

-- name: get_group_by_collection
SELECT * FROM actors WHERE type = 'Group' AND (featured_uri = $1 OR moderators_uri = $1)
LIMIT 1
