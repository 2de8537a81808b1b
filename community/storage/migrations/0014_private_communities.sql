-- Private communities (issue 15): a community's visibility is a setting of its own.
--   public    its posts are public, it is listed (directory, front page, search);
--   unlisted  its posts are public but it is left out of the directory, front page and search;
--   private   its posts are for its accepted members only (community/audience.py), and it is
--             closed (members join by a moderator's approval).
-- Until now a closed group was private: existing closed groups stay private. A remote group's
-- visibility is read from its Group document as Lemmy reads it (manuallyApprovesFollowers:
-- private; discoverable false: unlisted), see community/sql/remote.sql.

ALTER TABLE actors ADD COLUMN community_visibility text NOT NULL DEFAULT 'public'
    CHECK (community_visibility IN ('public', 'unlisted', 'private'));

UPDATE actors SET community_visibility = 'private'
WHERE type = 'Group' AND manually_approves_followers;

UPDATE actors SET community_visibility = 'unlisted'
WHERE type = 'Group' AND NOT local AND NOT manually_approves_followers AND NOT discoverable;

-- A private community is closed, whoever writes the row.
ALTER TABLE actors ADD CONSTRAINT actors_private_is_closed
    CHECK (community_visibility <> 'private' OR manually_approves_followers);
