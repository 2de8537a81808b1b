"""The health figures behind /readyz, `fediverse status` and the Prometheus gauges."""

import asyncpg

from community.groups import create_group
from community.health import collect_health
from community.metrics import REGISTRY, apply_health
from community.policy import add_domain_rule
from community.storage.database import connect
from community.urls import Urls

INSERT_ITEM = """
    INSERT INTO inbox_items (activity_uri, activity_type, actor_uri, body, verified_by, state,
                             received_at)
    VALUES ($1, 'Create', 'https://remote.example/users/a', '{}', 'cavage', $2,
            now() - make_interval(secs => $3))
"""


async def test_a_fresh_database_is_ready_with_empty_queues(conn: asyncpg.Connection) -> None:
    report = await collect_health(conn)
    assert report.ready
    assert report.migrations_pending == 0
    assert report.inbox is not None
    assert report.inbox.by_state == {}
    assert report.inbox.oldest_age_seconds is None
    assert report.deliveries is not None
    assert report.deliveries.by_state == {}
    assert report.hosts is not None
    assert (report.hosts.paused, report.hosts.unavailable) == (0, 0)
    assert report.domain_rules == {"block": 0, "allow": 0}


async def test_inbox_figures_count_states_and_the_oldest_waiting(
    conn: asyncpg.Connection,
) -> None:
    await conn.execute(INSERT_ITEM, "https://r.example/1", "received", 90.0)
    await conn.execute(INSERT_ITEM, "https://r.example/2", "processing", 30.0)
    await conn.execute(INSERT_ITEM, "https://r.example/3", "failed", 5000.0)
    await conn.execute(INSERT_ITEM, "https://r.example/4", "processed", 9000.0)
    await add_domain_rule(conn, "bad.example", "block")
    report = await collect_health(conn)
    assert report.inbox is not None
    assert report.inbox.by_state == {"received": 1, "processing": 1, "failed": 1, "processed": 1}
    assert report.inbox.oldest_age_seconds is not None
    assert 90 <= report.inbox.oldest_age_seconds < 200, "failed/processed items do not wait"
    assert report.domain_rules == {"block": 1, "allow": 0}
    apply_health(report)
    assert REGISTRY.get_sample_value("fediverse_inbox_queue_items", {"state": "received"}) == 1
    assert REGISTRY.get_sample_value("fediverse_inbox_queue_items", {"state": "ignored"}) == 0
    assert REGISTRY.get_sample_value("fediverse_inbox_queue_oldest_age_seconds") >= 90
    assert REGISTRY.get_sample_value("fediverse_domain_rules", {"kind": "block"}) == 1
    assert REGISTRY.get_sample_value("fediverse_database_up") == 1


async def test_delivery_and_host_figures(conn: asyncpg.Connection) -> None:
    group = await create_group(conn, Urls("https://social.test"), "g")
    activity_id = await conn.fetchval(
        "INSERT INTO activities (uri, type, actor_id, body) VALUES ('https://social.test/a/1',"
        " 'Create', $1, '{}') RETURNING id",
        group.id,
    )
    await conn.execute(
        "INSERT INTO deliveries (activity_id, sender_id, inbox_uri, host, state, created_at)"
        " VALUES ($1, $2, 'https://a.example/inbox', 'a.example', 'queued',"
        "         now() - interval '1 minute'),"
        "        ($1, $2, 'https://b.example/inbox', 'b.example', 'claimed', now()),"
        "        ($1, $2, 'https://c.example/inbox', 'c.example', 'delivered', now())",
        activity_id,
        group.id,
    )
    await conn.execute(
        "INSERT INTO delivery_hosts (host, paused_until, unavailable_since) VALUES"
        " ('a.example', now() + interval '1 minute', NULL),"
        " ('b.example', NULL, now() - interval '3 days'), ('c.example', NULL, NULL)"
    )
    report = await collect_health(conn)
    assert report.deliveries is not None
    assert report.deliveries.by_state == {"queued": 1, "claimed": 1, "delivered": 1}
    assert report.deliveries.oldest_age_seconds is not None
    assert report.deliveries.oldest_age_seconds >= 60
    assert report.hosts is not None
    assert (report.hosts.paused, report.hosts.unavailable) == (1, 1)
    apply_health(report)
    assert REGISTRY.get_sample_value("fediverse_delivery_queue_items", {"state": "queued"}) == 1
    assert REGISTRY.get_sample_value("fediverse_hosts", {"state": "unavailable"}) == 1


async def test_an_unmigrated_database_is_not_ready(empty_database_url: str) -> None:
    async with connect(empty_database_url) as conn:
        report = await collect_health(conn)
    assert not report.ready
    assert report.migrations_pending >= 3
    assert report.inbox is None
    assert report.domain_rules is None


def test_queue_lines_of_status() -> None:
    from community.health import QueueFigures
    from fediverse.cli.status import describe_queue

    waiting = ("received", "processing")
    assert describe_queue(QueueFigures({}, None), waiting) == "0 waiting (empty)"
    figures = QueueFigures({"received": 2, "processed": 12, "ignored": 1, "failed": 0}, 3.2)
    assert describe_queue(figures, waiting) == "2 waiting, oldest 3s; 1 ignored, 12 processed"
    assert describe_queue(QueueFigures({"processed": 4}, None), waiting) == "0 waiting; 4 processed"
    assert "oldest 2.0h" in describe_queue(QueueFigures({"received": 1}, 7200.0), waiting)
