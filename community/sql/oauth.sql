-- OAuth 2 applications, authorization codes and access tokens (secrets stored as SHA-256).

-- name: insert_app
INSERT INTO oauth_apps (client_id, client_secret_hash, name, website, redirect_uris, scopes)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING *

-- name: get_app_by_client_id
SELECT * FROM oauth_apps WHERE client_id = $1

-- name: get_app_by_id
SELECT * FROM oauth_apps WHERE id = $1

-- name: insert_code
INSERT INTO oauth_codes (code_hash, app_id, actor_id, redirect_uri, scopes, code_challenge,
                         expires_at)
VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))

-- name: lock_code
-- Held until the exchange commits: two redemptions of one code cannot both pass.
SELECT *, expires_at > now() AS fresh FROM oauth_codes WHERE code_hash = $1 FOR UPDATE

-- name: use_code
UPDATE oauth_codes SET used_at = now() WHERE code_hash = $1

-- name: insert_token
INSERT INTO oauth_tokens (token_hash, app_id, actor_id, scopes)
VALUES ($1, $2, $3, $4)
RETURNING *

-- name: get_live_token
-- A token counts while it is not revoked and its person (if any) may sign in.
SELECT t.*, a.name AS app_name, a.website AS app_website, a.client_id
FROM oauth_tokens t
JOIN oauth_apps a ON a.id = t.app_id
LEFT JOIN users u ON u.actor_id = t.actor_id
WHERE t.token_hash = $1 AND t.revoked_at IS NULL
  AND (t.actor_id IS NULL OR u.state = 'active')

-- name: touch_token
-- At most one write an hour per token: when it was last used, and the person's activity.
WITH touched AS (
    UPDATE oauth_tokens SET last_used_at = now() WHERE id = $1 RETURNING actor_id
)
UPDATE users SET last_active_at = now()
WHERE actor_id = (SELECT actor_id FROM touched)

-- name: get_token_by_hash
SELECT * FROM oauth_tokens WHERE token_hash = $1

-- name: revoke_token
UPDATE oauth_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL

-- name: revoke_tokens_of_actor
UPDATE oauth_tokens SET revoked_at = now() WHERE actor_id = $1 AND revoked_at IS NULL
