-- A community that can leave: what its archive holds, how an archive is taken in, moves, and
-- members' accounts (export, deletion).

-- name: export_moderators
SELECT a.uri AS actor, m.created_at AS since
FROM group_moderators m JOIN actors a ON a.id = m.actor_id
WHERE m.group_id = $1 ORDER BY m.created_at, a.uri

-- name: export_followers
SELECT a.uri AS actor, coalesce(f.accepted_at, f.created_at) AS since
FROM follows f JOIN actors a ON a.id = f.follower_id
WHERE f.followee_id = $1 AND f.state = 'accepted' ORDER BY f.id

-- name: export_posts
-- Every post and comment of the group that is shown or that a moderator removed (its content
-- kept); what an author deleted is a tombstone instead.
SELECT p.*, a.uri AS author_uri
FROM posts p JOIN actors a ON a.id = p.author_id
WHERE p.group_id = $1 AND (p.deleted_at IS NULL OR p.removed_at IS NOT NULL)
ORDER BY p.id

-- name: export_tombstones
-- What authors deleted in the group, and the tombstones it brought from where it was ($2:
-- its former ids, which an import records as their deleter).
SELECT uri FROM posts WHERE group_id = $1 AND deleted_at IS NOT NULL AND removed_at IS NULL
UNION SELECT uri FROM tombstones WHERE deleted_by = ANY($2::text[])
ORDER BY uri

-- name: export_votes
SELECT v.activity_uri, v.kind, v.created_at, a.uri AS actor_uri, p.uri AS post_uri
FROM votes v JOIN posts p ON p.id = v.post_id JOIN actors a ON a.id = v.actor_id
WHERE p.group_id = $1 AND (p.deleted_at IS NULL OR p.removed_at IS NOT NULL)
ORDER BY v.id

-- name: export_bans
SELECT b.reason, b.expires_at, b.activity_uri, b.created_at, a.uri AS actor_uri
FROM group_bans b JOIN actors a ON a.id = b.actor_id
WHERE b.group_id = $1 ORDER BY b.created_at, a.uri

-- name: export_modlog
SELECT m.kind, m.by_admin, m.reason, m.activity, m.created_at, a.uri AS actor_uri
FROM modlog m JOIN actors a ON a.id = m.actor_id
WHERE m.group_id = $1 ORDER BY m.id

-- name: actors_by_uris
SELECT * FROM actors WHERE uri = ANY($1) ORDER BY uri

-- name: insert_actor_reference
-- An actor an imported archive names, as its old server vouched for it: a row without keys,
-- never fetched (so it is fetched, keys and all, the first time it is needed).
INSERT INTO actors (uri, type, username, domain, local, name, summary, url, icon_url,
                    inbox_uri, shared_inbox_uri, outbox_uri, followers_uri, following_uri)
VALUES ($1, $2, $3, $4, false, $5, $6, $7, $8, $9, $10, $11, $12, $13)
ON CONFLICT (uri) DO NOTHING
RETURNING *

-- name: set_imported_profile
UPDATE actors SET icon_url = $2, discoverable = $3 WHERE id = $1 RETURNING *

-- name: set_also_known_as
UPDATE actors SET also_known_as = $2, updated = now() WHERE id = $1 RETURNING *

-- name: replace_key
-- A group re-created at its own address takes back the key pair it had (the same key id).
UPDATE actor_keys SET public_key_pem = $3, private_key_pem = $4
WHERE actor_id = $1 AND key_id = $2

-- name: claim_post
-- A post we had already (ours, or shared by the old group) joins the imported group.
UPDATE posts SET group_id = $2
WHERE id = $1 AND group_id IS DISTINCT FROM $2
  AND (group_id IS NULL OR group_id IN (SELECT id FROM actors WHERE uri = ANY($3)))
RETURNING *

-- name: import_vote
INSERT INTO votes (actor_id, post_id, kind, activity_uri) VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING
RETURNING id

-- name: import_ban
INSERT INTO group_bans (group_id, actor_id, reason, expires_at, activity_uri)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT DO NOTHING
RETURNING actor_id

-- name: insert_former_follower
INSERT INTO former_followers (group_id, actor_uri, from_uri, since) VALUES ($1, $2, $3, $4)
ON CONFLICT (group_id, actor_uri) DO NOTHING
RETURNING actor_uri

-- name: former_follower_of
-- The group ``$2`` followed before it moved to ``$1`` (NULL: not a former follower).
SELECT from_uri FROM former_followers WHERE group_id = $1 AND actor_uri = $2

-- name: mark_moved
UPDATE actors SET moved_to_uri = $2, moved_at = coalesce(moved_at, now()), updated = now()
WHERE id = $1 AND moved_to_uri IS DISTINCT FROM $2
RETURNING *

-- name: local_followers_of
-- Our own people (and groups) who follow $1 (accepted or waiting).
SELECT a.* FROM follows f JOIN actors a ON a.id = f.follower_id
WHERE f.followee_id = $1 AND a.local AND a.deleted_at IS NULL ORDER BY f.id

-- name: person_following
-- Whom $1 follows (accepted), as Mastodon's following_accounts.csv lists them.
SELECT a.* FROM follows f JOIN actors a ON a.id = f.followee_id
WHERE f.follower_id = $1 AND f.state = 'accepted' ORDER BY f.id DESC

-- name: person_outbox
-- What a person published that still stands, oldest first (their archive's outbox.json).
SELECT t.body FROM activities t
LEFT JOIN posts p ON p.uri = t.object_uri
WHERE t.actor_id = $1 AND t.public AND t.type IN ('Create', 'Announce')
  AND (p.id IS NULL OR p.deleted_at IS NULL)
ORDER BY t.id

-- name: person_likes
SELECT p.uri FROM votes v JOIN posts p ON p.id = v.post_id
WHERE v.actor_id = $1 AND v.kind = 'Like' ORDER BY v.id

-- name: deletion_inboxes
-- Every inbox that knows a person: their followers', the followed's, the groups they posted
-- in, and the followers of our groups that shared their posts (one per server when shared).
WITH person AS (SELECT $1::bigint AS id),
known AS (
    SELECT f.follower_id AS actor_id FROM follows f, person WHERE f.followee_id = person.id
    UNION SELECT f.followee_id FROM follows f, person WHERE f.follower_id = person.id
    UNION SELECT p.group_id FROM posts p, person WHERE p.author_id = person.id
        AND p.group_id IS NOT NULL
    UNION SELECT f.follower_id FROM posts p JOIN actors g ON g.id = p.group_id AND g.local
        JOIN follows f ON f.followee_id = g.id AND f.state = 'accepted', person
        WHERE p.author_id = person.id
)
SELECT DISTINCT coalesce(a.shared_inbox_uri, a.inbox_uri) AS inbox
FROM known JOIN actors a ON a.id = known.actor_id
WHERE NOT a.local AND coalesce(a.shared_inbox_uri, a.inbox_uri) IS NOT NULL

-- name: mark_local_actor_deleted
UPDATE actors SET deleted_at = now(), updated = now()
WHERE id = $1 AND local AND deleted_at IS NULL
RETURNING *

-- name: close_account
UPDATE users SET state = 'deleted', password_hash = NULL, email = NULL WHERE actor_id = $1

-- name: live_posts_of_author
SELECT * FROM posts WHERE author_id = $1 AND deleted_at IS NULL ORDER BY id

-- name: delete_votes_of
DELETE FROM votes WHERE actor_id = $1

-- name: delete_moderator_rows_of
DELETE FROM group_moderators WHERE actor_id = $1
