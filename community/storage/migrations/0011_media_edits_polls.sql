-- Members' apps, part one: media attachments (uploads here, others' linked), the history of
-- edited posts, and polls with their votes.

-- A picture uploaded here (its files in the media store), or one attached to a post from
-- elsewhere (linked where it lives: url, no files of ours).
CREATE TABLE media_attachments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- who uploaded it (ours), or the author of the post that carries it (others')
    account_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    -- NULL until a post carries it (an upload waits for its status)
    post_id bigint REFERENCES posts ON DELETE SET NULL,
    position smallint NOT NULL DEFAULT 0,
    type text NOT NULL DEFAULT 'image'
        CHECK (type IN ('image', 'gifv', 'video', 'audio', 'unknown')),
    content_type text NOT NULL,
    url text NOT NULL,
    preview_url text,
    -- the store's keys of an upload's files (NULL for others' attachments)
    file_key text UNIQUE,
    preview_key text UNIQUE,
    preview_content_type text,
    file_size bigint,
    width integer,
    height integer,
    preview_width integer,
    preview_height integer,
    blurhash text,
    -- alt text
    description text NOT NULL DEFAULT '',
    focus_x real,
    focus_y real,
    local boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_attachments_post ON media_attachments (post_id, position)
    WHERE post_id IS NOT NULL;

-- The versions a post had before each edit (the current one is the post itself).
CREATE TABLE post_edits (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id bigint NOT NULL REFERENCES posts ON DELETE CASCADE,
    title text NOT NULL DEFAULT '',
    content_html text NOT NULL DEFAULT '',
    summary text,
    sensitive boolean NOT NULL DEFAULT false,
    raw jsonb NOT NULL,
    media_ids bigint[] NOT NULL DEFAULT '{}',
    -- since when this version stood: the post's publication, or the edit that made it
    created_at timestamptz NOT NULL
);
CREATE INDEX post_edits_post ON post_edits (post_id, id);

-- A poll (an AS2 Question). Ours count their votes here; others' show the counts their
-- author's server last sent (Update{Question}), plus our own people's votes meanwhile.
CREATE TABLE polls (
    post_id bigint PRIMARY KEY REFERENCES posts ON DELETE CASCADE,
    options text[] NOT NULL,
    counts bigint[] NOT NULL,
    voters_count bigint,
    multiple boolean NOT NULL DEFAULT false,
    hide_totals boolean NOT NULL DEFAULT false,
    expires_at timestamptz,
    local boolean NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One choice of one voter (a multiple-choice vote is several rows).
CREATE TABLE poll_votes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id bigint NOT NULL REFERENCES polls ON DELETE CASCADE,
    voter_id bigint NOT NULL REFERENCES actors ON DELETE CASCADE,
    choice smallint NOT NULL,
    -- the vote's Note (Mastodon's shape: a Create of a Note named after the option)
    uri text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (post_id, voter_id, choice)
);
CREATE INDEX poll_votes_voter ON poll_votes (voter_id);
