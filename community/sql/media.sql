-- Media attachments: uploads here (with their stored files) and others' (linked).

-- name: insert_media
INSERT INTO media_attachments (account_id, type, content_type, url, preview_url, file_key,
                               preview_key, preview_content_type, file_size, width, height,
                               preview_width, preview_height, blurhash, description, focus_x,
                               focus_y, local)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, true)
RETURNING *

-- name: insert_remote_media
INSERT INTO media_attachments (account_id, post_id, position, type, content_type, url,
                               preview_url, width, height, blurhash, description, focus_x,
                               focus_y, local)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, false)

-- name: get_media_of_account
SELECT * FROM media_attachments WHERE id = $1 AND account_id = $2

-- name: get_media_by_ids
SELECT * FROM media_attachments WHERE id = ANY($1)

-- name: describe_media
UPDATE media_attachments SET description = $2, focus_x = $3, focus_y = $4
WHERE id = $1
RETURNING *

-- name: attach_media
-- $1 post, $2 the account, $3 media ids in order; each one the account's, unattached or
-- already this post's
UPDATE media_attachments m SET post_id = $1, position = wanted.position
FROM unnest($3::bigint[]) WITH ORDINALITY AS wanted (id, position)
WHERE m.id = wanted.id AND m.account_id = $2 AND (m.post_id IS NULL OR m.post_id = $1)
RETURNING m.*

-- name: detach_media_except
UPDATE media_attachments SET post_id = NULL WHERE post_id = $1 AND NOT (id = ANY($2))

-- name: media_of_posts
SELECT * FROM media_attachments WHERE post_id = ANY($1) ORDER BY post_id, position, id

-- name: find_media_file
SELECT CASE WHEN file_key = $1 THEN content_type ELSE preview_content_type END AS content_type
FROM media_attachments WHERE file_key = $1 OR preview_key = $1
