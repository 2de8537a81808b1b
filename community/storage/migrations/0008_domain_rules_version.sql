-- Instance policy, seen at once by every process (issue 11, class 9): a counter that every
-- change to domain_rules bumps, in the same transaction. Each process reads it before a
-- decision (community/policy.py) and reloads the rules when it moved, so a block made by the
-- CLI or by another process applies to the very next request everywhere.

CREATE TABLE domain_rules_version (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version bigint NOT NULL
);
INSERT INTO domain_rules_version (version) VALUES (0);

CREATE FUNCTION bump_domain_rules_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE domain_rules_version SET version = version + 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER domain_rules_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON domain_rules
    FOR EACH STATEMENT EXECUTE FUNCTION bump_domain_rules_version();
