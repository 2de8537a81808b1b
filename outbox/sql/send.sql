-- outbox.send: writing an activity and its fan-out, inside the caller's transaction.

-- name: upsert_activity
INSERT INTO activities (uri, type, actor_id, object_uri, body, public, form)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (uri) DO UPDATE SET uri = EXCLUDED.uri
RETURNING id

-- name: insert_deliveries
-- One statement for the whole fan-out: followers of $3 (shared inbox preferred), the actors
-- named in $4, the inboxes in $5; minus local actors, our own host ($6), unavailable hosts and
-- gone inboxes. UNION removes duplicates, so cost grows with inboxes, not followers.
-- Followers on servers running software in $7 are left out (the other announce form).
-- When $8 is not NULL, only inboxes on the hosts it lists (a private community's members'
-- servers that receive its posts: community/audience.py, delivery_scope).
WITH targets AS (
    SELECT coalesce(a.shared_inbox_uri, a.inbox_uri) AS inbox_uri
    FROM follows f JOIN actors a ON a.id = f.follower_id
    LEFT JOIN instances i ON i.domain = a.domain
    WHERE f.followee_id = $3 AND f.state = 'accepted' AND NOT a.local
      AND (i.software_name IS NULL OR NOT lower(i.software_name) = ANY($7::text[]))
    UNION
    SELECT coalesce(a.shared_inbox_uri, a.inbox_uri)
    FROM actors a WHERE a.uri = ANY($4::text[]) AND NOT a.local
    UNION
    SELECT unnest($5::text[])
), hosted AS (
    SELECT inbox_uri,
           lower(substring(inbox_uri FROM '^https?://(?:[^@/?#]*@)?([^/?#]+)')) AS host
    FROM targets
    WHERE inbox_uri IS NOT NULL
)
INSERT INTO deliveries (activity_id, sender_id, inbox_uri, host)
SELECT $1, $2, h.inbox_uri, h.host
FROM hosted h
WHERE h.host IS NOT NULL AND h.host <> $6
  AND ($8::text[] IS NULL OR h.host = ANY($8::text[]))
  AND NOT EXISTS (SELECT 1 FROM delivery_hosts dh
                  WHERE dh.host = h.host AND dh.unavailable_since IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM delivery_gone_inboxes g WHERE g.inbox_uri = h.inbox_uri)
ON CONFLICT (activity_id, inbox_uri) DO NOTHING

-- name: has_local_recipients
-- Whether a local actor other than the sender ($1) follows $2 or is named in $3.
SELECT EXISTS (
    SELECT 1 FROM follows f JOIN actors a ON a.id = f.follower_id
    WHERE f.followee_id = $2 AND f.state = 'accepted' AND a.local AND a.id <> $1
) OR EXISTS (
    SELECT 1 FROM actors a WHERE a.uri = ANY($3::text[]) AND a.local AND a.id <> $1
)

-- name: insert_local_inbox_item
INSERT INTO inbox_items (activity_uri, activity_type, actor_uri, body, verified_by)
VALUES ($1, $2, $3, $4, 'local')
ON CONFLICT (activity_uri) DO NOTHING

-- name: notify_deliveries
SELECT pg_notify('fediverse_deliveries', '')
