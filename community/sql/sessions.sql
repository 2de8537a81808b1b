-- Signed-in browsers, this server's own secrets, and windowed rate-limit counters.

-- name: insert_session
INSERT INTO web_sessions (token_hash, actor_id, expires_at)
VALUES ($1, $2, now() + make_interval(secs => $3))

-- name: get_session_actor
SELECT a.* FROM web_sessions s
JOIN actors a ON a.id = s.actor_id
JOIN users u ON u.actor_id = s.actor_id
WHERE s.token_hash = $1 AND s.expires_at > now() AND u.state = 'active'

-- name: delete_session
DELETE FROM web_sessions WHERE token_hash = $1

-- name: delete_sessions_of_actor
DELETE FROM web_sessions WHERE actor_id = $1 OR expires_at < now()

-- name: ensure_secret
INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING

-- name: get_secret
SELECT value FROM server_secrets WHERE name = $1

-- name: hit_rate_limit
-- Windows of $2 seconds: count this hit in the current one; returns the count so far, the count
-- of the window before, how far into the current window we are (0 to 1), and the seconds left.
WITH hit AS (
    INSERT INTO rate_limits (key, window_start, hits)
    VALUES ($1, to_timestamp(floor(extract(epoch FROM now()) / $2::int) * $2::int), 1)
    ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1
    RETURNING window_start, hits
)
SELECT hit.hits,
       coalesce((SELECT r.hits FROM rate_limits r
                 WHERE r.key = $1
                   AND r.window_start = hit.window_start - make_interval(secs => $2::int)), 0)
           AS previous_hits,
       extract(epoch FROM now() - hit.window_start) / $2::int AS elapsed,
       ceil(extract(epoch FROM hit.window_start + make_interval(secs => $2::int) - now()))::int
           AS retry_after
FROM hit

-- name: purge_rate_limits
DELETE FROM rate_limits WHERE window_start < now() - interval '1 day'
