-- What the web pages sort and show threads by, kept on each post by triggers so that a page
-- of a community's threads is one index range however many posts the community holds:
-- replies and the time of the last one (for a thread: its whole tree), and votes.

ALTER TABLE posts ADD COLUMN replies_count integer NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN last_activity_at timestamptz;
ALTER TABLE posts ADD COLUMN upvotes integer NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN downvotes integer NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN score integer GENERATED ALWAYS AS (upvotes - downvotes) STORED;

UPDATE posts p SET
    last_activity_at = greatest(p.published, (SELECT max(c.published) FROM posts c
                                              WHERE c.root_id = p.id AND c.id <> p.id
                                                AND c.deleted_at IS NULL)),
    replies_count = (SELECT count(*) FROM posts c
                     WHERE c.root_id = p.id AND c.id <> p.id AND c.deleted_at IS NULL),
    upvotes = (SELECT count(*) FROM votes v WHERE v.post_id = p.id AND v.kind = 'Like'),
    downvotes = (SELECT count(*) FROM votes v WHERE v.post_id = p.id AND v.kind = 'Dislike');
ALTER TABLE posts ALTER COLUMN last_activity_at SET DEFAULT now();
ALTER TABLE posts ALTER COLUMN last_activity_at SET NOT NULL;

-- A new post is active when it is published; a comment makes its whole thread active.
CREATE FUNCTION count_replies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.last_activity_at := NEW.published;
        IF NEW.root_id IS NOT NULL THEN
            UPDATE posts SET replies_count = replies_count + 1,
                             last_activity_at = greatest(last_activity_at, NEW.published)
            WHERE id = NEW.root_id;
        END IF;
    ELSIF OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
          AND NEW.root_id IS NOT NULL AND NEW.root_id <> NEW.id THEN
        UPDATE posts SET replies_count = replies_count - 1 WHERE id = NEW.root_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER posts_count_replies BEFORE INSERT OR UPDATE OF deleted_at ON posts
    FOR EACH ROW EXECUTE FUNCTION count_replies();

CREATE FUNCTION count_votes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE posts SET upvotes = upvotes - (OLD.kind = 'Like')::int,
                         downvotes = downvotes - (OLD.kind = 'Dislike')::int
        WHERE id = OLD.post_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        UPDATE posts SET upvotes = upvotes + (NEW.kind = 'Like')::int,
                         downvotes = downvotes + (NEW.kind = 'Dislike')::int
        WHERE id = NEW.post_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER votes_count AFTER INSERT OR DELETE OR UPDATE OF kind, post_id
    ON votes FOR EACH ROW EXECUTE FUNCTION count_votes();

-- A community's threads (top-level, not deleted, not pinned) newest, most active and best
-- first: each sort one index, read backwards from the keyset's cursor.
CREATE INDEX posts_threads_new ON posts (group_id, id)
    WHERE in_reply_to_uri IS NULL AND deleted_at IS NULL AND NOT pinned;
CREATE INDEX posts_threads_active ON posts (group_id, last_activity_at, id)
    WHERE in_reply_to_uri IS NULL AND deleted_at IS NULL AND NOT pinned;
CREATE INDEX posts_threads_top ON posts (group_id, score, id)
    WHERE in_reply_to_uri IS NULL AND deleted_at IS NULL AND NOT pinned;
