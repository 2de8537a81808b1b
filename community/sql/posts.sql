-- Posts and comments, the groups that shared them, votes, bans, reports, tombstones.

-- name: insert_post
INSERT INTO posts (uri, type, author_id, group_id, in_reply_to_uri, root_id, url, title,
                   content_html, summary, sensitive, language, visibility, local, raw,
                   published)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
ON CONFLICT (uri) DO NOTHING
RETURNING *

-- name: set_own_root
UPDATE posts SET root_id = id WHERE id = $1 AND root_id IS NULL

-- name: get_post_by_uri
SELECT * FROM posts WHERE uri = $1

-- name: get_post_by_id
SELECT * FROM posts WHERE id = $1

-- name: update_post_content
-- $7: an edit (a new version: ``updated`` becomes $8); else new poll counts alone
UPDATE posts SET title = $2, content_html = $3, summary = $4, sensitive = $5, raw = $6,
                 updated = CASE WHEN $7 THEN coalesce($8, now()) ELSE updated END
WHERE id = $1 AND deleted_at IS NULL
RETURNING *

-- name: insert_post_edit
-- The version an edit replaces, with the attachments it had, since when it stood.
INSERT INTO post_edits (post_id, title, content_html, summary, sensitive, raw, media_ids,
                        created_at)
SELECT p.id, p.title, p.content_html, p.summary, p.sensitive, p.raw,
       coalesce((SELECT array_agg(m.id ORDER BY m.position, m.id) FROM media_attachments m
                 WHERE m.post_id = p.id), '{}'),
       coalesce(p.updated, p.published)
FROM posts p WHERE p.id = $1

-- name: mark_post_deleted
-- The author's deletion (also of a post a moderator had removed: its content goes now).
UPDATE posts SET deleted_at = now(), content_html = '', title = '', summary = NULL,
                 removed_at = NULL
WHERE id = $1 AND (deleted_at IS NULL OR removed_at IS NOT NULL)
RETURNING *

-- name: insert_tombstone
INSERT INTO tombstones (uri, deleted_by) VALUES ($1, $2) ON CONFLICT (uri) DO NOTHING

-- name: is_tombstoned
SELECT EXISTS (SELECT 1 FROM tombstones WHERE uri = $1)

-- name: record_share
INSERT INTO group_shares (post_id, group_id, announce_uri) VALUES ($1, $2, $3)
ON CONFLICT (post_id, group_id) DO NOTHING
RETURNING id

-- name: remove_share
DELETE FROM group_shares WHERE group_id = $1 AND (announce_uri = $2 OR post_id = $3)

-- name: upsert_vote
INSERT INTO votes (actor_id, post_id, kind, activity_uri) VALUES ($1, $2, $3, $4)
ON CONFLICT (actor_id, post_id) DO UPDATE
    SET kind = EXCLUDED.kind, activity_uri = EXCLUDED.activity_uri, created_at = now()
RETURNING id

-- name: delete_vote_by_activity
DELETE FROM votes WHERE activity_uri = $1 AND actor_id = $2 RETURNING post_id

-- name: get_vote_by_activity
SELECT * FROM votes WHERE activity_uri = $1

-- name: group_recent_threads
SELECT p.*, a.username AS author_username, a.domain AS author_domain, a.name AS author_name,
       (SELECT count(*) FROM posts c WHERE c.root_id = p.id AND c.id <> p.id
            AND c.deleted_at IS NULL) AS replies
FROM posts p JOIN actors a ON a.id = p.author_id
WHERE p.group_id = $1 AND p.in_reply_to_uri IS NULL AND p.deleted_at IS NULL
  AND p.visibility IN ('public', 'unlisted')
ORDER BY p.id DESC LIMIT $2

-- name: pinned_posts
SELECT raw FROM posts WHERE group_id = $1 AND pinned AND deleted_at IS NULL ORDER BY id DESC

-- name: set_pinned
UPDATE posts SET pinned = $2 WHERE uri = $1 AND group_id = $3

-- name: insert_ban
INSERT INTO group_bans (group_id, actor_id, reason, expires_at, activity_uri)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (group_id, actor_id) DO UPDATE
    SET reason = EXCLUDED.reason, expires_at = EXCLUDED.expires_at,
        activity_uri = EXCLUDED.activity_uri

-- name: delete_ban
DELETE FROM group_bans WHERE group_id = $1 AND actor_id = $2

-- name: is_banned
SELECT EXISTS (SELECT 1 FROM group_bans WHERE group_id = $1 AND actor_id = $2
               AND (expires_at IS NULL OR expires_at > now()))

-- name: get_share_by_announce
SELECT * FROM group_shares WHERE announce_uri = $1

-- name: get_ban_by_activity
SELECT * FROM group_bans WHERE activity_uri = $1

-- name: remember_create
UPDATE posts SET create_uri = $2 WHERE id = $1 AND create_uri IS NULL

-- name: attach_to_group
-- $3: the group is private (its posts are for its members only)
UPDATE posts SET group_id = $2, visibility = CASE WHEN $3 THEN 'members' ELSE visibility END
WHERE id = $1 AND group_id IS NULL RETURNING *

-- name: get_vote_of
SELECT * FROM votes WHERE actor_id = $1 AND post_id = $2

-- name: delete_vote_of
DELETE FROM votes WHERE actor_id = $1 AND post_id = $2

-- name: get_share_of
SELECT * FROM group_shares WHERE post_id = $1 AND group_id = $2

-- name: delete_share_of
DELETE FROM group_shares WHERE post_id = $1 AND group_id = $2 RETURNING id

-- name: get_posts_by_ids
SELECT * FROM posts WHERE id = ANY($1)

-- name: get_post_by_uri_or_url
SELECT * FROM posts WHERE (uri = $1 OR url = $1) AND deleted_at IS NULL LIMIT 1

-- name: lock_post
-- Post $1, its row locked until the transaction ends (a reply waiting for its thread and the
-- thread joining its group take turns: inbox/handlers/create.py).
SELECT * FROM posts WHERE id = $1 FOR UPDATE

-- name: waiting_replies
-- Our own replies to post $1 that the group has not taken in yet, whose Create was handled
-- (they wait for their thread: inbox/handlers/create.py), oldest first.
SELECT * FROM posts
WHERE in_reply_to_uri = $1 AND group_id IS NULL AND local AND deleted_at IS NULL
  AND create_uri IS NOT NULL
ORDER BY id
