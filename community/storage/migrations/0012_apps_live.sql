-- What members' apps need besides posting (issue 14, items 4–6): blocks, mutes and domain
-- blocks of people; bookmarks; timeline markers; read marks and mutes of conversations;
-- followed hashtags. Two SQL functions every timeline filters and searches by: `hides`
-- (whom a person does not want to see) and `post_hashtags` (a post's tags, indexed).

-- A person here blocks an account (Mastodon's blocks): neither sees the other.
CREATE TABLE blocks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    target_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    -- the Block we sent (a remote target), so that the Undo names it
    activity_uri text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (actor_id, target_id),
    CHECK (actor_id <> target_id)
);
CREATE INDEX blocks_listing ON blocks (actor_id, id);

-- A person here mutes an account: its posts leave their timelines (and, with
-- hide_notifications, its notifications too), until expires_at if set.
CREATE TABLE mutes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    target_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    hide_notifications boolean NOT NULL DEFAULT true,
    expires_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (actor_id, target_id),
    CHECK (actor_id <> target_id)
);
CREATE INDEX mutes_listing ON mutes (actor_id, id);

-- A person here hides a whole server (Mastodon's account_domain_blocks): the exact domain
-- as accounts carry it (host[:port], lower case).
CREATE TABLE account_domain_blocks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    domain text NOT NULL CHECK (domain <> '' AND domain = lower(domain)),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (actor_id, domain)
);
CREATE INDEX account_domain_blocks_listing ON account_domain_blocks (actor_id, id);

CREATE TABLE bookmarks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    post_id bigint NOT NULL REFERENCES posts ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (actor_id, post_id)
);
CREATE INDEX bookmarks_listing ON bookmarks (actor_id, id);

-- Where a person stopped reading (Mastodon's markers), saved by one app, read by another.
CREATE TABLE markers (
    actor_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    timeline text NOT NULL CHECK (timeline IN ('home', 'notifications')),
    last_read_id bigint NOT NULL,
    version integer NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (actor_id, timeline)
);

-- A person's marks on a conversation (a thread of direct posts, named by its root post):
-- read up to a post, removed (hidden until a newer post arrives).
CREATE TABLE conversation_marks (
    actor_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    root_id bigint NOT NULL REFERENCES posts ON DELETE CASCADE,
    read_up_to bigint NOT NULL DEFAULT 0,
    removed_up_to bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (actor_id, root_id)
);

-- Mutes of a thread (`POST /api/v1/statuses/:id/mute`): no more mentions from it.
CREATE TABLE conversation_mutes (
    actor_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    root_id bigint NOT NULL REFERENCES posts ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (actor_id, root_id)
);

CREATE TABLE followed_tags (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    -- lower case, without '#'
    name text NOT NULL CHECK (name <> '' AND name = lower(name)),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (actor_id, name)
);
CREATE INDEX followed_tags_name ON followed_tags (name);

CREATE INDEX votes_likes_of ON votes (actor_id, id) WHERE kind = 'Like';
CREATE INDEX posts_direct ON posts (id)
    WHERE visibility = 'direct' AND group_id IS NULL AND deleted_at IS NULL;

-- Whether `viewer` does not want to see `actor`: a block either way, a live mute (for
-- notifications: one that hides them), or a block of the actor's server. Nobody (0) and
-- oneself hide nothing. A single SELECT, so the planner inlines it into each query.
CREATE FUNCTION hides(viewer bigint, actor bigint, notifications boolean DEFAULT false)
RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT viewer <> 0 AND viewer <> actor AND (
        EXISTS (SELECT 1 FROM blocks b
                WHERE (b.actor_id = viewer AND b.target_id = actor)
                   OR (b.actor_id = actor AND b.target_id = viewer))
        OR EXISTS (SELECT 1 FROM mutes m
                   WHERE m.actor_id = viewer AND m.target_id = actor
                     AND (m.expires_at IS NULL OR m.expires_at > now())
                     AND (m.hide_notifications OR NOT notifications))
        OR EXISTS (SELECT 1 FROM account_domain_blocks d JOIN actors a
                       ON lower(a.domain) = d.domain
                   WHERE d.actor_id = viewer AND a.id = actor))
$$;

-- A post's hashtags, lower case without '#', from its AS2 `tag` (an array or one object).
CREATE FUNCTION post_hashtags(raw jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT lower(ltrim(t ->> 'name', '#'))), '{}')
    FROM jsonb_array_elements(
        CASE jsonb_typeof(raw -> 'tag') WHEN 'array' THEN raw -> 'tag'
             WHEN 'object' THEN jsonb_build_array(raw -> 'tag') ELSE '[]'::jsonb END) t
    WHERE jsonb_typeof(t) = 'object' AND t ->> 'type' = 'Hashtag'
      AND ltrim(coalesce(t ->> 'name', ''), '#') <> ''
$$;
CREATE INDEX posts_hashtags ON posts USING gin (post_hashtags(raw))
    WHERE visibility = 'public' AND deleted_at IS NULL;
