-- What the client API shows of posts and accounts: counts and the viewer's relations.

-- name: posts_with_stats
-- $1 post ids, $2 viewer id (0: nobody)
SELECT p.*, parent.id AS parent_id, parent.author_id AS parent_author_id,
       (SELECT count(*) FROM posts c WHERE c.in_reply_to_uri = p.uri
            AND c.deleted_at IS NULL) AS replies_count,
       (SELECT count(*) FROM group_shares s WHERE s.post_id = p.id) AS reblogs_count,
       (SELECT count(*) FROM votes v WHERE v.post_id = p.id AND v.kind = 'Like')
           AS favourites_count,
       EXISTS (SELECT 1 FROM votes v WHERE v.post_id = p.id AND v.actor_id = $2
               AND v.kind = 'Like') AS favourited,
       EXISTS (SELECT 1 FROM group_shares s WHERE s.post_id = p.id AND s.group_id = $2)
           AS reblogged,
       EXISTS (SELECT 1 FROM bookmarks b WHERE b.post_id = p.id AND b.actor_id = $2)
           AS bookmarked,
       EXISTS (SELECT 1 FROM conversation_mutes cm WHERE cm.actor_id = $2
               AND cm.root_id = coalesce(p.root_id, p.id)) AS muted
FROM posts p LEFT JOIN posts parent ON parent.uri = p.in_reply_to_uri
WHERE p.id = ANY($1)

-- name: actors_with_counts
-- (followers_count and following_count are counters kept on actors by triggers)
SELECT a.*,
       CASE WHEN a.type = 'Group'
            THEN (SELECT count(*) FROM group_shares s WHERE s.group_id = a.id)
            ELSE (SELECT count(*) FROM posts p WHERE p.author_id = a.id
                      AND p.deleted_at IS NULL) END AS statuses_count,
       (SELECT max(p.published) FROM posts p WHERE p.author_id = a.id) AS last_status_at,
       u.state AS user_state, u.is_admin
FROM actors a LEFT JOIN users u ON u.actor_id = a.id
WHERE a.id = ANY($1)

-- name: actor_ids_by_uri
SELECT id, uri FROM actors WHERE uri = ANY($1)

-- name: relationships
-- $1 viewer id, $2 account ids
SELECT a.id,
       fo.state AS following_state,
       fb.state AS followed_by_state,
       EXISTS (SELECT 1 FROM blocks b WHERE b.actor_id = $1 AND b.target_id = a.id) AS blocking,
       EXISTS (SELECT 1 FROM blocks b WHERE b.actor_id = a.id AND b.target_id = $1)
           AS blocked_by,
       m.actor_id IS NOT NULL AS muting,
       coalesce(m.hide_notifications, false) AS muting_notifications,
       EXISTS (SELECT 1 FROM account_domain_blocks d
               WHERE d.actor_id = $1 AND d.domain = lower(a.domain) AND NOT a.local)
           AS domain_blocking
FROM actors a
LEFT JOIN follows fo ON fo.follower_id = $1 AND fo.followee_id = a.id
LEFT JOIN follows fb ON fb.follower_id = a.id AND fb.followee_id = $1
LEFT JOIN mutes m ON m.actor_id = $1 AND m.target_id = a.id
                 AND (m.expires_at IS NULL OR m.expires_at > now())
WHERE a.id = ANY($2)

-- name: follow_list
-- The accounts that follow ($2 = true: that are followed by) account $1; keyset on follows.id.
-- $3 after, $4 before, $5 limit, $6 oldest first
SELECT f.id AS cursor,
       CASE WHEN $2 THEN f.followee_id ELSE f.follower_id END AS actor_id
FROM follows f
WHERE f.state = 'accepted' AND f.id > $3 AND f.id < $4
  AND ((NOT $2 AND f.followee_id = $1) OR ($2 AND f.follower_id = $1))
ORDER BY CASE WHEN $6 THEN f.id END ASC, f.id DESC
LIMIT $5

-- name: search_actors
-- By name or handle prefix, local first; $2 limit, $3 only those viewer $4 follows.
-- Unlisted communities (community/audience.py group_visibility) are found by their exact
-- handle only.
SELECT a.id FROM actors a
WHERE a.type IN ('Person', 'Group', 'Service', 'Organization') AND a.deleted_at IS NULL
  AND (lower(a.username) LIKE $1 || '%' OR lower(a.name) LIKE $1 || '%'
       OR lower(a.username || '@' || a.domain) LIKE $1 || '%')
  AND (a.type <> 'Group' OR a.community_visibility <> 'unlisted'
       OR lower(a.username || '@' || a.domain) = replace($1, '\_', '_'))
  AND (NOT $3 OR EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = $4
                         AND f.followee_id = a.id))
ORDER BY a.local DESC, a.id
LIMIT $2

-- name: followed_groups
SELECT a.id, a.name, a.username, a.domain FROM follows f JOIN actors a ON a.id = f.followee_id
WHERE f.follower_id = $1 AND f.state = 'accepted' AND a.type = 'Group'
ORDER BY lower(a.username)

-- name: update_profile
UPDATE actors SET name = coalesce($2, name), summary = coalesce($3, summary),
                  manually_approves_followers = coalesce($4, manually_approves_followers),
                  discoverable = coalesce($5, discoverable), updated = now()
WHERE id = $1 AND local
RETURNING *

-- name: pending_follower_ids
SELECT follower_id FROM follows WHERE followee_id = $1 AND state = 'pending' ORDER BY id DESC
LIMIT $2
