-- Who a live event reaches (community/streams.py); the rules of timelines.sql, asked of the
-- viewers one web process has connected.

-- name: home_viewers
-- Which of the viewers $3 see entry (post $1, shared by $2 or NULL: the post itself) in their
-- home timeline (as home_entries: own posts, followed authors, followed hashtags on public
-- posts; shares by followed sharers, a group's only of its threads; direct posts only to
-- those addressed).
SELECT v.id
FROM actors v JOIN posts p ON p.id = $1
WHERE v.id = ANY($3::bigint[])
  AND (p.visibility <> 'direct' OR p.author_id = v.id
       OR p.raw -> 'to' ? v.uri OR p.raw -> 'cc' ? v.uri)
  -- members-only posts (community/audience.py): to the group's members not banned, as
  -- home_entries
  AND (p.visibility <> 'members' OR p.author_id = v.id
       OR (EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = v.id
                   AND f.followee_id = p.group_id AND f.state = 'accepted')
           AND NOT EXISTS (SELECT 1 FROM group_bans b WHERE b.group_id = p.group_id
                           AND b.actor_id = v.id
                           AND (b.expires_at IS NULL OR b.expires_at > now()))))
  AND CASE WHEN $2::bigint IS NULL THEN
          p.author_id = v.id
          OR EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = v.id
                     AND f.followee_id = p.author_id AND f.state = 'accepted')
          OR (p.visibility = 'public' AND post_hashtags(p.raw) && ARRAY(
                  SELECT t.name FROM followed_tags t WHERE t.actor_id = v.id))
      ELSE
          EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = v.id
                  AND f.followee_id = $2 AND f.state = 'accepted')
          AND (p.in_reply_to_uri IS NULL
               OR EXISTS (SELECT 1 FROM actors s WHERE s.id = $2 AND s.type <> 'Group'))
      END

-- name: post_viewers
-- Which of the viewers $2 see post $1 in their home timeline, itself or through a share.
SELECT v.id
FROM actors v JOIN posts p ON p.id = $1
WHERE v.id = ANY($2::bigint[])
  AND (p.visibility <> 'direct' OR p.author_id = v.id
       OR p.raw -> 'to' ? v.uri OR p.raw -> 'cc' ? v.uri)
  -- members-only posts (community/audience.py): to the group's members not banned, as
  -- home_entries
  AND (p.visibility <> 'members' OR p.author_id = v.id
       OR (EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = v.id
                   AND f.followee_id = p.group_id AND f.state = 'accepted')
           AND NOT EXISTS (SELECT 1 FROM group_bans b WHERE b.group_id = p.group_id
                           AND b.actor_id = v.id
                           AND (b.expires_at IS NULL OR b.expires_at > now()))))
  AND (p.author_id = v.id
       OR EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = v.id
                  AND f.state = 'accepted'
                  AND (f.followee_id = p.author_id OR f.followee_id IN (
                      SELECT s.group_id FROM group_shares s WHERE s.post_id = p.id)))
       OR (p.visibility = 'public' AND post_hashtags(p.raw) && ARRAY(
               SELECT t.name FROM followed_tags t WHERE t.actor_id = v.id)))

-- name: shares_of_post
SELECT id, group_id FROM group_shares WHERE post_id = $1

-- name: viewer_flags
-- The viewers among $2 who favourited, reblogged, bookmarked post $1 or muted its thread.
SELECT x.viewer_id, bool_or(x.mark = 'favourited') AS favourited,
       bool_or(x.mark = 'reblogged') AS reblogged, bool_or(x.mark = 'bookmarked') AS bookmarked,
       bool_or(x.mark = 'muted') AS muted
FROM (
    SELECT actor_id AS viewer_id, 'favourited' AS mark FROM votes
    WHERE post_id = $1 AND kind = 'Like' AND actor_id = ANY($2::bigint[])
    UNION ALL
    SELECT group_id, 'reblogged' FROM group_shares
    WHERE post_id = $1 AND group_id = ANY($2::bigint[])
    UNION ALL
    SELECT actor_id, 'bookmarked' FROM bookmarks
    WHERE post_id = $1 AND actor_id = ANY($2::bigint[])
    UNION ALL
    SELECT cm.actor_id, 'muted' FROM conversation_mutes cm JOIN posts p
        ON cm.root_id = coalesce(p.root_id, p.id)
    WHERE p.id = $1 AND cm.actor_id = ANY($2::bigint[])
) x
GROUP BY x.viewer_id
