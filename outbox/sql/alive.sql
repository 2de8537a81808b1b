-- outbox.hosts: a host that sends us signed requests is up.

-- name: mark_host_alive
UPDATE delivery_hosts
SET unavailable_since = NULL, failing_days = 0, last_failure_day = NULL,
    consecutive_failures = 0, paused_until = NULL, updated_at = now()
WHERE host = ANY($1::text[])
  AND (unavailable_since IS NOT NULL OR failing_days > 0 OR consecutive_failures > 0)
