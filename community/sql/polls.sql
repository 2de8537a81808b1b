-- Polls (AS2 Question) and their votes.

-- name: insert_poll
INSERT INTO polls (post_id, options, counts, voters_count, multiple, expires_at, local)
VALUES ($1, $2, $3, coalesce($4, CASE WHEN $7 THEN 0 END), $5, $6, $7)
ON CONFLICT (post_id) DO NOTHING

-- name: refresh_poll
UPDATE polls SET options = $2, counts = $3, voters_count = $4, multiple = $5, expires_at = $6,
                 updated_at = now()
WHERE post_id = $1 AND NOT local

-- name: set_poll_hide_totals
UPDATE polls SET hide_totals = $2 WHERE post_id = $1

-- name: get_poll
SELECT * FROM polls WHERE post_id = $1

-- name: polls_of_posts
-- $1 post ids, $2 the viewer (0: nobody): with the choices the viewer made
SELECT p.*,
       (SELECT array_agg(v.choice ORDER BY v.choice) FROM poll_votes v
        WHERE v.post_id = p.post_id AND v.voter_id = $2) AS own_votes
FROM polls p WHERE p.post_id = ANY($1)

-- name: has_voted
SELECT EXISTS (SELECT 1 FROM poll_votes WHERE post_id = $1 AND voter_id = $2)

-- name: has_voted_for
SELECT EXISTS (SELECT 1 FROM poll_votes WHERE post_id = $1 AND voter_id = $2
               AND choice = ANY($3))

-- name: insert_poll_vote
INSERT INTO poll_votes (post_id, voter_id, choice, uri) VALUES ($1, $2, $3, $4)

-- name: count_poll
-- Our own poll: the counts are its votes.
UPDATE polls p SET
    counts = (SELECT array_agg((SELECT count(*) FROM poll_votes v
                                WHERE v.post_id = p.post_id AND v.choice = o.i - 1)
                               ORDER BY o.i)
              FROM generate_subscripts(p.options, 1) AS o (i)),
    voters_count = (SELECT count(DISTINCT voter_id) FROM poll_votes v WHERE v.post_id = p.post_id),
    updated_at = now()
WHERE p.post_id = $1

-- name: add_to_poll
-- A poll from elsewhere: our voter's choices count until its author's server says more.
UPDATE polls p SET
    counts = (SELECT array_agg(p.counts[o.i] + CASE WHEN o.i - 1 = ANY($2) THEN 1 ELSE 0 END
                               ORDER BY o.i)
              FROM generate_subscripts(p.options, 1) AS o (i)),
    voters_count = p.voters_count + CASE WHEN $3 THEN 1 ELSE 0 END,
    updated_at = now()
WHERE p.post_id = $1

-- name: delete_poll_votes
DELETE FROM poll_votes WHERE post_id = $1

-- name: poll_voters
-- Who voted on a poll, each once (their actor ids), and who shared the post.
SELECT voter_id AS actor_id FROM poll_votes WHERE post_id = $1
UNION
SELECT group_id FROM group_shares WHERE post_id = $1
