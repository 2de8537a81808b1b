-- The inbox queue: verified activities, de-duplicated by id, claimed by workers.

-- name: enqueue
INSERT INTO inbox_items (activity_uri, activity_type, actor_uri, recipient_id, body,
                         verified_by, key_id)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (activity_uri) DO NOTHING
RETURNING id

-- name: claim
-- Up to $1 items for worker $4 (its lease number, outbox/lease.py; NULL for a worker stepped
-- by hand), oldest first: due items, and items in hand of a dead worker (its lease, the
-- advisory lock ($5, claimed_by), is gone) or older than the visibility timeout ($2 seconds),
-- so a worker that died mid-item loses nothing. At most $3 of one actor, and none of an actor
-- that has an item in a live worker's hand (its items stay in order, and one actor's flood or
-- slow item leaves room for the others).
WITH live AS (
    SELECT l.objid::bigint AS worker_id
    FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
      AND l.classid = $5::int::oid
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
), in_hand AS (
    SELECT h.actor_uri
    FROM inbox_items h
    WHERE h.state = 'processing' AND h.claimed_at >= now() - make_interval(secs => $2)
      AND (h.claimed_by IS NULL OR h.claimed_by IN (SELECT worker_id FROM live))
), due AS (
    SELECT i.id, i.actor_uri
    FROM inbox_items i
    WHERE ((i.state = 'received' AND i.next_attempt_at <= now()) OR i.state = 'processing')
      AND i.actor_uri NOT IN (SELECT actor_uri FROM in_hand)
    ORDER BY i.id
    LIMIT $1 * 4
    FOR UPDATE OF i SKIP LOCKED
), ranked AS (
    SELECT id, row_number() OVER (PARTITION BY actor_uri ORDER BY id) AS place FROM due
)
UPDATE inbox_items SET state = 'processing', claimed_at = now(), claimed_by = $4,
    attempts = attempts + 1
WHERE id IN (SELECT id FROM ranked WHERE place <= $3 ORDER BY id LIMIT $1)
RETURNING id, activity_uri, activity_type, actor_uri, recipient_id, body, verified_by,
          key_id, attempts, received_at

-- name: finish
UPDATE inbox_items
SET state = $2, error = $3, processed_at = now(), claimed_at = NULL, claimed_by = NULL
WHERE id = $1

-- name: retry_later
UPDATE inbox_items
SET state = 'received', error = $2, claimed_at = NULL, claimed_by = NULL,
    next_attempt_at = now() + make_interval(secs => $3)
WHERE id = $1

-- name: release_claims
UPDATE inbox_items
SET state = 'received', claimed_at = NULL, claimed_by = NULL, attempts = attempts - 1
WHERE id = ANY($1) AND state = 'processing'

-- name: queue_summary
SELECT count(*) FILTER (WHERE state IN ('received', 'processing')) AS pending,
       count(*) FILTER (WHERE state = 'failed') AS failed,
       min(received_at) FILTER (WHERE state IN ('received', 'processing')) AS oldest_pending
FROM inbox_items

-- name: enqueue_many
-- A batch of verified activities from concurrent requests, in one statement (the intake's
-- group commit); returns the ids that were new.
INSERT INTO inbox_items (activity_uri, activity_type, actor_uri, recipient_id, body,
                         verified_by, key_id)
SELECT DISTINCT ON (activity_uri) activity_uri, activity_type, actor_uri, recipient_id, body,
       verified_by, key_id
FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[],
            $7::text[])
     AS incoming (activity_uri, activity_type, actor_uri, recipient_id, body, verified_by,
                  key_id)
ON CONFLICT (activity_uri) DO NOTHING
RETURNING activity_uri

-- name: create_waits
-- Whether a Create of the post $1 waits in the queue, not handled yet (other than the item of
-- activity $2, in hand): a reply to it waits for it (inbox/handlers/create.py).
SELECT EXISTS (
    SELECT 1 FROM inbox_items
    WHERE state IN ('received', 'processing') AND activity_type = 'Create'
      AND activity_uri <> $2
      AND (body::jsonb -> 'object' ->> 'id' = $1 OR body::jsonb ->> 'object' = $1)
)
