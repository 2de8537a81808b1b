-- Timelines as entries (entry id, post id, sharer id): a post, or a share of it shown as a
-- reblog. Shares take their ids from the posts' sequence, so entries order by time and
-- page by keyset on entry_id: ids in ($after, $before), newest first unless oldest_first.

-- name: home_entries
-- Own posts, posts of the accounts followed, public posts with a followed hashtag (as
-- Mastodon's FanOutOnWriteService#deliver_to_hashtag_followers!), and shares by the accounts
-- followed; none by an account the viewer hides (blocks either way, mutes, blocked servers).
-- Each branch is cut at the page's size before the union.
-- $1 viewer id, $2 viewer uri, $3 after, $4 before, $5 limit, $6 oldest first
-- A group that banned the viewer is not followed, whatever became of the follow (as
-- actor_entries).
WITH followed AS (
    SELECT f.followee_id AS id FROM follows f
    WHERE f.follower_id = $1 AND f.state = 'accepted'
      AND NOT EXISTS (SELECT 1 FROM group_bans b WHERE b.group_id = f.followee_id
                      AND b.actor_id = $1 AND (b.expires_at IS NULL OR b.expires_at > now()))
), entries AS (
    (SELECT p.id AS entry_id, p.id AS post_id, NULL::bigint AS sharer_id
     FROM posts p
     WHERE (p.author_id = $1 OR p.author_id IN (SELECT id FROM followed))
       AND p.deleted_at IS NULL AND p.id > $3 AND p.id < $4
       AND (p.visibility <> 'direct' OR p.author_id = $1
            OR p.raw -> 'to' ? $2 OR p.raw -> 'cc' ? $2)
       -- members-only posts (community/audience.py): to the group's members
       AND (p.visibility <> 'members' OR p.author_id = $1
            OR p.group_id IN (SELECT id FROM followed))
       AND NOT hides($1, p.author_id)
     ORDER BY CASE WHEN $6 THEN p.id END ASC, p.id DESC
     LIMIT $5)
    UNION
    (SELECT p.id, p.id, NULL::bigint
     FROM posts p
     WHERE p.visibility = 'public' AND p.deleted_at IS NULL AND p.id > $3 AND p.id < $4
       AND post_hashtags(p.raw) && ARRAY(SELECT name FROM followed_tags WHERE actor_id = $1)
       AND NOT hides($1, p.author_id)
     ORDER BY CASE WHEN $6 THEN p.id END ASC, p.id DESC
     LIMIT $5)
    UNION
    (SELECT s.id, s.post_id, s.group_id
     FROM group_shares s
     JOIN posts p ON p.id = s.post_id
     JOIN actors sharer ON sharer.id = s.group_id
     WHERE s.group_id IN (SELECT id FROM followed) AND p.deleted_at IS NULL
       AND s.id > $3 AND s.id < $4
       AND (p.in_reply_to_uri IS NULL OR sharer.type <> 'Group')
       AND (p.visibility <> 'direct' OR p.raw -> 'to' ? $2 OR p.raw -> 'cc' ? $2)
       AND NOT hides($1, s.group_id) AND NOT hides($1, p.author_id)
     ORDER BY CASE WHEN $6 THEN s.id END ASC, s.id DESC
     LIMIT $5)
)
SELECT * FROM entries
ORDER BY CASE WHEN $6 THEN entry_id END ASC, entry_id DESC
LIMIT $5

-- name: public_entries
-- $1 after, $2 before, $3 limit, $4 oldest first, $5 local only, $6 remote only,
-- $7 viewer id (0: nobody)
SELECT p.id AS entry_id, p.id AS post_id, NULL::bigint AS sharer_id
FROM posts p
WHERE p.visibility = 'public' AND p.deleted_at IS NULL AND p.in_reply_to_uri IS NULL
  AND p.id > $1 AND p.id < $2 AND (NOT $5 OR p.local) AND (NOT $6 OR NOT p.local)
  AND NOT hides($7, p.author_id)
ORDER BY CASE WHEN $4 THEN p.id END ASC, p.id DESC
LIMIT $3

-- name: tag_entries
-- Public posts with the tag $1 or any of $7, all of $8 and none of $9 (lower case, no #),
-- as Mastodon's tag timeline reads `any[]`, `all[]`, `none[]`.
-- $2 after, $3 before, $4 limit, $5 oldest first, $6 local only, $10 viewer id (0: nobody)
SELECT p.id AS entry_id, p.id AS post_id, NULL::bigint AS sharer_id
FROM posts p
WHERE p.visibility = 'public' AND p.deleted_at IS NULL
  AND p.id > $2 AND p.id < $3 AND (NOT $6 OR p.local)
  AND post_hashtags(p.raw) && (ARRAY[$1::text] || $7::text[])
  AND post_hashtags(p.raw) @> $8::text[]
  AND NOT post_hashtags(p.raw) && $9::text[]
  AND NOT hides($10, p.author_id)
ORDER BY CASE WHEN $5 THEN p.id END ASC, p.id DESC
LIMIT $4

-- name: actor_entries
-- What an account shows: its own posts, and what it shared (a group: its threads, less those
-- by accounts the viewer hides). Nothing to a viewer the account blocks.
-- $1 account id, $2 viewer id (0: nobody), $3 viewer follows it, $4 after, $5 before,
-- $6 limit, $7 oldest first, $8 exclude replies, $9 shares of threads only.
-- A follower the group banned is no member: a ban ends their access to its members-only posts
-- whatever became of their follow (Lemmy keeps a banned member's follow on purpose, to hear a
-- later unban: LemmyNet/lemmy, crates/apub/activities/src/block/block_user.rs).
WITH member AS (
    SELECT $3 AND NOT EXISTS (SELECT 1 FROM group_bans b WHERE b.group_id = $1
                              AND b.actor_id = $2
                              AND (b.expires_at IS NULL OR b.expires_at > now())) AS yes
)
SELECT * FROM (
    SELECT p.id AS entry_id, p.id AS post_id, NULL::bigint AS sharer_id
    FROM posts p
    WHERE p.author_id = $1 AND p.deleted_at IS NULL AND p.id > $4 AND p.id < $5
      AND (p.visibility IN ('public', 'unlisted') OR p.author_id = $2
           OR (p.visibility = 'followers' AND (SELECT yes FROM member)))
      AND (NOT $8 OR p.in_reply_to_uri IS NULL)
    UNION ALL
    SELECT s.id, s.post_id, s.group_id
    FROM group_shares s JOIN posts p ON p.id = s.post_id
    WHERE s.group_id = $1 AND p.deleted_at IS NULL AND s.id > $4 AND s.id < $5
      AND (p.visibility IN ('public', 'unlisted') OR (SELECT yes FROM member))
      AND (NOT ($8 OR $9) OR p.in_reply_to_uri IS NULL)
      AND NOT hides($2, p.author_id)
) e
WHERE NOT EXISTS (SELECT 1 FROM blocks b WHERE b.actor_id = $1 AND b.target_id = $2)
ORDER BY CASE WHEN $7 THEN entry_id END ASC, entry_id DESC
LIMIT $6

-- name: get_share_entry
SELECT id AS entry_id, post_id, group_id AS sharer_id FROM group_shares WHERE id = $1

-- name: thread_ancestors
WITH RECURSIVE up(id, uri, in_reply_to_uri, depth) AS (
    SELECT p.id, p.uri, p.in_reply_to_uri, 0 FROM posts p WHERE p.id = $1
    UNION ALL
    SELECT p.id, p.uri, p.in_reply_to_uri, up.depth + 1
    FROM posts p JOIN up ON p.uri = up.in_reply_to_uri
    WHERE up.depth < 40
)
SELECT id FROM up WHERE id <> $1 ORDER BY depth DESC

-- name: thread_descendants
WITH RECURSIVE down(id, uri, depth) AS (
    SELECT p.id, p.uri, 0 FROM posts p WHERE p.id = $1
    UNION ALL
    SELECT p.id, p.uri, down.depth + 1
    FROM posts p JOIN down ON p.in_reply_to_uri = down.uri
    WHERE down.depth < 60
)
SELECT id FROM down WHERE id <> $1 ORDER BY id LIMIT 4096
