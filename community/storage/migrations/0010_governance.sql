-- No super user: a community is governed by its moderators together (issue 12).
--
-- * every moderator has the same powers: the owner role goes;
-- * a group's own rules (pre-moderation, the quorum of its two-person rule);
-- * proposals and their votes (acts that need a second moderator's consent);
-- * the moderation log: one row per act, proposal and vote, which no one can edit or delete;
-- * what moderation keeps on posts (removed with a reason, locked), posts held for approval,
--   resolved reports, moderators' report notifications, and requests to create a group.

-- There is no owner above the moderators.
ALTER TABLE group_moderators DROP COLUMN role;

CREATE TABLE group_settings (
    group_id bigint PRIMARY KEY REFERENCES actors ON DELETE CASCADE,
    -- posts that wait for a moderator: none, a member's first 3, or all
    premoderation text NOT NULL DEFAULT 'off' CHECK (premoderation IN ('off', 'new', 'all')),
    -- approvals a proposal needs: more than half of the moderators, or all of them
    quorum text NOT NULL DEFAULT 'majority' CHECK (quorum IN ('majority', 'unanimous'))
);

CREATE TABLE governance_proposals (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- the proposal's id (its Offer on the moderation log)
    uri text NOT NULL UNIQUE,
    group_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    -- the act kind (outbox.governance's registry) and its parameters
    kind text NOT NULL,
    params jsonb NOT NULL DEFAULT '{}',
    proposer_id bigint NOT NULL REFERENCES actors,
    reason text NOT NULL DEFAULT '',
    -- the act itself (its AS2 activity), applied as it is once the quorum is reached
    act jsonb NOT NULL,
    -- the act's exact text when it came from another server (re-shared byte-exact)
    act_body text,
    state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'applied', 'declined')),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    decided_at timestamptz
);
CREATE INDEX governance_proposals_group ON governance_proposals (group_id, id);

CREATE TABLE governance_votes (
    proposal_id bigint NOT NULL REFERENCES governance_proposals ON DELETE CASCADE,
    voter_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    approve boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (proposal_id, voter_id)
);

-- The moderation log: one row and one AS2 activity per act, proposal and vote.
CREATE TABLE modlog (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id bigint NOT NULL REFERENCES actors,
    -- the act kind, or 'propose' / 'approve' / 'decline'
    kind text NOT NULL,
    -- the moderator, or the instance actor for an admin's act
    actor_id bigint NOT NULL REFERENCES actors,
    by_admin boolean NOT NULL DEFAULT false,
    proposal_id bigint REFERENCES governance_proposals,
    -- the item's id, and the item as served: type, actor, object, summary, published
    activity_uri text NOT NULL UNIQUE,
    activity jsonb NOT NULL,
    reason text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX modlog_group ON modlog (group_id, id);

CREATE FUNCTION refuse_modlog_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the moderation log is append-only: entries are never edited or deleted'
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER modlog_append_only BEFORE UPDATE OR DELETE ON modlog
    FOR EACH ROW EXECUTE FUNCTION refuse_modlog_change();
CREATE TRIGGER modlog_no_truncate BEFORE TRUNCATE ON modlog
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_modlog_change();

-- A post removed by a moderator keeps its content (it can be restored); an author's deletion
-- does not. A locked thread takes no replies.
ALTER TABLE posts ADD COLUMN removed_at timestamptz;
ALTER TABLE posts ADD COLUMN removal_reason text NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN locked boolean NOT NULL DEFAULT false;

-- Posts waiting for a moderator (pre-moderation): stored, neither announced nor shown.
CREATE TABLE held_posts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    author_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    object_uri text NOT NULL,
    -- the Create exactly as received: announced byte-exact once approved
    activity_uri text NOT NULL,
    activity_body text NOT NULL,
    -- the post as its origin vouched for it
    object jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (group_id, object_uri)
);

ALTER TABLE reports ADD COLUMN resolved_by bigint REFERENCES actors ON DELETE SET NULL;
ALTER TABLE reports ADD COLUMN resolved_at timestamptz;
CREATE INDEX reports_group ON reports (group_id, id);

-- Moderators hear of reports as Mastodon's `admin.report` notifications.
ALTER TABLE notifications ADD COLUMN report_id bigint REFERENCES reports ON DELETE CASCADE;
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (
    kind IN ('follow', 'follow_request', 'mention', 'reblog', 'favourite', 'admin.report')
);

-- FEDIVERSE_GROUP_CREATION=approval: a member's request to create a group, until an admin
-- answers.
CREATE TABLE group_requests (
    username text PRIMARY KEY,
    requester_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    title text NOT NULL DEFAULT '',
    summary text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX group_requests_name ON group_requests (lower(username));
