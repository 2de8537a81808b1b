"""A battery of malformed requests against the real inbox: whatever arrives, never a 5xx,
and whatever was queued, the worker ends with a recorded state rather than an exception.

The remote host is a real HTTP server on 127.0.0.1 that answers key look-ups with documents
Hypothesis makes up (actors and keys with odd field types, redirects, statuses)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from community.context import AppContext
from community.groups import create_group
from community.storage.database import connect
from community.urls import Urls
from federation.cavage import sign_headers
from inbox.worker import InboxWorker
from tests.federation.loopback import LoopbackServer, Reply
from tests.inbox.hostile import (
    BASE,
    GROUP,
    actor_doc,
    loopback,
    loopback_settings,
    open_app,
    signer,
)

SIGNER = 0
BATTERY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

odd_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "\x00",
            "http://a@b/x",
            "data:,x",
            "http://[::1",
            "https://",
            "#x",
            "https://social.test/groups/main",
            "https://www.w3.org/ns/activitystreams#Public",
            "\ud7ff" * 3,
            "a" * 3000,
        ]
    ),
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False)
    | odd_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(odd_text, inner, max_size=4),
    max_leaves=12,
)
FIELDS = [
    "id",
    "type",
    "actor",
    "object",
    "to",
    "cc",
    "audience",
    "inReplyTo",
    "content",
    "attributedTo",
    "tag",
    "target",
    "published",
    "name",
    "url",
    "@context",
]
activities = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8)
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60)
signature_params = st.lists(
    st.tuples(
        st.sampled_from(["keyId", "headers", "signature", "algorithm", "created", "expires", "x"]),
        header_text,
    ),
    max_size=6,
).map(lambda pairs: ",".join(f'{k}="{v}"' for k, v in pairs))
odd_headers = st.dictionaries(
    st.sampled_from(
        [
            "Signature",
            "Signature-Input",
            "Authorization",
            "Date",
            "Digest",
            "Content-Digest",
            "Host",
            "Content-Type",
        ]
    ),
    header_text | signature_params | st.binary(max_size=30),
    max_size=5,
)
paths = st.sampled_from(
    [
        "/inbox",
        "/groups/main/inbox",
        "/users/nobody/inbox",
        "/groups/%00/inbox",
        "/users/%C3%28/inbox",
        "/actor/inbox",
        "/groups/" + "x" * 300 + "/inbox",
    ]
)


@pytest.fixture
async def inbox(database_url: str, tmp_path: Path):
    async with connect(database_url) as conn:
        await create_group(conn, Urls(BASE), "main")
    async for opened in open_app(loopback_settings(database_url, tmp_path / "data")):
        yield opened


@pytest.fixture
async def host():
    server = await loopback()
    yield server
    await server.stop()


def assert_no_5xx(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert isinstance(response.json()["error"], str)


def signed(path: str, body: bytes, key_id: str, extra: dict[str, Any]) -> dict[str, Any]:
    headers: dict[str, Any] = {"Content-Type": "application/activity+json"}
    private_key = signer(key_id, SIGNER).private_key
    headers.update(
        sign_headers("POST", BASE + path, headers, body, key_id, private_key, datetime.now(UTC))
    )
    headers.update(extra)
    return headers


@BATTERY
@given(
    path=paths,
    headers=odd_headers,
    body=st.one_of(
        st.binary(max_size=200), activities.map(orjson.dumps), json_values.map(orjson.dumps)
    ),
)
async def test_unsigned_or_badly_signed_garbage_is_never_a_5xx(inbox, path, headers, body) -> None:
    client, _ = inbox
    headers.setdefault("Content-Type", "application/activity+json")
    assert_no_5xx(await client.post(path, content=body, headers=headers))


_paths = itertools.count()


def _latin1(text: str) -> str:
    """Header text as the bytes a peer would send (UTF-8, read back as latin-1)."""
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


def _actor_answer(document: Any) -> Reply:
    return Reply(headers={"Content-Type": "application/activity+json"}, body=orjson.dumps(document))


key_answers = st.one_of(
    json_values.map(_actor_answer),
    st.dictionaries(
        st.sampled_from(
            [
                "inbox",
                "type",
                "publicKey",
                "owner",
                "publicKeyPem",
                "endpoints",
                "followers",
                "preferredUsername",
                "name",
            ]
        ),
        json_values,
        max_size=6,
    ).map(lambda d: ("actor", d)),
    st.sampled_from([301, 302, 307, 308]).flatmap(
        lambda status: odd_text.map(lambda loc: Reply(status, headers={"Location": _latin1(loc)}))
    ),
    st.sampled_from([200, 204, 401, 404, 410, 429, 500]).map(lambda status: Reply(status)),
    st.binary(max_size=60).map(
        lambda body: Reply(headers={"Content-Type": "application/activity+json"}, body=body)
    ),
)


@BATTERY
@given(answer=key_answers, extra=odd_headers, activity=activities)
async def test_any_answer_to_a_key_fetch_is_never_a_5xx(inbox, host, answer, extra, activity):
    """Well-formed activities from an actor whose documents are anything at all."""
    client, _ = inbox
    path = f"/users/u{next(_paths)}"
    actor_uri = host.url(path)
    if isinstance(answer, tuple):  # an actor document with odd fields
        answer = _actor_answer({**actor_doc(actor_uri, SIGNER), **answer[1], "id": actor_uri})
    host.route(path, answer)
    activity = {**activity, "id": f"{actor_uri}/a/1", "type": "Follow", "actor": actor_uri}
    body = orjson.dumps(activity)
    headers = signed(
        "/inbox", body, actor_uri + "#main-key", {k: v for k, v in extra.items() if k == "Date"}
    )
    assert_no_5xx(await client.post("/inbox", content=body, headers=headers))


@pytest.fixture
async def member(inbox, host: LoopbackServer) -> str:
    """An actor whose documents are well formed, on a host that answers anything else 404."""
    uri = host.url("/users/m")
    host.route("/users/m", Reply.json(actor_doc(uri, SIGNER)))
    return uri


KINDS = [
    "Create",
    "Update",
    "Delete",
    "Follow",
    "Undo",
    "Like",
    "Dislike",
    "Announce",
    "Accept",
    "Reject",
    "Add",
    "Remove",
    "Block",
    "Flag",
    "Move",
    "Question",
    "EmojiReact",
]


@BATTERY
@given(kind=st.sampled_from(KINDS), activity=activities)
async def test_the_worker_records_an_outcome_for_any_verified_activity(
    inbox: tuple[httpx.AsyncClient, AppContext], member: str, kind: str, activity: dict[str, Any]
) -> None:
    client, ctx = inbox
    activity = {
        **activity,
        "type": kind,
        "actor": member,
        "id": f"{member}/a/{next(_paths)}",
        "to": [GROUP],
    }
    body = orjson.dumps(activity)
    response = await client.post(
        "/inbox", content=body, headers=signed("/inbox", body, member + "#main-key", {})
    )
    assert_no_5xx(response)
    if response.status_code != 202:
        return
    await InboxWorker(ctx).run_once()  # must not raise
    async with ctx.pool.acquire() as conn:
        state = await conn.fetchval(
            "SELECT state FROM inbox_items WHERE activity_uri = $1", activity["id"]
        )
    assert state in ("processed", "ignored", "failed", "received")  # received: retry later
