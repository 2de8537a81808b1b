-- The delivery queue: claim due rows in batches, finish them in batches.

-- name: release_stale_claims
-- Claims of a dead worker (its lease, the advisory lock ($2, claimed_by) of its session, is
-- gone: outbox/lease.py) at once, and claims older than the visibility timeout ($1 seconds),
-- which belong to a stuck one.
WITH live AS (
    SELECT l.objid::bigint AS worker_id
    FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
      AND l.classid = $2::int::oid
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
)
UPDATE deliveries
SET state = 'queued', claimed_at = NULL, claim_token = NULL, claimed_by = NULL
WHERE state = 'claimed'
  AND (claimed_at < now() - make_interval(secs => $1)
       OR (claimed_by IS NOT NULL AND claimed_by NOT IN (SELECT worker_id FROM live)))

-- name: claim_deliveries
-- Up to $1 due rows for worker $5 (its lease number; NULL for a worker stepped by hand),
-- skipping rows other workers hold, paused or unavailable hosts, and never more rows per host
-- than its cap ($3; 1 while the breaker is half-open, $4 failures) minus what is already in
-- flight there, whichever worker holds it.
WITH due AS (
    SELECT d.id, d.host
    FROM deliveries d
    WHERE d.state = 'queued' AND d.next_attempt_at <= now()
      AND NOT EXISTS (
          SELECT 1 FROM delivery_hosts h
          WHERE h.host = d.host
            AND (h.unavailable_since IS NOT NULL OR h.paused_until > now()))
    ORDER BY d.next_attempt_at, d.id
    LIMIT $1 * 4
    FOR UPDATE OF d SKIP LOCKED
), ranked AS (
    SELECT id, host, row_number() OVER (PARTITION BY host ORDER BY id) AS rank FROM due
), allowed AS (
    SELECT r.id
    FROM ranked r
    LEFT JOIN delivery_hosts h ON h.host = r.host
    WHERE r.rank + (SELECT count(*) FROM deliveries c
                    WHERE c.state = 'claimed' AND c.host = r.host)
          <= CASE WHEN coalesce(h.consecutive_failures, 0) >= $4 THEN 1 ELSE $3 END
    ORDER BY r.id
    LIMIT $1
)
UPDATE deliveries d
SET state = 'claimed', claimed_at = now(), claim_token = $2, claimed_by = $5,
    attempts = d.attempts + 1
FROM allowed
WHERE d.id = allowed.id
RETURNING d.id, d.activity_id, d.sender_id, d.inbox_uri, d.host, d.attempts, d.last_status,
          (SELECT h.signature_scheme FROM delivery_hosts h WHERE h.host = d.host)
              AS host_scheme

-- name: get_activity_bodies
SELECT id, uri, body FROM activities WHERE id = ANY($1::bigint[])

-- name: get_signing_keys
SELECT DISTINCT ON (k.actor_id) k.actor_id, k.key_id, k.private_key_pem
FROM actor_keys k
WHERE k.actor_id = ANY($1::bigint[]) AND k.private_key_pem IS NOT NULL
ORDER BY k.actor_id, k.created_at

-- name: finish_deliveries
-- One statement per batch of outcomes; a row another worker reclaimed meanwhile is left alone.
UPDATE deliveries d
SET state = u.state,
    next_attempt_at = coalesce(u.next_attempt_at, d.next_attempt_at),
    claimed_at = NULL, claim_token = NULL, claimed_by = NULL,
    last_status = u.status, last_error = u.error, response_excerpt = u.excerpt,
    finished_at = CASE WHEN u.state = 'queued' THEN NULL ELSE now() END
FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[], $5::int[], $6::text[],
            $7::text[]) AS u(id, token, state, next_attempt_at, status, error, excerpt)
WHERE d.id = u.id AND d.claim_token = u.token AND d.state = 'claimed'

-- name: release_claims
-- Graceful shutdown: give back rows we claimed but did not send (the attempt did not happen).
UPDATE deliveries
SET state = 'queued', claimed_at = NULL, claim_token = NULL, claimed_by = NULL,
    attempts = attempts - 1
WHERE id = ANY($1::bigint[]) AND claim_token = ANY($2::bigint[]) AND state = 'claimed'

-- name: insert_gone_inboxes
INSERT INTO delivery_gone_inboxes (inbox_uri, host)
SELECT * FROM unnest($1::text[], $2::text[])
ON CONFLICT (inbox_uri) DO NOTHING

-- name: purge_finished
-- Finished rows older than $1 days go, a bounded slice at a time.
DELETE FROM deliveries
WHERE id IN (SELECT id FROM deliveries
             WHERE finished_at < now() - make_interval(days => $1)
             LIMIT 10000)
