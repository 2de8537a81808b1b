-- Hardening, part 2 (issue 11): one Create per post, members-only posts of private groups,
-- delivery claims tied to a live worker, and the inbox's per-actor order across claims.

-- The first Create that brought a post here: another Create of the same object (a different
-- activity id) changes nothing, so a group never announces one post twice.
ALTER TABLE posts ADD COLUMN create_uri text;

-- A claim (of a delivery, of an inbox item) names the worker that holds it (its lease number,
-- outbox/lease.py): when the worker's session ends, its advisory lock goes and its claims are
-- taken back at once.
CREATE SEQUENCE worker_leases AS integer MINVALUE 1 CYCLE;
ALTER TABLE deliveries ADD COLUMN claimed_by integer;
ALTER TABLE inbox_items ADD COLUMN claimed_by integer;

-- The inbox worker claims no item of an actor that has one in hand (per-actor order, and room
-- for everyone else): the items in hand, by actor.
CREATE INDEX inbox_items_in_hand ON inbox_items (actor_uri) WHERE state = 'processing';

-- Members-only posts (community/audience.py): a private community's posts, whatever their
-- addressing, are for its members; those already stored in a closed group become so.
ALTER TABLE posts DROP CONSTRAINT posts_visibility_check;
ALTER TABLE posts ADD CONSTRAINT posts_visibility_check
    CHECK (visibility IN ('public', 'unlisted', 'followers', 'direct', 'members'));
UPDATE posts p SET visibility = 'members'
FROM actors g
WHERE g.id = p.group_id AND g.type = 'Group' AND g.manually_approves_followers;
-- ... and so do the replies under them, and our own activities that carried them out
UPDATE posts c SET visibility = 'members'
FROM posts root
WHERE root.id = c.root_id AND root.visibility = 'members' AND c.visibility <> 'members';
UPDATE activities t SET public = false
FROM posts p
WHERE t.type = 'Create' AND t.object_uri = p.uri AND p.visibility = 'members' AND t.public;
