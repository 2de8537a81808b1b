-- The directory of communities: ours, and those learned through follows, bridges and relays.

-- name: directory_entries
-- $1 words (NULL: any), $2 tag (lower case, no #; NULL: any), $3 language (NULL: any),
-- $4 local only, $5 at most this many, $6 newest first (else the most recently active).
-- Which of them are listed is community.directory.is_listed's business, not this query's.
WITH candidates AS (
    SELECT a.*,
           d.via AS discovered_via, d.member_count AS discovered_members
    FROM actors a
    LEFT JOIN discovered_groups d ON d.actor_id = a.id
    WHERE a.type = 'Group'
      AND (a.local OR d.actor_id IS NOT NULL
           OR EXISTS (SELECT 1 FROM follows f JOIN actors l ON l.id = f.follower_id
                      WHERE f.followee_id = a.id AND l.local)
           OR EXISTS (SELECT 1 FROM group_recommendations r JOIN actors l ON l.id = r.group_id
                      WHERE r.recommended_id = a.id AND l.local))
      AND (NOT $4 OR a.local)
), described AS (
    SELECT c.*,
           (SELECT count(*) FROM follows f WHERE f.followee_id = c.id
                AND f.state = 'accepted') AS known_members,
           (SELECT max(p.published) FROM posts p WHERE p.group_id = c.id
                AND p.deleted_at IS NULL) AS last_post_at,
           coalesce(
               c.raw #>> '{language,0,identifier}',
               c.raw #>> '{language,identifier}',
               (SELECT mode() WITHIN GROUP (ORDER BY p.language) FROM (
                    SELECT language FROM posts WHERE group_id = c.id AND language IS NOT NULL
                    ORDER BY id DESC LIMIT 200) p)
           ) AS language,
           EXISTS (SELECT 1 FROM bridges b JOIN actors l ON l.id = b.group_id
                   WHERE b.source_id = c.id AND l.local) AS bridged_here
    FROM candidates c
)
SELECT * FROM described
WHERE ($1::text IS NULL OR name ILIKE '%' || $1 || '%' OR summary ILIKE '%' || $1 || '%'
       OR username ILIKE '%' || $1 || '%')
  AND ($2::text IS NULL OR summary ~* ('(^|[^[:alnum:]_])#' || $2 || '($|[^[:alnum:]_])')
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(
                      CASE jsonb_typeof(raw -> 'tag') WHEN 'array' THEN raw -> 'tag'
                           ELSE '[]'::jsonb END) t
                  WHERE t ->> 'type' = 'Hashtag' AND lower(ltrim(t ->> 'name', '#')) = $2))
  AND ($3::text IS NULL OR lower(language) = $3 OR lower(language) LIKE $3 || '-%')
ORDER BY CASE WHEN $6 THEN published END DESC NULLS LAST,
         greatest(last_post_at, published) DESC NULLS LAST, id DESC
LIMIT $5

-- name: upsert_discovered
INSERT INTO discovered_groups (actor_id, via, member_count) VALUES ($1, $2, $3)
ON CONFLICT (actor_id) DO UPDATE
    SET seen_at = now(), member_count = coalesce(EXCLUDED.member_count,
                                                 discovered_groups.member_count)
RETURNING *

-- name: insert_recommendation
INSERT INTO group_recommendations (group_id, recommended_id) VALUES ($1, $2)
ON CONFLICT DO NOTHING RETURNING *

-- name: delete_recommendation
DELETE FROM group_recommendations WHERE group_id = $1 AND recommended_id = $2 RETURNING *

-- name: recommended_by
SELECT a.* FROM group_recommendations r JOIN actors a ON a.id = r.recommended_id
WHERE r.group_id = $1 AND a.deleted_at IS NULL
ORDER BY r.created_at, a.id

-- name: local_groups
SELECT * FROM actors WHERE local AND type = 'Group' ORDER BY username
