"""Do the community page, the thread page and the moderation log page stay fast, and their
queries constant, as a community grows?

Builds a community with ``--posts`` posts (threads, and comments spread over them) and one
thread with ``--comments`` comments nested a few levels deep, votes on a fifth of the posts,
and a small community beside it (30 posts, a thread of 10 comments); each has a moderation
log of one removal per twenty posts. Then, through the real
app in-process (httpx ASGI transport, templates and all), as a signed-in member (vote and
reply forms on every comment: the heaviest page) and as a visitor, times ``--repeat``
requests of each page and counts the SQL queries each request runs (every asyncpg query is
counted by wrapping the connection class). Prints p50 and p99 in milliseconds, and the p50
of this process's CPU time (a figure that other work on a shared machine inflates less).

    .venv/bin/python bench/pages.py --posts 100000 --comments 500
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from asyncpg.connection import Connection

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import scratch_database  # noqa: E402
from community.accounts import create_user  # noqa: E402
from community.groups import create_group  # noqa: E402
from community.sessions import start_session  # noqa: E402
from community.settings import Settings  # noqa: E402
from community.storage.database import connect  # noqa: E402
from community.storage.migrations import migrate  # noqa: E402
from community.urls import Urls  # noqa: E402
from fediverse.app import create_app  # noqa: E402
from fediverse.web.csrf import SESSION_COOKIE  # noqa: E402

BASE = "https://bench.test"
HTML = {"Accept": "text/html"}
AUTHORS = 500
QUERIES = 0
RESETS = 0


def count_queries() -> None:
    """Count every query any asyncpg connection runs: ours (prepared, with arguments) apart
    from the pool's reset of a connection given back (a simple query without arguments)."""
    prepared: Callable[..., Awaitable[Any]] = Connection._execute  # type: ignore[attr-defined]
    simple = Connection.execute

    async def counted_prepared(self: Connection, *args: Any, **kwargs: Any) -> Any:
        global QUERIES
        QUERIES += 1
        return await prepared(self, *args, **kwargs)

    async def counted_simple(self: Connection, query: str, *args: Any, **kwargs: Any) -> str:
        global RESETS
        if not args:  # with arguments, execute() goes through _execute (counted there)
            RESETS += 1
        return await simple(self, query, *args, **kwargs)

    Connection._execute = counted_prepared  # type: ignore[attr-defined]
    Connection.execute = counted_simple  # type: ignore[method-assign]


@dataclass(frozen=True)
class Community:
    name: str
    posts: int
    thread_key: str
    thread_comments: int


async def fill(conn: asyncpg.Connection, group_id: int, posts: int, comments: int) -> str:
    """``posts`` posts in the group, of which one thread with ``comments`` comments; its key."""
    threads = max(1, posts // 10)
    spread = posts - threads - comments
    await conn.execute("SET session_replication_role = replica")  # counters set once, below
    await conn.execute(
        """INSERT INTO posts (uri, type, author_id, group_id, title, content_html, visibility,
                              local, raw, published)
           SELECT 'https://bench.test/objects/' || gen_random_uuid(), 'Page',
                  (SELECT min(id) FROM actors WHERE username LIKE 'author%') + n % $3, $1,
                  'Thread number ' || n, '<p>The text of thread ' || n || '.</p>', 'public',
                  true, '{}', now() - make_interval(mins => $2 - n)
           FROM generate_series(1, $2) n""",
        group_id,
        threads,
        AUTHORS,
    )
    await conn.execute("UPDATE posts SET root_id = id WHERE group_id = $1", group_id)
    big = await conn.fetchrow(
        "SELECT id, uri FROM posts WHERE group_id = $1 ORDER BY id DESC LIMIT 1", group_id
    )
    await comment_on(conn, group_id, big["id"], big["uri"], comments, nested=True)
    await conn.execute(
        """WITH t AS (SELECT id, uri, row_number() OVER (ORDER BY id) - 1 AS k FROM posts
                      WHERE group_id = $1 AND root_id = id AND id <> $4)
           INSERT INTO posts (uri, type, author_id, group_id, in_reply_to_uri, root_id,
                              content_html, visibility, local, raw, published)
           SELECT 'https://bench.test/objects/' || gen_random_uuid(), 'Note',
                  (SELECT min(id) FROM actors WHERE username LIKE 'author%') + n % $3, $1,
                  t.uri, t.id, '<p>A comment.</p>', 'public', true, '{}',
                  now() - make_interval(secs => n)
           FROM generate_series(1, $2) n JOIN t ON t.k = n % $5""",
        group_id,
        spread,
        AUTHORS,
        big["id"],
        max(1, threads - 1),
    )
    await vote_and_count(conn, group_id)
    return str(big["uri"]).rsplit("/", 1)[1]


async def comment_on(
    conn: asyncpg.Connection, group_id: int, root_id: int, root_uri: str, count: int, nested: bool
) -> None:
    """``count`` comments under the thread: each replies to the post or an earlier comment."""
    uris = [root_uri]
    for n in range(count):
        parent = uris[(n * 7) % len(uris)] if nested and n % 3 else root_uri
        uri = await conn.fetchval(
            """INSERT INTO posts (uri, type, author_id, group_id, in_reply_to_uri, root_id,
                                  content_html, visibility, local, raw, published)
               VALUES ('https://bench.test/objects/' || gen_random_uuid(), 'Note',
                       (SELECT min(id) FROM actors WHERE username LIKE 'author%') + $5, $1,
                       $2, $3, '<p>Comment ' || $4 || ' with <em>some</em> text, a few words '
                       'long, as comments are.</p>', 'public', true, '{}', now())
               RETURNING uri""",
            group_id,
            parent,
            root_id,
            str(n),
            n % AUTHORS,
        )
        uris.append(uri)


async def vote_and_count(conn: asyncpg.Connection, group_id: int) -> None:
    """Votes on every fifth post, then the counters the triggers would have kept."""
    await conn.execute(
        """INSERT INTO votes (actor_id, post_id, kind, activity_uri)
           SELECT a.id, p.id, CASE WHEN (p.id + a.id) % 4 = 0 THEN 'Dislike' ELSE 'Like' END,
                  'https://bench.test/activities/' || gen_random_uuid()
           FROM posts p
           JOIN LATERAL (SELECT id FROM actors WHERE username LIKE 'author%'
                         ORDER BY id LIMIT 1 + p.id % 7) a ON true
           WHERE p.group_id = $1 AND p.id % 5 = 0""",
        group_id,
    )
    await conn.execute(
        """UPDATE posts p SET
               replies_count = coalesce(c.n, 0),
               last_activity_at = greatest(p.published, coalesce(c.latest, p.published))
           FROM posts r
           LEFT JOIN (SELECT root_id, count(*) AS n, max(published) AS latest FROM posts
                      WHERE root_id <> id GROUP BY root_id) c ON c.root_id = r.id
           WHERE p.id = r.id AND p.group_id = $1 AND p.root_id = p.id""",
        group_id,
    )
    await conn.execute(
        """UPDATE posts p SET upvotes = v.up, downvotes = v.down
           FROM (SELECT post_id, count(*) FILTER (WHERE kind = 'Like') AS up,
                        count(*) FILTER (WHERE kind = 'Dislike') AS down
                 FROM votes GROUP BY post_id) v
           WHERE v.post_id = p.id AND p.group_id = $1""",
        group_id,
    )
    await conn.execute("SET session_replication_role = DEFAULT")


async def log_acts(conn: asyncpg.Connection, group_id: int) -> None:
    """A moderation log of one removal per twenty posts (the log page reads one page of it)."""
    await conn.execute(
        """INSERT INTO modlog (group_id, kind, actor_id, activity_uri, activity, reason)
           SELECT $1, 'remove_post', (SELECT min(id) FROM actors WHERE username LIKE 'author%'),
                  'https://bench.test/activities/' || gen_random_uuid(),
                  jsonb_build_object('type', 'Delete', 'object',
                                     jsonb_build_object('id', p.uri, 'type', 'Tombstone')),
                  'spam'
           FROM posts p WHERE p.group_id = $1 AND p.id % 20 = 0""",
        group_id,
    )


async def build(url: str, posts: int, comments: int) -> tuple[list[Community], str]:
    """The big and the small community, and a signed-in member's session token."""
    urls = Urls(BASE)
    async with connect(url) as conn:
        await migrate(conn)
        await conn.execute(
            """INSERT INTO actors (uri, type, username, domain, local, inbox_uri)
               SELECT 'https://bench.test/users/author' || n, 'Person', 'author' || n,
                      'bench.test', true, 'https://bench.test/users/author' || n || '/inbox'
               FROM generate_series(1, $1) n""",
            AUTHORS,
        )
        member = await create_user(conn, urls, "member", password="a bench password")
        made = []
        for name, size, thread in (("big", posts, comments), ("small", 30, 10)):
            group = await create_group(conn, urls, name)
            await conn.execute(
                "INSERT INTO follows (follower_id, followee_id, state) VALUES ($1, $2, 'accepted')",
                member.id,
                group.id,
            )
            key = await fill(conn, group.id, size, thread)
            await log_acts(conn, group.id)
            made.append(Community(name, size, key, thread))
        await conn.execute("VACUUM ANALYZE")
        token = await start_session(conn, member)
    return made, token


@dataclass(frozen=True)
class Figures:
    p50: float
    p99: float
    #: CPU time of this process (the app and the in-process client; PostgreSQL's is apart):
    #: what other work on a shared machine does not inflate the way it does wall time
    cpu_p50: float
    queries: int
    resets: int


async def timed(client: httpx.AsyncClient, path: str, repeat: int) -> Figures:
    """Timings and queries per request of ``repeat`` GETs of ``path``."""
    global QUERIES, RESETS
    for _ in range(5):  # warm the statement caches and the template cache
        assert (await client.get(path, headers=HTML)).status_code == 200
    times, cpu, counts = [], [], set()
    for _ in range(repeat):
        QUERIES = RESETS = 0
        started, started_cpu = time.perf_counter(), time.process_time()
        response = await client.get(path, headers=HTML)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        counts.add((QUERIES, RESETS))
        assert response.status_code == 200, response.text[:500]
    assert len(counts) == 1, f"queries vary between requests of {path}: {counts}"
    queries, resets = counts.pop()
    p99 = statistics.quantiles(times, n=100)[98]
    return Figures(statistics.median(times), p99, statistics.median(cpu), queries, resets)


async def measure(args: argparse.Namespace, url: str) -> None:
    started = time.perf_counter()
    communities, token = await build(url, args.posts, args.comments)
    print(f"built in {time.perf_counter() - started:.1f} s\n")
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        domain="bench.test",
        database_url=url,
        data_dir=Path(tempfile.mkdtemp()),
    )
    app = create_app(settings)
    count_queries()
    print(
        "| page | viewer | posts in community | comments in thread | p50 ms | p99 ms "
        "| CPU p50 ms | queries | pool resets |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        for viewer, cookies in (("member", {SESSION_COOKIE: token}), ("visitor", {})):
            async with httpx.AsyncClient(
                transport=transport, base_url=BASE, cookies=cookies
            ) as client:
                for c in communities:
                    for label, path in (
                        ("community (active)", f"/@{c.name}"),
                        ("community (top)", f"/@{c.name}?sort=top"),
                        ("thread", f"/posts/{c.thread_key}"),
                        ("moderation log", f"/@{c.name}/modlog"),
                    ):
                        f = await timed(client, path, args.repeat)
                        print(
                            f"| {label} | {viewer} | {c.posts:,} | {c.thread_comments} "
                            f"| {f.p50:.1f} | {f.p99:.1f} | {f.cpu_p50:.1f} | {f.queries} "
                            f"| {f.resets} |"
                        )


async def run(args: argparse.Namespace) -> None:
    async with scratch_database("bench_pages") as url:
        await measure(args, url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=200)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
