-- What `fediverse status`, /readyz and the Prometheus gauges report (community/health.py).
--
-- A delivery waits while it is 'queued' or 'claimed' (see migration 0003, docs/delivery.md).

-- name: relation_exists
SELECT to_regclass($1) IS NOT NULL;

-- name: inbox_queue_by_state
SELECT state, count(*) AS items FROM inbox_items GROUP BY state;

-- name: inbox_queue_oldest_age
-- Seconds since the oldest item still waiting to be processed was received (NULL: none waits).
SELECT EXTRACT(EPOCH FROM now() - min(received_at))::float8
FROM inbox_items
WHERE state IN ('received', 'processing');

-- name: delivery_queue_by_state
SELECT state, count(*) AS items FROM deliveries GROUP BY state;

-- name: delivery_queue_oldest_age
SELECT EXTRACT(EPOCH FROM now() - min(created_at))::float8
FROM deliveries
WHERE state IN ('queued', 'claimed');

-- name: host_states
SELECT
    count(*) FILTER (WHERE paused_until > now()) AS paused,
    count(*) FILTER (WHERE unavailable_since IS NOT NULL) AS unavailable
FROM delivery_hosts;

-- name: domain_rules_by_kind
SELECT kind, count(*) AS rules FROM domain_rules GROUP BY kind;
