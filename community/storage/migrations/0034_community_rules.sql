-- A community's rules (issues 12/13: "profile and rules"), apart from its description: the
-- sanitised HTML of what its moderators wrote (Markdown), set by the edit_profile act
-- (outbox/governance/kinds/rules.py). NULL: none written. Only our groups have them; the
-- Group document carries them as fediverse:rules (community/render.py, FEDERATION.md).

ALTER TABLE actors ADD COLUMN rules text;
