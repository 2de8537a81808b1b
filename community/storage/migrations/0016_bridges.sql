-- Bridges between communities, relays, and the directory (issue 17).
--
-- * a bridge: one of our communities follows another community (here or elsewhere) and
--   re-announces its posts to its own members; the follow itself is a row of follows (its
--   state: pending until the other community accepts), the bridge holds what crosses it;
-- * the posts a community carried over a bridge, and those its moderators took down locally;
-- * relays the instance subscribes to, and the communities that publish to them;
-- * communities learned from relays (the directory also lists those followed from here), and
--   the communities a community recommends.

CREATE TABLE bridges (
    -- the community of ours that follows (the bridging community)
    group_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    -- the community it follows (the source)
    source_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    -- which posts cross: threads only ('top'), or threads and their replies ('all')
    filter text NOT NULL DEFAULT 'all' CHECK (filter IN ('all', 'top')),
    -- a thread crosses when it mentions one of these words (none: any thread)
    words text[] NOT NULL DEFAULT '{}',
    -- a thread that mentions one of these words never crosses
    muted text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, source_id)
);
CREATE INDEX bridges_source ON bridges (source_id);

CREATE TABLE bridged_posts (
    group_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    post_id bigint NOT NULL REFERENCES posts ON DELETE CASCADE,
    -- the community it came from
    source_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    -- set when the bridging community's moderators took it down on their side
    withdrawn_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, post_id)
);
CREATE INDEX bridged_posts_post ON bridged_posts (post_id);

CREATE TABLE relays (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- the relay as the admin named it (its actor, or its inbox)
    url text NOT NULL UNIQUE,
    inbox_uri text NOT NULL,
    -- the relay's actor: known at once for a LitePub relay, from its Accept for the others
    actor_uri text,
    -- 'litepub': Follow of the relay's actor; 'mastodon': Follow of as:Public to its inbox
    kind text NOT NULL CHECK (kind IN ('litepub', 'mastodon')),
    -- our instance actor's Follow
    follow_uri text NOT NULL UNIQUE,
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'rejected')),
    created_at timestamptz NOT NULL DEFAULT now(),
    answered_at timestamptz
);

CREATE TABLE relay_groups (
    -- a community of ours whose public posts are published to the instance's relays
    group_id bigint PRIMARY KEY REFERENCES actors ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE discovered_groups (
    -- a community of another server we learned of from a relay
    actor_id bigint PRIMARY KEY REFERENCES actors ON DELETE CASCADE,
    via text NOT NULL CHECK (via IN ('relay', 'bridge', 'follow')),
    -- its members, as its followers collection counted them when we looked
    member_count bigint,
    discovered_at timestamptz NOT NULL DEFAULT now(),
    seen_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE group_recommendations (
    group_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    recommended_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, recommended_id)
);
