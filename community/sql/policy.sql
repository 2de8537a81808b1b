-- Instance policy: domain rules (community/policy.py).

-- name: list_domain_rules
SELECT domain, kind, reason, created_at FROM domain_rules ORDER BY kind, domain;

-- name: upsert_domain_rule
-- Returns true when the rule is new, false when it existed (a non-empty reason replaces its own).
INSERT INTO domain_rules (domain, kind, reason) VALUES ($1, $2, $3)
ON CONFLICT (domain, kind) DO UPDATE
    SET reason = CASE WHEN EXCLUDED.reason = '' THEN domain_rules.reason ELSE EXCLUDED.reason END
RETURNING (xmax = 0) AS created;

-- name: delete_domain_rule
DELETE FROM domain_rules WHERE domain = $1 AND kind = $2 RETURNING domain;

-- name: domain_rules_version
-- Bumped by a trigger on every change to domain_rules (migration 0008).
SELECT version FROM domain_rules_version;
