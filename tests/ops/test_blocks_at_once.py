"""A domain block applies at once, on every path, in another process than the one that made it
(issue 11, class 9): a real `fediverse serve` with authorized fetch, the real CLI."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson
import pytest

from community.storage.database import connect
from federation.cavage import sign_headers
from tests.e2e.support import Instance, start_instance
from tests.inbox.support import RemoteActor, remote_actor

pytestmark = pytest.mark.slow
AS2 = {"Accept": "application/activity+json"}


@pytest.fixture
def server(make_database: Callable[[], str], tmp_path: Path) -> Iterator[Instance]:
    instance = start_instance(make_database(), tmp_path / "hub", authorized_fetch="true")
    try:
        yield instance
    finally:
        instance.server.stop()


def signed_get(server: Instance, path: str, signer: RemoteActor) -> httpx.Response:
    url = server.base_url + path
    headers = sign_headers(
        "GET", url, AS2, None, signer.key_id, signer.private_key, datetime.now(UTC)
    )
    return httpx.get(url, headers={**AS2, **headers}, timeout=10)


def signed_post(server: Instance, activity: dict[str, object], signer: RemoteActor) -> int:
    url, body = server.base_url + "/inbox", orjson.dumps(activity)
    base = {"Content-Type": "application/activity+json"}
    headers = sign_headers(
        "POST", url, base, body, signer.key_id, signer.private_key, datetime.now(UTC)
    )
    return httpx.post(url, content=body, headers={**base, **headers}, timeout=10).status_code


async def test_a_block_from_the_cli_refuses_the_next_request_on_every_path(server) -> None:
    server.cli("group", "create", "garden")
    async with connect(server.database_url) as conn:
        foe = await remote_actor(conn, "https://foe.example/users/x")
    group = f"{server.base_url}/groups/garden"
    # the server has read the rules (and would have cached them for seconds before)
    assert signed_get(server, "/groups/garden", foe).status_code == 200
    follow = {"id": f"{foe.uri}/follows/1", "type": "Follow", "actor": foe.uri, "object": group}
    assert signed_post(server, follow, foe) == 202

    server.cli("domain", "block", "foe.example")
    assert signed_get(server, "/groups/garden", foe).status_code == 403
    assert signed_get(server, "/groups/garden/outbox", foe).status_code == 403
    again = {**follow, "id": f"{foe.uri}/follows/2"}
    assert signed_post(server, again, foe) == 403

    server.cli("domain", "unblock", "foe.example")
    assert signed_get(server, "/groups/garden", foe).status_code == 200
