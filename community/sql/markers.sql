-- Reading positions (community/markers.py).

-- name: get_markers
SELECT timeline, last_read_id, version, updated_at FROM markers
WHERE actor_id = $1 AND timeline = ANY($2)

-- name: upsert_marker
INSERT INTO markers (actor_id, timeline, last_read_id) VALUES ($1, $2, $3)
ON CONFLICT (actor_id, timeline) DO UPDATE
    SET last_read_id = EXCLUDED.last_read_id, version = markers.version + 1,
        updated_at = now()
RETURNING timeline, last_read_id, version, updated_at
