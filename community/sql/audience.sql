-- Who may see members-only posts (community/audience.py).

-- name: group_has_member_on
-- Whether group $1 has an accepted member on the server at domain $2.
SELECT EXISTS (SELECT 1 FROM follows f JOIN actors a ON a.id = f.follower_id
               WHERE f.followee_id = $1 AND f.state = 'accepted' AND a.domain = $2)
