-- What the web pages read besides threads: communities here, a viewer's standing in a group,
-- the moderators, an actor by handle, a person's notifications.

-- name: local_communities
-- The communities here, unlisted ones left out (community/audience.py group_visibility; a
-- private one's profile is public, as Lemmy's, so people can ask to join), biggest first,
-- with the time of their latest activity.
SELECT a.id, a.username, a.domain, a.name, a.summary, a.local, a.followers_count,
       a.manually_approves_followers,
       (SELECT max(p.last_activity_at) FROM posts p
        WHERE p.group_id = a.id AND p.in_reply_to_uri IS NULL AND p.deleted_at IS NULL
          AND NOT p.pinned) AS last_activity_at
FROM actors a
WHERE a.local AND a.type = 'Group' AND a.deleted_at IS NULL
  AND a.community_visibility <> 'unlisted'
ORDER BY a.followers_count DESC, lower(a.username)
LIMIT $1

-- name: viewer_standing
-- $1 group, $2 viewer: their follow's state, whether they moderate it, whether banned, whether
-- they administer this server.
SELECT (SELECT f.state FROM follows f WHERE f.follower_id = $2 AND f.followee_id = $1)
           AS follow_state,
       EXISTS (SELECT 1 FROM group_moderators m WHERE m.group_id = $1 AND m.actor_id = $2)
           AS moderator,
       EXISTS (SELECT 1 FROM group_bans b WHERE b.group_id = $1 AND b.actor_id = $2
               AND (b.expires_at IS NULL OR b.expires_at > now())) AS banned,
       coalesce((SELECT u.is_admin FROM users u WHERE u.actor_id = $2 AND u.state = 'active'),
                false) AS admin

-- name: actor_by_handle
-- A person or group by name and host (ours or known from elsewhere).
SELECT * FROM actors
WHERE lower(username) = lower($1) AND lower(domain) = lower($2) AND type <> 'Application'
  AND deleted_at IS NULL
ORDER BY local DESC, fetched_at DESC NULLS LAST
LIMIT 1

-- name: notifications_page
-- Person $1's notifications before id $2, newest first, with who and which post; $3 limit.
SELECT n.id, n.kind, n.created_at,
       a.username AS from_username, a.domain AS from_domain, a.name AS from_name,
       a.local AS from_local,
       p.id AS post_id, p.uri AS post_uri, p.local AS post_local, p.title AS post_title,
       p.content_html AS post_content_html
FROM notifications n
JOIN actors a ON a.id = n.from_actor_id
LEFT JOIN posts p ON p.id = n.post_id
WHERE n.recipient_id = $1 AND n.dismissed_at IS NULL AND n.id < $2
  AND (p.id IS NULL OR p.deleted_at IS NULL)
ORDER BY n.id DESC
LIMIT $3

-- name: actors_by_ids
SELECT * FROM actors WHERE id = ANY($1) AND type <> 'Application' AND deleted_at IS NULL
