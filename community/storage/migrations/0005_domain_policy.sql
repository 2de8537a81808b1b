-- Instance policy: domains we refuse to federate with (block), and in allow-list mode
-- (FEDIVERSE_FEDERATION_MODE=allowlist) the only ones we federate with (allow).
-- A rule covers the domain and all its subdomains. Numbered 0005: 0003 and 0004 belong to the
-- outbox and inbox migrations being written at the same time.

CREATE TABLE domain_rules (
    -- lower-case host name without port, IDNA (punycode) form
    domain text NOT NULL CHECK (domain <> '' AND domain = lower(domain)),
    kind text NOT NULL CHECK (kind IN ('block', 'allow')),
    reason text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (domain, kind)
);
