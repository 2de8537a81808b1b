-- Worker leases: a number per running worker (delivery or inbox), held as a session advisory
-- lock.

-- name: next_worker_id
SELECT nextval('worker_leases')

-- name: try_lease
SELECT pg_try_advisory_lock($1::int, $2::int)

-- name: end_lease
SELECT pg_advisory_unlock($1::int, $2::int)
