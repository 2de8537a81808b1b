-- Local and remote actors and their keys.

-- name: insert_local_actor
INSERT INTO actors (uri, type, username, domain, local, name, summary, url,
                    inbox_uri, shared_inbox_uri, outbox_uri, followers_uri, following_uri,
                    featured_uri, moderators_uri, manually_approves_followers, posting_policy,
                    community_visibility)
VALUES ($1, $2, $3, $4, true, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
ON CONFLICT DO NOTHING
RETURNING *

-- name: insert_key
INSERT INTO actor_keys (key_id, actor_id, public_key_pem, private_key_pem)
VALUES ($1, $2, $3, $4)

-- name: get_local_actor_by_name
SELECT * FROM actors WHERE local AND type <> 'Application' AND lower(username) = lower($1)

-- name: get_instance_actor
SELECT * FROM actors WHERE local AND type = 'Application'

-- name: get_actor_by_uri
SELECT * FROM actors WHERE uri = $1

-- name: get_actor_by_id
SELECT * FROM actors WHERE id = $1

-- name: get_keys_of_actor
SELECT * FROM actor_keys WHERE actor_id = $1 ORDER BY created_at

-- name: get_key
SELECT k.*, a.uri AS owner_uri FROM actor_keys k JOIN actors a ON a.id = k.actor_id
WHERE k.key_id = $1

-- name: list_local_actors
SELECT a.*, u.state AS user_state
FROM actors a LEFT JOIN users u ON u.actor_id = a.id
WHERE a.local AND a.type = $1
ORDER BY lower(a.username)

-- name: insert_user
INSERT INTO users (actor_id, password_hash, state, is_admin) VALUES ($1, $2, $3, $4)

-- name: count_users
SELECT count(*) AS total,
       count(*) FILTER (WHERE last_active_at > now() - interval '30 days') AS active_month,
       count(*) FILTER (WHERE last_active_at > now() - interval '180 days') AS active_halfyear
FROM users WHERE state = 'active'

-- name: get_actor_by_uri_or_url
SELECT * FROM actors WHERE uri = $1 OR url = $1 LIMIT 1

-- name: count_local_content
SELECT (SELECT count(*) FROM posts
        WHERE local AND deleted_at IS NULL AND visibility <> 'members') AS posts,
       (SELECT count(*) FROM actors WHERE local AND type = 'Group') AS groups

-- name: get_activity_by_uri
SELECT * FROM activities WHERE uri = $1

-- name: find_group_boost
SELECT * FROM activities
WHERE actor_id = $1 AND object_uri = $2 AND type = 'Announce' AND form = 'boost'
ORDER BY id DESC LIMIT 1

-- name: find_group_announce_of
SELECT EXISTS (SELECT 1 FROM activities
               WHERE actor_id = $1 AND object_uri = $2 AND type = 'Announce')

-- name: get_user_by_name
SELECT u.*, a.username FROM users u JOIN actors a ON a.id = u.actor_id
WHERE a.local AND lower(a.username) = lower($1)

-- name: insert_user_with_reason
INSERT INTO users (actor_id, password_hash, state, is_admin, sign_up_reason)
VALUES ($1, $2, $3, false, $4)

-- name: set_user_state
UPDATE users SET state = $2 WHERE actor_id = $1 RETURNING state

-- name: set_password_hash
UPDATE users SET password_hash = $2 WHERE actor_id = $1

-- name: latest_activity_of
SELECT uri FROM activities WHERE actor_id = $1 ORDER BY id DESC LIMIT 1

-- name: any_local_actor
SELECT EXISTS (SELECT 1 FROM actors WHERE uri = ANY($1) AND local)

-- name: also_known_as_of
SELECT also_known_as FROM actors WHERE uri = $1

-- name: user_is_admin
SELECT coalesce((SELECT is_admin FROM users WHERE actor_id = $1 AND state = 'active'), false)
