-- Actors (ours and others'), their keys, groups' moderators, follows (= membership),
-- local accounts, and what we know about other instances.

CREATE TABLE actors (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uri text NOT NULL UNIQUE,
    type text NOT NULL
        CHECK (type IN ('Person', 'Group', 'Application', 'Service', 'Organization')),
    username text NOT NULL,
    -- host[:port] of the actor's server; ours for local actors
    domain text NOT NULL,
    local boolean NOT NULL,
    name text NOT NULL DEFAULT '',
    summary text NOT NULL DEFAULT '',
    url text,
    icon_url text,
    inbox_uri text,
    shared_inbox_uri text,
    outbox_uri text,
    followers_uri text,
    following_uri text,
    featured_uri text,
    moderators_uri text,
    manually_approves_followers boolean NOT NULL DEFAULT false,
    discoverable boolean NOT NULL DEFAULT true,
    -- who may post into a group: its members, anyone not banned, or its moderators
    posting_policy text NOT NULL DEFAULT 'members'
        CHECK (posting_policy IN ('members', 'anyone', 'moderators')),
    -- the actor document as last fetched (remote actors only)
    raw jsonb,
    published timestamptz NOT NULL DEFAULT now(),
    updated timestamptz NOT NULL DEFAULT now(),
    fetched_at timestamptz
);

-- One namespace for local people and groups, case-insensitive (Mastodon's rule).
-- The instance actor is named after the domain and stays out of it.
CREATE UNIQUE INDEX actors_local_username ON actors (lower(username))
    WHERE local AND type <> 'Application';
CREATE INDEX actors_remote_acct ON actors (lower(username), lower(domain)) WHERE NOT local;
CREATE INDEX actors_domain ON actors (lower(domain));

CREATE TABLE actor_keys (
    key_id text PRIMARY KEY,
    actor_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    public_key_pem text NOT NULL,
    -- set only for our own actors
    private_key_pem text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX actor_keys_actor ON actor_keys (actor_id);

CREATE TABLE group_moderators (
    group_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    actor_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    role text NOT NULL DEFAULT 'moderator' CHECK (role IN ('owner', 'moderator')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, actor_id)
);

-- A follow of any actor by any actor. For a group, its accepted followers are its members.
CREATE TABLE follows (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    follower_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    followee_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    state text NOT NULL CHECK (state IN ('pending', 'accepted')),
    -- id of the Follow activity, so that Accept/Reject/Undo can refer to it
    activity_uri text,
    created_at timestamptz NOT NULL DEFAULT now(),
    accepted_at timestamptz,
    UNIQUE (follower_id, followee_id)
);
CREATE INDEX follows_followee ON follows (followee_id, state, id);
CREATE INDEX follows_follower ON follows (follower_id, state, id);

-- Local accounts that can sign in (the actor carries the public identity).
CREATE TABLE users (
    actor_id bigint PRIMARY KEY REFERENCES actors ON DELETE CASCADE,
    email text,
    password_hash text,
    state text NOT NULL DEFAULT 'active' CHECK (state IN ('pending', 'active', 'suspended')),
    is_admin boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_active_at timestamptz
);

-- Activities authored here (by our actors), as served and as delivered.
CREATE TABLE activities (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uri text NOT NULL UNIQUE,
    type text NOT NULL,
    actor_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    object_uri text,
    -- the exact JSON text we serve and sign
    body text NOT NULL,
    public boolean NOT NULL DEFAULT true,
    published timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activities_outbox ON activities (actor_id, id) WHERE public;
CREATE INDEX activities_object ON activities (object_uri);

-- What we know about other servers.
CREATE TABLE instances (
    domain text PRIMARY KEY,
    software_name text,
    software_version text,
    nodeinfo_fetched_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
