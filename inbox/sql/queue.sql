-- The inbox queue: verified activities, de-duplicated by id, claimed by workers.

-- name: enqueue
INSERT INTO inbox_items (activity_uri, activity_type, actor_uri, recipient_id, body,
                         verified_by, key_id)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (activity_uri) DO NOTHING
RETURNING id

-- name: claim
-- Due items, and items whose claim is older than the visibility timeout ($2 seconds):
-- a worker that died mid-item loses nothing.
UPDATE inbox_items SET state = 'processing', claimed_at = now(), attempts = attempts + 1
WHERE id IN (
    SELECT id FROM inbox_items
    WHERE (state = 'received' AND next_attempt_at <= now())
       OR (state = 'processing' AND claimed_at < now() - make_interval(secs => $2))
    ORDER BY id
    LIMIT $1
    FOR UPDATE SKIP LOCKED
)
RETURNING id, activity_uri, activity_type, actor_uri, recipient_id, body, verified_by,
          key_id, attempts, received_at

-- name: finish
UPDATE inbox_items SET state = $2, error = $3, processed_at = now(), claimed_at = NULL
WHERE id = $1

-- name: retry_later
UPDATE inbox_items
SET state = 'received', error = $2, claimed_at = NULL,
    next_attempt_at = now() + make_interval(secs => $3)
WHERE id = $1

-- name: release_claims
UPDATE inbox_items SET state = 'received', claimed_at = NULL, attempts = attempts - 1
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
