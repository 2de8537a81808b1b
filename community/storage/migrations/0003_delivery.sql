-- The durable delivery queue (outbox/): one row per (activity, target inbox), written in the
-- same transaction as the activity, and what we know of each remote host's health.
-- States, policy and tuning: docs/delivery.md.

CREATE TABLE deliveries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    activity_id bigint NOT NULL REFERENCES activities ON DELETE CASCADE,
    -- the local actor whose key signs the request
    sender_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    inbox_uri text NOT NULL,
    -- host[:port] of inbox_uri, lower-case: the key of delivery_hosts
    host text NOT NULL,
    state text NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'claimed', 'delivered', 'rejected', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    -- set while a worker holds the row; a claim older than the visibility timeout is reclaimed
    claimed_at timestamptz,
    claim_token bigint,
    -- what the last attempt got, for the admin
    last_status integer,
    last_error text,
    response_excerpt text,
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    UNIQUE (activity_id, inbox_uri)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at, id) WHERE state = 'queued';
CREATE INDEX deliveries_claimed ON deliveries (host, claimed_at) WHERE state = 'claimed';
CREATE INDEX deliveries_host ON deliveries (host, state);
CREATE INDEX deliveries_finished ON deliveries (finished_at) WHERE finished_at IS NOT NULL;

-- Per-host health, shared by every worker process.
CREATE TABLE delivery_hosts (
    host text PRIMARY KEY,
    -- circuit breaker: failures in a row; past the threshold the host is paused
    consecutive_failures integer NOT NULL DEFAULT 0,
    paused_until timestamptz,
    -- distinct UTC days with failures since the last success (Mastodon's rule)
    failing_days integer NOT NULL DEFAULT 0,
    last_failure_day date,
    -- set once failing_days reaches the threshold: no deliveries until a success or a
    -- signed request from the host (outbox.mark_host_alive) or `fediverse deliveries retry`
    unavailable_since timestamptz,
    last_error text,
    last_failure_at timestamptz,
    last_success_at timestamptz,
    -- which signature scheme the host accepted ('cavage' today; 'rfc9421' later)
    signature_scheme text,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Inboxes that answered 410 Gone: nothing more is queued for them.
CREATE TABLE delivery_gone_inboxes (
    inbox_uri text PRIMARY KEY,
    host text NOT NULL,
    gone_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX delivery_gone_inboxes_host ON delivery_gone_inboxes (host);
