-- Delivery worker leases: a number per running worker, held as a session advisory lock.

-- name: next_worker_id
SELECT nextval('delivery_worker_ids')

-- name: try_lease
SELECT pg_try_advisory_lock($1::int, $2::int)

-- name: end_lease
SELECT pg_advisory_unlock($1::int, $2::int)
