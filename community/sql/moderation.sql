-- What moderation does to posts (remove, restore, lock), posts held for approval, reports,
-- bans as moderators list them.

-- name: mark_post_removed
-- A moderator's removal: hidden like a deletion, its content kept so it can be restored.
UPDATE posts SET deleted_at = now(), removed_at = now(), removal_reason = $2
WHERE id = $1 AND deleted_at IS NULL
RETURNING *

-- name: unmark_post_removed
UPDATE posts SET deleted_at = NULL, removed_at = NULL, removal_reason = ''
WHERE id = $1 AND removed_at IS NOT NULL
RETURNING *

-- name: set_locked
UPDATE posts SET locked = $2 WHERE id = $1 RETURNING *

-- name: thread_locked
-- Whether $1 (a post) or the top of its thread is locked.
SELECT EXISTS (SELECT 1 FROM posts p LEFT JOIN posts r ON r.id = p.root_id
               WHERE p.uri = $1 AND (p.locked OR coalesce(r.locked, false)))

-- name: live_threads_of_author
-- An author's top-level posts in a group, not deleted (what a ban with removeData removes).
SELECT * FROM posts
WHERE group_id = $1 AND author_id = $2 AND deleted_at IS NULL
ORDER BY id

-- name: count_posts_in_group
-- How many posts and comments an author has in a group (pre-moderation of newcomers).
SELECT count(*) FROM posts WHERE group_id = $1 AND author_id = $2 AND removed_at IS NULL

-- name: last_logged_act
-- The newest log entry of a kind about an object (the removal a restore undoes…).
SELECT activity FROM modlog
WHERE group_id = $1 AND kind = $2
  AND (activity ->> 'object' = $3 OR activity -> 'object' ->> 'id' = $3)
ORDER BY id DESC LIMIT 1

-- name: hold_post
INSERT INTO held_posts (group_id, author_id, object_uri, activity_uri, activity_body, object)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (group_id, object_uri) DO NOTHING

-- name: get_held_post
SELECT * FROM held_posts WHERE group_id = $1 AND object_uri = $2

-- name: get_held_post_by_id
SELECT * FROM held_posts WHERE group_id = $1 AND id = $2

-- name: release_held_post
DELETE FROM held_posts WHERE id = $1 RETURNING id

-- name: list_held_posts
SELECT h.*, a.uri AS author_uri, a.username AS author_username, a.domain AS author_domain
FROM held_posts h JOIN actors a ON a.id = h.author_id
WHERE h.group_id = $1
ORDER BY h.id LIMIT $2

-- name: file_report
INSERT INTO reports (activity_uri, reporter_id, group_id, target_uris, content)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (activity_uri) DO NOTHING
RETURNING *

-- name: get_report
SELECT * FROM reports WHERE id = $1

-- name: list_reports
-- A group's reports, with who filed them (for its moderators' eyes only).
SELECT r.*, a.uri AS reporter_uri, a.username AS reporter_username,
       a.domain AS reporter_domain
FROM reports r LEFT JOIN actors a ON a.id = r.reporter_id
WHERE r.group_id = $1 AND ($2 OR r.state = 'open')
ORDER BY r.id DESC LIMIT $3

-- name: resolve_report
UPDATE reports SET state = 'resolved', resolved_by = $2, resolved_at = now()
WHERE id = $1 AND state = 'open'
RETURNING *

-- name: notify_report
-- A report notification for a person here ($1), from the reporter, about a post if any.
INSERT INTO notifications (recipient_id, kind, from_actor_id, post_id, report_id)
SELECT $1::bigint, 'admin.report', $2::bigint, $3::bigint, $4::bigint
WHERE EXISTS (SELECT 1 FROM users WHERE actor_id = $1::bigint)
ON CONFLICT (recipient_id, kind, from_actor_id, (coalesce(post_id, 0))) DO NOTHING

-- name: list_bans
SELECT b.*, a.uri AS person_uri, a.username, a.domain
FROM group_bans b JOIN actors a ON a.id = b.actor_id
WHERE b.group_id = $1 AND (b.expires_at IS NULL OR b.expires_at > now())
ORDER BY b.created_at DESC

-- name: get_ban
SELECT * FROM group_bans WHERE group_id = $1 AND actor_id = $2
  AND (expires_at IS NULL OR expires_at > now())

-- name: software_of_domain
SELECT software_name FROM instances WHERE domain = $1

-- name: held_posts_by_uri
-- Where a post waits, by its id or its page (a moderator names it by either).
SELECT h.* FROM held_posts h
WHERE h.object_uri = $1 OR h.object ->> 'url' = $1
ORDER BY h.id

-- name: get_post_for_moderation
-- A post by its id or its page, removed or not (a moderator may restore it).
SELECT * FROM posts WHERE uri = $1 OR url = $1 ORDER BY uri = $1 DESC LIMIT 1
