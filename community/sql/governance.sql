-- Who governs a group (its moderators, all equal), its rules, proposals and their votes.

-- name: add_moderator
INSERT INTO group_moderators (group_id, actor_id) VALUES ($1, $2)
ON CONFLICT (group_id, actor_id) DO NOTHING
RETURNING actor_id

-- name: remove_moderator
DELETE FROM group_moderators WHERE group_id = $1 AND actor_id = $2 RETURNING actor_id

-- name: moderators_of
SELECT a.* FROM group_moderators m JOIN actors a ON a.id = m.actor_id
WHERE m.group_id = $1
ORDER BY m.created_at, a.id

-- name: count_moderators
SELECT count(*) FROM group_moderators WHERE group_id = $1

-- name: moderated_groups_of
-- The groups $1 moderates (ours and, as their servers told us, others').
SELECT g.* FROM group_moderators m JOIN actors g ON g.id = m.group_id
WHERE m.actor_id = $1 AND g.deleted_at IS NULL
ORDER BY lower(g.username)

-- name: moderator_inboxes
-- One inbox per server hosting a remote moderator of $1 (shared inbox preferred).
SELECT DISTINCT ON (a.domain) coalesce(a.shared_inbox_uri, a.inbox_uri) AS inbox_uri
FROM group_moderators m JOIN actors a ON a.id = m.actor_id
WHERE m.group_id = $1 AND NOT a.local AND coalesce(a.shared_inbox_uri, a.inbox_uri) IS NOT NULL
ORDER BY a.domain, a.shared_inbox_uri IS NULL

-- name: get_group_settings
SELECT coalesce(s.premoderation, 'off') AS premoderation,
       coalesce(s.quorum, 'majority') AS quorum
FROM (SELECT $1::bigint AS group_id) g
LEFT JOIN group_settings s ON s.group_id = g.group_id

-- name: set_premoderation
INSERT INTO group_settings (group_id, premoderation) VALUES ($1, $2)
ON CONFLICT (group_id) DO UPDATE SET premoderation = EXCLUDED.premoderation

-- name: set_quorum
INSERT INTO group_settings (group_id, quorum) VALUES ($1, $2)
ON CONFLICT (group_id) DO UPDATE SET quorum = EXCLUDED.quorum

-- name: update_group_profile
UPDATE actors
SET name = coalesce($2, name),
    summary = coalesce($3, summary),
    posting_policy = coalesce($4, posting_policy),
    manually_approves_followers = coalesce($5, manually_approves_followers),
    rules = coalesce($6, rules),
    updated = now()
WHERE id = $1 AND local AND type = 'Group'
RETURNING *

-- name: mark_group_deleted
UPDATE actors SET deleted_at = now(), updated = now()
WHERE id = $1 AND local AND type = 'Group' AND deleted_at IS NULL
RETURNING *

-- name: insert_proposal
INSERT INTO governance_proposals (uri, group_id, kind, params, proposer_id, reason, act,
                                  act_body, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(days => $9))
RETURNING *

-- name: get_proposal
SELECT * FROM governance_proposals WHERE id = $1

-- name: get_proposal_of_group
SELECT * FROM governance_proposals WHERE id = $1 AND group_id = $2

-- name: find_open_proposal
-- An open proposal of the same act (kind and parameters) in the group.
SELECT * FROM governance_proposals
WHERE group_id = $1 AND kind = $2 AND params = $3 AND state = 'open' AND expires_at > now()
ORDER BY id LIMIT 1

-- name: list_proposals
-- $2: only the open ones (not decided, not expired).
SELECT * FROM governance_proposals
WHERE group_id = $1 AND (NOT $2 OR (state = 'open' AND expires_at > now()))
ORDER BY id DESC LIMIT $3

-- name: decide_proposal
UPDATE governance_proposals SET state = $2, decided_at = now()
WHERE id = $1 AND state = 'open'
RETURNING *

-- name: upsert_governance_vote
INSERT INTO governance_votes (proposal_id, voter_id, approve) VALUES ($1, $2, $3)
ON CONFLICT (proposal_id, voter_id) DO UPDATE
    SET approve = EXCLUDED.approve, created_at = now()

-- name: tally_votes
-- Votes of the group's moderators as they are now (a former moderator's vote no longer counts).
SELECT count(*) FILTER (WHERE v.approve) AS approvals,
       count(*) FILTER (WHERE NOT v.approve) AS declines,
       (SELECT count(*) FROM group_moderators WHERE group_id = $2) AS moderators
FROM governance_votes v
JOIN group_moderators m ON m.actor_id = v.voter_id AND m.group_id = $2
WHERE v.proposal_id = $1

-- name: votes_on
SELECT v.approve, v.created_at, a.uri, a.username, a.domain, a.local
FROM governance_votes v JOIN actors a ON a.id = v.voter_id
WHERE v.proposal_id = $1
ORDER BY v.created_at

-- name: insert_group_request
INSERT INTO group_requests
    (username, requester_id, title, summary, closed, posting_policy, visibility)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT DO NOTHING
RETURNING *

-- name: take_group_request
DELETE FROM group_requests WHERE lower(username) = lower($1) RETURNING *

-- name: list_group_requests
SELECT r.*, a.username AS requester FROM group_requests r JOIN actors a ON a.id = r.requester_id
ORDER BY r.created_at
