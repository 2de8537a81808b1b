-- Who may see members-only posts (community/audience.py).

-- name: group_has_member_on
-- Whether group $1 has an accepted member, not banned, on the server at domain $2.
SELECT EXISTS (SELECT 1 FROM follows f JOIN actors a ON a.id = f.follower_id
               WHERE f.followee_id = $1 AND f.state = 'accepted' AND a.domain = $2
                 AND NOT EXISTS (SELECT 1 FROM group_bans b
                                 WHERE b.group_id = $1 AND b.actor_id = a.id
                                   AND (b.expires_at IS NULL OR b.expires_at > now())))

-- name: set_group_visibility
-- A local group's visibility $2 (a private group is closed, 0014's constraint).
UPDATE actors
SET community_visibility = $2,
    manually_approves_followers = manually_approves_followers OR $2 = 'private',
    updated = now()
WHERE id = $1 AND local AND type = 'Group'
RETURNING *

-- name: posts_become_members_only
-- A group going private: its posts, the replies under them, and our own activities that
-- carried them, are for its members only from now on.
WITH moved AS (
    UPDATE posts p SET visibility = 'members'
    WHERE (p.group_id = $1
           OR p.root_id IN (SELECT r.id FROM posts r WHERE r.group_id = $1))
      AND p.visibility <> 'members'
    RETURNING p.uri
)
UPDATE activities t SET public = false
FROM moved m
WHERE t.object_uri = m.uri AND t.public

-- name: posts_become_unlisted
UPDATE posts SET visibility = 'unlisted' WHERE group_id = $1 AND visibility = 'public'

-- name: group_activities_unlisted
-- A group going private: none of its own activities (its announces) is listed any more.
UPDATE activities SET public = false WHERE actor_id = $1 AND public

-- name: member_inboxes
-- The remote accepted members of group $1 not banned from it: their server, its software
-- (NodeInfo, as last fetched), and the inbox we deliver to (shared preferred).
SELECT a.domain, coalesce(a.shared_inbox_uri, a.inbox_uri) AS inbox_uri,
       i.software_name, i.software_version, count(*) AS members
FROM follows f JOIN actors a ON a.id = f.follower_id
LEFT JOIN instances i ON i.domain = a.domain
WHERE f.followee_id = $1 AND f.state = 'accepted' AND NOT a.local
  AND NOT EXISTS (SELECT 1 FROM group_bans b
                  WHERE b.group_id = $1 AND b.actor_id = a.id
                    AND (b.expires_at IS NULL OR b.expires_at > now()))
GROUP BY a.domain, coalesce(a.shared_inbox_uri, a.inbox_uri), i.software_name, i.software_version
ORDER BY a.domain

-- name: post_visibility_and_group
SELECT visibility, group_id FROM posts WHERE uri = $1
