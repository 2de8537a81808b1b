-- Hardening, part 2 (issue 11): one Create per post, members-only posts of private groups,
-- delivery claims tied to a live worker, and the inbox's per-actor order across claims.

-- The first Create that brought a post here: another Create of the same object (a different
-- activity id) changes nothing, so a group never announces one post twice.
ALTER TABLE posts ADD COLUMN create_uri text;

-- A delivery claim names the worker that holds it (its lease number, outbox/lease.py): when the
-- worker's session ends, its advisory lock goes and its claims are taken back at once.
CREATE SEQUENCE delivery_worker_ids AS integer MINVALUE 1 CYCLE;
ALTER TABLE deliveries ADD COLUMN claimed_by integer;
