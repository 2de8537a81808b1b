-- What the moderators' pages and the public moderation log page read (web pages only).

-- name: moderation_counts
-- What waits for group $1's moderators, and how many they are.
SELECT (SELECT count(*) FROM governance_proposals g
        WHERE g.group_id = $1 AND g.state = 'open' AND g.expires_at > now()) AS proposals,
       (SELECT count(*) FROM held_posts h WHERE h.group_id = $1) AS held,
       (SELECT count(*) FROM reports r WHERE r.group_id = $1 AND r.state = 'open') AS reports,
       (SELECT count(*) FROM group_bans b
        WHERE b.group_id = $1 AND (b.expires_at IS NULL OR b.expires_at > now())) AS bans,
       (SELECT count(*) FROM group_moderators m WHERE m.group_id = $1) AS moderators,
       (SELECT count(*) FROM follows f WHERE f.followee_id = $1 AND f.state = 'pending')
         AS requests

-- name: modlog_lines
-- Group $1's log, newest first, before entry $2, of kinds $3 (all when NULL), $4 entries;
-- with who acted (a moderator, or the instance actor for an admin's act) and, for proposals,
-- votes and the acts proposals carried out, the proposal's act (its kind and parameters).
SELECT m.id, m.kind, m.by_admin, m.reason, m.activity, m.created_at, m.proposal_id,
       a.username AS actor_username, a.domain AS actor_domain, a.name AS actor_name,
       a.local AS actor_local, a.type AS actor_type,
       g.kind AS proposal_kind, g.params AS proposal_params
FROM modlog m JOIN actors a ON a.id = m.actor_id
     LEFT JOIN governance_proposals g ON g.id = m.proposal_id
WHERE m.group_id = $1 AND m.id < $2 AND ($3::text[] IS NULL OR m.kind = ANY($3))
ORDER BY m.id DESC
LIMIT $4

-- name: logged_actors
-- The people and communities log items name, by id: their handles.
SELECT uri, username, domain, name, local FROM actors WHERE uri = ANY($1)

-- name: logged_posts
-- The posts log items name, by id: where their pages are, whether they are still shown, whether
-- threads (a comment's title is its first line: never shown on the log), whether anyone may
-- read them (a members-only thread's title is shown to no one on the public log).
SELECT id, uri, local, title, deleted_at, in_reply_to_uri IS NULL AS thread,
       visibility IN ('public', 'unlisted') AS readable
FROM posts WHERE uri = ANY($1)
