-- Actors of other servers, their keys, and what we know of their software.

-- name: upsert_remote_actor
INSERT INTO actors (uri, type, username, domain, local, name, summary, url, icon_url,
                    inbox_uri, shared_inbox_uri, outbox_uri, followers_uri, following_uri,
                    featured_uri, moderators_uri, manually_approves_followers, discoverable,
                    posting_policy, raw, fetched_at, moved_to_uri, also_known_as, updated,
                    community_visibility)
VALUES ($1, $2, $3, $4, false, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
        $18, $19, now(), $20, $21, now(),
        -- a group's visibility as Lemmy reads it (LemmyNet/lemmy,
        -- crates/apub/objects/src/utils/functions.rs, community_visibility)
        CASE WHEN $2::text <> 'Group' THEN 'public' WHEN $16::boolean THEN 'private'
             WHEN NOT $17::boolean THEN 'unlisted' ELSE 'public' END)
ON CONFLICT (uri) DO UPDATE SET
    type = EXCLUDED.type, username = EXCLUDED.username, domain = EXCLUDED.domain,
    name = EXCLUDED.name, summary = EXCLUDED.summary, url = EXCLUDED.url,
    icon_url = EXCLUDED.icon_url, inbox_uri = EXCLUDED.inbox_uri,
    shared_inbox_uri = EXCLUDED.shared_inbox_uri, outbox_uri = EXCLUDED.outbox_uri,
    followers_uri = EXCLUDED.followers_uri, following_uri = EXCLUDED.following_uri,
    featured_uri = EXCLUDED.featured_uri, moderators_uri = EXCLUDED.moderators_uri,
    manually_approves_followers = EXCLUDED.manually_approves_followers,
    discoverable = EXCLUDED.discoverable, posting_policy = EXCLUDED.posting_policy,
    raw = EXCLUDED.raw, fetched_at = now(), moved_to_uri = EXCLUDED.moved_to_uri,
    also_known_as = EXCLUDED.also_known_as, updated = now(), deleted_at = NULL,
    community_visibility = EXCLUDED.community_visibility
WHERE NOT actors.local
RETURNING *

-- name: upsert_remote_key
INSERT INTO actor_keys (key_id, actor_id, public_key_pem)
VALUES ($1, $2, $3)
ON CONFLICT (key_id) DO UPDATE SET public_key_pem = EXCLUDED.public_key_pem
WHERE actor_keys.actor_id = EXCLUDED.actor_id AND actor_keys.private_key_pem IS NULL

-- name: delete_stale_remote_keys
DELETE FROM actor_keys WHERE actor_id = $1 AND private_key_pem IS NULL AND NOT key_id = ANY($2)

-- name: get_key_with_owner
SELECT k.key_id, k.public_key_pem, a.uri AS owner_uri, a.local, a.fetched_at,
       a.deleted_at
FROM actor_keys k JOIN actors a ON a.id = k.actor_id
WHERE k.key_id = $1

-- name: get_instance
SELECT * FROM instances WHERE domain = $1

-- name: upsert_instance_software
INSERT INTO instances (domain, software_name, software_version, nodeinfo_fetched_at)
VALUES ($1, $2, $3, now())
ON CONFLICT (domain) DO UPDATE SET software_name = EXCLUDED.software_name,
    software_version = EXCLUDED.software_version, nodeinfo_fetched_at = now()

-- name: find_remote_actor_by_handle
SELECT * FROM actors
WHERE NOT local AND lower(username) = lower($1) AND lower(domain) = lower($2)
ORDER BY fetched_at DESC NULLS LAST LIMIT 1

-- name: mark_actor_deleted
UPDATE actors SET deleted_at = now() WHERE uri = $1 AND NOT local RETURNING id
