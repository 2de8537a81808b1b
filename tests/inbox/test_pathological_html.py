"""A member's post of pathological HTML costs the inbox worker milliseconds (issue 11, class 8:
250 KB of nested <div> took 21.6 s of worker time)."""

from __future__ import annotations

import time

import pytest

from tests.inbox.conftest import GROUP, LEMMY_HOSTS, step
from tests.inbox.support import fixture, post_signed

CONTENTS = {
    "nested div": "<div>" * 50_000,
    "p x=x=": '<p x="' + 'x="' * 80_000,
    "end tags in comments": "<div><!--</div>-->" * 14_000,
}


@pytest.mark.parametrize("name", CONTENTS)
async def test_a_post_of_pathological_html_is_processed_in_milliseconds(
    client, ctx, world, conn, name
) -> None:
    follow = {
        "id": f"{world.alpha.uri}/f",
        "type": "Follow",
        "actor": world.alpha.uri,
        "object": GROUP,
    }
    assert (await post_signed(client, "/inbox", follow, world.alpha)).status_code == 202
    await step(ctx)
    create = fixture("lemmy/create_page.json", LEMMY_HOSTS)
    create["object"]["content"] = CONTENTS[name]
    assert (await post_signed(client, "/inbox", create, world.alpha)).status_code == 202
    started = time.perf_counter()
    await step(ctx)
    assert time.perf_counter() - started < 2.0
    state = await conn.fetchval("SELECT state FROM inbox_items WHERE activity_type = 'Create'")
    assert state == "processed"
    stored = await conn.fetchval("SELECT content_html FROM posts")
    assert "<div" not in stored
