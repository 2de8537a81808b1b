-- What communities hold: posts and comments (ours and others'), which groups shared them,
-- votes, bans, reports, and tombstones of deleted objects.

CREATE TABLE posts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uri text NOT NULL UNIQUE,
    type text NOT NULL,
    author_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    -- the community it was posted to (a local or remote group), if any
    group_id bigint REFERENCES actors ON DELETE SET NULL,
    in_reply_to_uri text,
    -- the top-level post of its thread (itself for a top-level post), once known
    root_id bigint REFERENCES posts ON DELETE SET NULL,
    url text,
    -- the post's name, or for posts without one its first line (as Lemmy does)
    title text NOT NULL DEFAULT '',
    -- sanitised HTML, safe to show
    content_html text NOT NULL DEFAULT '',
    -- content warning / spoiler text
    summary text,
    sensitive boolean NOT NULL DEFAULT false,
    language text,
    visibility text NOT NULL DEFAULT 'public'
        CHECK (visibility IN ('public', 'unlisted', 'followers', 'direct')),
    local boolean NOT NULL,
    -- the object as received or as we serve it
    raw jsonb NOT NULL,
    published timestamptz NOT NULL DEFAULT now(),
    updated timestamptz,
    deleted_at timestamptz,
    pinned boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX posts_group ON posts (group_id, id) WHERE deleted_at IS NULL;
CREATE INDEX posts_in_reply_to ON posts (in_reply_to_uri);
CREATE INDEX posts_root ON posts (root_id, id);
CREATE INDEX posts_author ON posts (author_id, id);

-- Each group that shared (announced) a post; a post is stored once however many did.
CREATE TABLE group_shares (
    post_id bigint NOT NULL REFERENCES posts ON DELETE CASCADE,
    group_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    announce_uri text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (post_id, group_id)
);
CREATE INDEX group_shares_group ON group_shares (group_id, created_at);

-- Likes and dislikes (Lemmy's votes, Mastodon's favourites).
CREATE TABLE votes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    post_id bigint NOT NULL REFERENCES posts ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('Like', 'Dislike')),
    activity_uri text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (actor_id, post_id)
);
CREATE INDEX votes_post ON votes (post_id);

-- People banned from a group (ours: by its moderators; theirs: as their Block told us).
CREATE TABLE group_bans (
    group_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    actor_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    reason text NOT NULL DEFAULT '',
    expires_at timestamptz,
    activity_uri text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, actor_id)
);

-- Reports (Flag) for the moderators of a group or the admins.
CREATE TABLE reports (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    activity_uri text UNIQUE,
    reporter_id bigint REFERENCES actors ON DELETE SET NULL,
    group_id bigint REFERENCES actors ON DELETE CASCADE,
    target_uris text[] NOT NULL,
    content text NOT NULL DEFAULT '',
    state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Objects known to be deleted, so that a late or replayed Create cannot bring them back.
CREATE TABLE tombstones (
    uri text PRIMARY KEY,
    deleted_by text,
    deleted_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE actors ADD COLUMN deleted_at timestamptz;
ALTER TABLE actors ADD COLUMN moved_to_uri text;
ALTER TABLE actors ADD COLUMN also_known_as text[] NOT NULL DEFAULT '{}';

-- Wake inbox workers as soon as something is queued (they also poll, in case one is missed).
CREATE FUNCTION notify_inbox_items() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('inbox_items', '');
    RETURN NULL;
END $$;
CREATE TRIGGER inbox_items_notify AFTER INSERT ON inbox_items
    FOR EACH STATEMENT EXECUTE FUNCTION notify_inbox_items();

-- Group announces come in two forms (FEP-1b12 wrapping, plain boost); remember which.
ALTER TABLE activities ADD COLUMN form text;
CREATE INDEX activities_actor_object ON activities (actor_id, object_uri, type);
