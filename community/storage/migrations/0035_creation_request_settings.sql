-- A member's request to create a group (FEDIVERSE_GROUP_CREATION=approval) keeps what they
-- chose besides its title and summary: whether it is closed, who may post, and who may read it
-- (issue 15). The admin's approval founds the group with them. Requests stored before keep the
-- defaults a group is created with (open, members post, public).
ALTER TABLE group_requests ADD COLUMN closed boolean NOT NULL DEFAULT false;
ALTER TABLE group_requests ADD COLUMN posting_policy text NOT NULL DEFAULT 'members'
    CHECK (posting_policy IN ('members', 'anyone', 'moderators'));
ALTER TABLE group_requests ADD COLUMN visibility text NOT NULL DEFAULT 'public'
    CHECK (visibility IN ('public', 'unlisted', 'private'));
