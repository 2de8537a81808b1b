-- Whether something received concerns anyone here.

-- name: followed_by_local
SELECT EXISTS (SELECT 1 FROM follows f JOIN actors a ON a.id = f.follower_id
               WHERE f.followee_id = $1 AND f.state = 'accepted' AND a.local)

-- name: any_local_actor
SELECT EXISTS (SELECT 1 FROM actors WHERE uri = ANY($1) AND local)
