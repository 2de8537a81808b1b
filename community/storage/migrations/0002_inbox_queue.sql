-- The durable inbox queue: every verified activity lands here before anything acts on it.
-- Activities of our own actors addressed to local recipients are queued here too (verified_by
-- 'local'), so they are processed exactly as if they had arrived over HTTP.

CREATE TABLE inbox_items (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- de-duplication: an activity is processed once, however many inboxes it reached
    activity_uri text NOT NULL UNIQUE,
    activity_type text NOT NULL,
    actor_uri text NOT NULL,
    -- the local actor whose own inbox received it; NULL for the shared inbox and local items
    recipient_id bigint REFERENCES actors ON DELETE SET NULL,
    -- the exact JSON text received (forwarding needs it byte-exact)
    body text NOT NULL,
    verified_by text NOT NULL CHECK (verified_by IN ('cavage', 'rfc9421', 'local')),
    key_id text,
    state text NOT NULL DEFAULT 'received'
        CHECK (state IN ('received', 'processing', 'processed', 'ignored', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_at timestamptz,
    -- why processing failed or was ignored, for the admin
    error text,
    received_at timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz
);
CREATE INDEX inbox_items_due ON inbox_items (next_attempt_at, id)
    WHERE state IN ('received', 'processing');
