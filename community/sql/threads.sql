-- What the web pages read of threads: a community's threads by keyset, one thread's comments,
-- a post with its author; counters come from the columns the triggers of 0013 keep.

-- name: threads_new
-- $1 group, $2 members-only posts shown, $3 before this id, $4 limit
SELECT p.id, p.uri, p.local, p.title, p.published, p.updated, p.pinned, p.visibility,
       p.replies_count, p.last_activity_at, p.upvotes, p.downvotes, p.score,
       a.username AS author_username, a.domain AS author_domain, a.name AS author_name,
       a.local AS author_local
FROM posts p JOIN actors a ON a.id = p.author_id
WHERE p.group_id = $1 AND p.in_reply_to_uri IS NULL AND p.deleted_at IS NULL AND NOT p.pinned
  AND (p.visibility IN ('public', 'unlisted') OR $2)
  AND p.id < $3
ORDER BY p.id DESC
LIMIT $4

-- name: threads_active
-- $1 group, $2 members-only shown, ($3 time, $4 id) the cursor, $5 limit
SELECT p.id, p.uri, p.local, p.title, p.published, p.updated, p.pinned, p.visibility,
       p.replies_count, p.last_activity_at, p.upvotes, p.downvotes, p.score,
       a.username AS author_username, a.domain AS author_domain, a.name AS author_name,
       a.local AS author_local
FROM posts p JOIN actors a ON a.id = p.author_id
WHERE p.group_id = $1 AND p.in_reply_to_uri IS NULL AND p.deleted_at IS NULL AND NOT p.pinned
  AND (p.visibility IN ('public', 'unlisted') OR $2)
  AND (p.last_activity_at, p.id) < ($3::timestamptz, $4::bigint)
ORDER BY p.last_activity_at DESC, p.id DESC
LIMIT $5

-- name: threads_top
-- $1 group, $2 members-only shown, ($3 score, $4 id) the cursor, $5 limit
SELECT p.id, p.uri, p.local, p.title, p.published, p.updated, p.pinned, p.visibility,
       p.replies_count, p.last_activity_at, p.upvotes, p.downvotes, p.score,
       a.username AS author_username, a.domain AS author_domain, a.name AS author_name,
       a.local AS author_local
FROM posts p JOIN actors a ON a.id = p.author_id
WHERE p.group_id = $1 AND p.in_reply_to_uri IS NULL AND p.deleted_at IS NULL AND NOT p.pinned
  AND (p.visibility IN ('public', 'unlisted') OR $2)
  AND (p.score, p.id) < ($3::integer, $4::bigint)
ORDER BY p.score DESC, p.id DESC
LIMIT $5

-- name: threads_pinned
SELECT p.id, p.uri, p.local, p.title, p.published, p.updated, p.pinned, p.visibility,
       p.replies_count, p.last_activity_at, p.upvotes, p.downvotes, p.score,
       a.username AS author_username, a.domain AS author_domain, a.name AS author_name,
       a.local AS author_local
FROM posts p JOIN actors a ON a.id = p.author_id
WHERE p.group_id = $1 AND p.in_reply_to_uri IS NULL AND p.deleted_at IS NULL AND p.pinned
  AND (p.visibility IN ('public', 'unlisted') OR $2)
ORDER BY p.id DESC
LIMIT 20

-- name: post_with_author
-- One post (by id or by URI) as a page shows it; $3 the viewer (0: nobody).
SELECT p.id, p.uri, p.url, p.local, p.type, p.title, p.content_html, p.summary, p.visibility,
       p.published, p.updated, p.deleted_at, p.pinned, p.group_id, p.author_id, p.root_id,
       p.in_reply_to_uri, p.replies_count, p.upvotes, p.downvotes, p.score, p.locked,
       p.removed_at, p.removal_reason,
       a.username AS author_username, a.domain AS author_domain, a.name AS author_name,
       a.local AS author_local, a.uri AS author_uri,
       CASE WHEN p.deleted_at IS NOT NULL
            THEN (SELECT t.deleted_by FROM tombstones t WHERE t.uri = p.uri) END AS deleted_by,
       (SELECT v.kind FROM votes v WHERE v.actor_id = $3 AND v.post_id = p.id) AS my_vote
FROM posts p JOIN actors a ON a.id = p.author_id
WHERE p.id = $1 OR p.uri = $2
LIMIT 1

-- name: thread_comments
-- Every comment of thread $1 (oldest first), with authors, who deleted it, and the vote of
-- viewer $2 (0: nobody); at most $3. The same columns as post_with_author. The viewer's votes
-- are looked up per comment (one probe of votes' unique index each), never scanned whole.
SELECT p.id, p.uri, p.url, p.local, p.type, p.title, p.content_html, p.summary, p.visibility,
       p.published, p.updated, p.deleted_at, p.pinned, p.group_id, p.author_id, p.root_id,
       p.in_reply_to_uri, p.replies_count, p.upvotes, p.downvotes, p.score, p.locked,
       p.removed_at, p.removal_reason,
       a.username AS author_username, a.domain AS author_domain, a.name AS author_name,
       a.local AS author_local, a.uri AS author_uri,
       CASE WHEN p.deleted_at IS NOT NULL
            THEN (SELECT t.deleted_by FROM tombstones t WHERE t.uri = p.uri) END AS deleted_by,
       (SELECT v.kind FROM votes v WHERE v.actor_id = $2 AND v.post_id = p.id) AS my_vote
FROM posts p JOIN actors a ON a.id = p.author_id
WHERE p.root_id = $1 AND p.id <> $1
ORDER BY p.id
LIMIT $3

-- name: posts_by_author
-- A person's public posts and comments, newest first, before id $2; $3 limit.
SELECT p.id, p.uri, p.local, p.title, p.published, p.updated, p.in_reply_to_uri,
       p.replies_count, p.score, p.content_html,
       g.username AS group_username, g.domain AS group_domain, g.name AS group_name,
       g.local AS group_local
FROM posts p LEFT JOIN actors g ON g.id = p.group_id
WHERE p.author_id = $1 AND p.deleted_at IS NULL AND p.visibility IN ('public', 'unlisted')
  AND (g.id IS NULL OR NOT g.manually_approves_followers)
  AND p.id < $2
ORDER BY p.id DESC
LIMIT $3

-- name: feed_threads
-- A community's newest public threads, with content, for its Atom feed.
SELECT p.id, p.uri, p.url, p.local, p.title, p.content_html, p.published, p.updated,
       a.username AS author_username, a.domain AS author_domain, a.name AS author_name,
       a.uri AS author_uri, a.url AS author_url, a.local AS author_local
FROM posts p JOIN actors a ON a.id = p.author_id
WHERE p.group_id = $1 AND p.in_reply_to_uri IS NULL AND p.deleted_at IS NULL
  AND p.visibility IN ('public', 'unlisted')
ORDER BY p.id DESC
LIMIT $2
