-- Members and their apps: OAuth applications, codes and tokens (stored as SHA-256 hashes),
-- sign-in sessions, windowed rate-limit counters, notifications, and ids for shares so a
-- group's (or a person's) share can be shown as a Mastodon reblog with an id of its own.

-- Secrets this server makes for itself on first use (the key that signs CSRF cookies).
CREATE TABLE server_secrets (
    name text PRIMARY KEY,
    value text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Why a person asked to join (sign-up by approval).
ALTER TABLE users ADD COLUMN sign_up_reason text NOT NULL DEFAULT '';

CREATE TABLE oauth_apps (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id text NOT NULL UNIQUE,
    client_secret_hash text NOT NULL,
    name text NOT NULL,
    website text,
    -- exact strings; 'urn:ietf:wg:oauth:2.0:oob' shows the code instead of redirecting
    redirect_uris text[] NOT NULL,
    scopes text[] NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE oauth_codes (
    code_hash text PRIMARY KEY,
    app_id bigint NOT NULL REFERENCES oauth_apps ON DELETE CASCADE,
    actor_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    redirect_uri text NOT NULL,
    scopes text[] NOT NULL,
    -- PKCE (RFC 7636): S256 only
    code_challenge text,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE oauth_tokens (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash text NOT NULL UNIQUE,
    app_id bigint NOT NULL REFERENCES oauth_apps ON DELETE CASCADE,
    -- NULL for a client-credentials token (the app itself, no person)
    actor_id bigint REFERENCES actors ON DELETE CASCADE,
    scopes text[] NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX oauth_tokens_actor ON oauth_tokens (actor_id) WHERE revoked_at IS NULL;

-- Signed-in browsers: the cookie holds a random token, this table its hash.
CREATE TABLE web_sessions (
    token_hash text PRIMARY KEY,
    actor_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX web_sessions_actor ON web_sessions (actor_id);

-- Fixed-window counters shared by every process (sign-in, sign-up…).
CREATE TABLE rate_limits (
    key text NOT NULL,
    window_start timestamptz NOT NULL,
    hits integer NOT NULL DEFAULT 0,
    PRIMARY KEY (key, window_start)
);

CREATE TABLE notifications (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    kind text NOT NULL
        CHECK (kind IN ('follow', 'follow_request', 'mention', 'reblog', 'favourite')),
    from_actor_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    post_id bigint REFERENCES posts ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    dismissed_at timestamptz
);
-- Handlers re-run idempotently: one notification per (recipient, kind, actor, post).
CREATE UNIQUE INDEX notifications_once
    ON notifications (recipient_id, kind, from_actor_id, (coalesce(post_id, 0)));
CREATE INDEX notifications_recipient ON notifications (recipient_id, id)
    WHERE dismissed_at IS NULL;

-- Shares get ids from the posts' sequence: a share is a timeline entry (a Mastodon reblog)
-- whose id never collides with a post's, and orders with them by time.
ALTER TABLE group_shares ADD COLUMN id bigint NOT NULL DEFAULT nextval('posts_id_seq');
CREATE UNIQUE INDEX group_shares_id ON group_shares (id);
CREATE INDEX group_shares_sharer ON group_shares (group_id, id);
CREATE INDEX posts_local_public ON posts (id) WHERE local AND deleted_at IS NULL;
