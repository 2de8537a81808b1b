-- What `fediverse deliveries` shows and does.

-- name: queue_summary
SELECT count(*) FILTER (WHERE state = 'queued') AS queued,
       count(*) FILTER (WHERE state = 'queued' AND next_attempt_at <= now()) AS due,
       count(*) FILTER (WHERE state = 'claimed') AS claimed,
       min(created_at) FILTER (WHERE state IN ('queued', 'claimed')) AS oldest_pending,
       count(*) FILTER (WHERE state = 'delivered' AND finished_at > now() - interval '1 minute')
           AS delivered_last_minute,
       count(*) FILTER (WHERE state = 'delivered' AND finished_at > now() - interval '1 hour')
           AS delivered_last_hour,
       count(*) FILTER (WHERE state IN ('rejected', 'failed')
                        AND finished_at > now() - interval '1 day') AS given_up_last_day
FROM deliveries

-- name: troubled_hosts
SELECT h.host, h.consecutive_failures, h.paused_until, h.failing_days, h.unavailable_since,
       h.last_error, h.last_failure_at, h.last_success_at,
       (SELECT count(*) FROM deliveries d WHERE d.host = h.host AND d.state = 'queued')
           AS queued
FROM delivery_hosts h
WHERE h.consecutive_failures > 0 OR h.unavailable_since IS NOT NULL
   OR h.paused_until > now()
ORDER BY h.unavailable_since IS NULL, h.consecutive_failures DESC, h.host
LIMIT $1

-- name: reset_host
UPDATE delivery_hosts
SET consecutive_failures = 0, paused_until = NULL, failing_days = 0, last_failure_day = NULL,
    unavailable_since = NULL, updated_at = now()
WHERE host = $1

-- name: requeue_host
-- Failed (not refused) deliveries of the last $2 days and everything still queued: due now.
UPDATE deliveries
SET state = 'queued', next_attempt_at = now(), attempts = 0, finished_at = NULL
WHERE host = $1
  AND (state = 'queued'
       OR (state = 'failed' AND created_at > now() - make_interval(days => $2)))

-- name: forget_gone_inboxes
DELETE FROM delivery_gone_inboxes WHERE host = $1
