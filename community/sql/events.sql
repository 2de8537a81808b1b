-- Live events (community/events.py): published on commit, heard by every web process.

-- name: publish_event
-- $1 channel, $2 payload (ids only, a few dozen bytes)
SELECT pg_notify($1, $2)

-- name: listener_ping
SELECT 1
