-- What `fediverse status`, /readyz and the Prometheus gauges report (fediverse/health.py).
--
-- The delivery figures are written against the tables the outbox brings (migration 0003).
-- Until they exist these queries are not run (health.py checks to_regclass first). The
-- contract they assume, to be kept or adjusted together with 0003:
--   deliveries (state text, created_at timestamptz): a row waits while state = 'pending'
--   delivery_hosts (host text, paused_until timestamptz, unavailable_since timestamptz)

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
WHERE state = 'pending';

-- name: host_states
SELECT
    count(*) FILTER (WHERE paused_until > now()) AS paused,
    count(*) FILTER (WHERE unavailable_since IS NOT NULL) AS unavailable
FROM delivery_hosts;

-- name: domain_rules_by_kind
SELECT kind, count(*) AS rules FROM domain_rules GROUP BY kind;
