-- Per-host health shared by every worker: breaker, pauses, failing days, unavailability.

-- name: record_host_successes
-- $1 hosts that accepted a delivery, $2 the signature scheme each accepted (remembered, so
-- that a host that wants RFC 9421 gets it first next time: the "double-knock").
INSERT INTO delivery_hosts AS h (host, last_success_at, signature_scheme)
SELECT u.host, now(), u.scheme FROM unnest($1::text[], $2::text[]) AS u(host, scheme)
ON CONFLICT (host) DO UPDATE
SET consecutive_failures = 0, paused_until = NULL, failing_days = 0, last_failure_day = NULL,
    unavailable_since = NULL, last_success_at = now(),
    signature_scheme = EXCLUDED.signature_scheme, updated_at = now()
WHERE h.consecutive_failures > 0 OR h.failing_days > 0 OR h.unavailable_since IS NOT NULL
   OR h.paused_until IS NOT NULL OR h.last_success_at IS NULL
   OR h.signature_scheme IS DISTINCT FROM EXCLUDED.signature_scheme
   OR h.last_success_at < now() - interval '1 minute'

-- name: record_host_failures
-- $1 hosts, $2 failures each in this batch (0: the host only asked for a pause), $3 last
-- error, $4 pause the host asked for (or NULL); $5 breaker threshold, $6 base pause seconds,
-- $7 max pause seconds, $8 failing days until unavailable. Returns the hosts that became
-- unavailable with this batch.
WITH updated AS (
    INSERT INTO delivery_hosts AS h (host, consecutive_failures, failing_days,
                                     last_failure_day, last_error, last_failure_at,
                                     paused_until, unavailable_since)
    SELECT u.host, u.failures, CASE WHEN u.failures > 0 THEN 1 ELSE 0 END,
           CASE WHEN u.failures > 0 THEN (now() AT TIME ZONE 'UTC')::date END,
           u.error, now(),
           greatest(u.asked_until,
                    CASE WHEN u.failures >= $5 THEN now() + make_interval(secs => $6) END),
           CASE WHEN u.failures > 0 AND $8 <= 1 THEN now() END
    FROM unnest($1::text[], $2::int[], $3::text[], $4::timestamptz[])
        AS u(host, failures, error, asked_until)
    ON CONFLICT (host) DO UPDATE
    SET consecutive_failures = h.consecutive_failures + EXCLUDED.consecutive_failures,
        failing_days = h.failing_days + CASE
            WHEN EXCLUDED.consecutive_failures > 0
             AND h.last_failure_day IS DISTINCT FROM EXCLUDED.last_failure_day
            THEN 1 ELSE 0 END,
        last_failure_day = coalesce(EXCLUDED.last_failure_day, h.last_failure_day),
        last_error = EXCLUDED.last_error,
        last_failure_at = now(),
        paused_until = greatest(
            EXCLUDED.paused_until,
            CASE WHEN h.consecutive_failures + EXCLUDED.consecutive_failures >= $5
                 THEN now() + make_interval(secs => least(
                     $7::float8,
                     $6 * power(2, least(10, (h.consecutive_failures
                                              + EXCLUDED.consecutive_failures) / $5 - 1))))
            END),
        unavailable_since = CASE
            WHEN h.unavailable_since IS NOT NULL THEN h.unavailable_since
            WHEN EXCLUDED.consecutive_failures > 0
             AND h.failing_days + CASE
                     WHEN h.last_failure_day IS DISTINCT FROM EXCLUDED.last_failure_day
                     THEN 1 ELSE 0 END >= $8
            THEN now() END,
        updated_at = now()
    RETURNING h.host, h.unavailable_since
)
SELECT host FROM updated WHERE unavailable_since = now()

-- name: fail_host_deliveries
-- A host just became unavailable: give up what is queued for it.
UPDATE deliveries
SET state = 'failed', last_error = 'host unavailable', finished_at = now()
WHERE host = ANY($1::text[]) AND state = 'queued'
