-- A community that can leave (issue 16): when an actor moved, whom a community's archive
-- listed as its followers, and accounts that were deleted.

-- When a local group (or person) moved to ``moved_to_uri`` (0004 added that column): its
-- followers collection stays readable for 90 days from then.
ALTER TABLE actors ADD COLUMN moved_at timestamptz;

-- The followers a community had on its old server, as its imported archive lists them: the
-- new group accepts their follows even when it is closed, and marks them on its log.
CREATE TABLE former_followers (
    group_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    actor_uri text NOT NULL,
    -- the group they followed (the archive's), and since when
    from_uri text NOT NULL,
    since timestamptz,
    PRIMARY KEY (group_id, actor_uri)
);

-- A deleted account keeps its row (its name is never given again) and signs in no more.
ALTER TABLE users DROP CONSTRAINT users_state_check;
ALTER TABLE users ADD CONSTRAINT users_state_check
    CHECK (state IN ('pending', 'active', 'suspended', 'deleted'));
