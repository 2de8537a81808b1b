"""Mastodon.py, a real client library, drives two real server processes over HTTP.

``hub`` hosts the community ``garden`` and its member bob; ``town`` hosts alice. alice
registers an app, authorises it with PKCE, resolves the group on the other server, follows
it, posts to it, sees the group's announce in her home timeline; bob (an app using
Mastodon.py's own ``log_in``) replies and favourites; each is notified; alice deletes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonNotFoundError,
    MastodonUnauthorizedError,
)

from tests.api.support import PASSWORD, pkce_pair
from tests.e2e.support import Instance, instances_on_new_databases

pytestmark = pytest.mark.slow

OOB = "urn:ietf:wg:oauth:2.0:oob"
SCOPES = ["read", "write", "follow"]
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
CODE_RE = re.compile(r'<code id="authorization-code">([^<]+)</code>')


@pytest.fixture(scope="module")
def servers(
    pg_admin_url: str, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Instance, Instance]]:
    root = tmp_path_factory.mktemp("mastodon_py")
    with instances_on_new_databases(
        pg_admin_url, template_database, root, ("hub", "town")
    ) as started:
        hub, town = started
        hub.cli("group", "create", "garden", "--title", "Garden club")
        hub.cli("user", "create", "bob", "--password-stdin", stdin=PASSWORD + "\n")
        town.cli("user", "create", "alice", "--password-stdin", stdin=PASSWORD + "\n")
        yield hub, town


def consent(base_url: str, username: str, authorize_url: str) -> str:
    """What the person does in their browser: sign in, approve; the code the page shows."""
    browser = requests.Session()
    form = browser.get(f"{base_url}/auth/sign_in")
    csrf = CSRF_RE.search(form.text)[1]  # type: ignore[index]
    signed = browser.post(
        f"{base_url}/auth/sign_in",
        allow_redirects=False,
        data={"csrf": csrf, "username": username, "password": PASSWORD},
    )
    assert signed.status_code == 303, signed.text
    page = browser.get(authorize_url)
    assert page.status_code == 200, page.text
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
    answer = browser.post(f"{base_url}/oauth/authorize", data={**hidden, "decision": "approve"})
    found = CODE_RE.search(answer.text)
    assert found, answer.text
    return found[1]


def sign_in_with_pkce(instance: Instance, username: str) -> Mastodon:
    client_id, client_secret = Mastodon.create_app(
        "garden-test", scopes=SCOPES, redirect_uris=OOB, api_base_url=instance.base_url
    )
    app = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=instance.base_url)
    verifier, challenge = pkce_pair()
    url = app.auth_request_url(redirect_uris=OOB, scopes=SCOPES, allow_http=True)
    url += "&" + urlencode({"code_challenge": challenge, "code_challenge_method": "S256"})
    code = consent(instance.base_url, username, url)
    # Mastodon.py's log_in has no code_verifier: the token request is made as an app would
    token = requests.post(
        f"{instance.base_url}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": OOB,
            "client_id": client_id,
            "client_secret": client_secret,
            "code_verifier": verifier,
        },
    )
    assert token.status_code == 200, token.text
    return Mastodon(
        access_token=token.json()["access_token"],
        api_base_url=instance.base_url,
        version_check_mode="created",
    )


def sign_in_with_log_in(instance: Instance, username: str) -> Mastodon:
    client_id, client_secret = Mastodon.create_app(
        "garden-test", scopes=SCOPES, redirect_uris=OOB, api_base_url=instance.base_url
    )
    app = Mastodon(
        client_id=client_id,
        client_secret=client_secret,
        api_base_url=instance.base_url,
        version_check_mode="created",
    )
    url = app.auth_request_url(redirect_uris=OOB, scopes=SCOPES, allow_http=True)
    app.log_in(code=consent(instance.base_url, username, url), scopes=SCOPES, allow_http=True)
    return app


def eventually(
    check: Callable[[], Any], what: str, *instances: Instance, timeout: float = 30
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            logs = "\n".join(i.server.log()[-3000:] for i in instances)
            raise AssertionError(f"timed out waiting for {what}\n{logs}")
        time.sleep(0.2)


def announce_of(client: Mastodon, uri: str) -> Any:
    """The reblog of the post ``uri`` in the client's home timeline (a group's announce)."""
    home = client.timeline_home()
    return next((s for s in home if s.reblog is not None and s.reblog.uri == uri), None)


def kinds(client: Mastodon) -> set[tuple[str, str]]:
    return {(n.type, n.account.username) for n in client.notifications()}


def is_gone(client: Mastodon, status_id: Any) -> bool:
    try:
        client.status(status_id)
    except MastodonNotFoundError:
        return True
    return False


def test_a_member_joins_a_group_elsewhere_posts_and_talks_with_mastodon_py(
    servers: tuple[Instance, Instance],
) -> None:
    hub, town = servers
    both = (hub, town)
    alice = sign_in_with_pkce(town, "alice")
    assert alice.account_verify_credentials().username == "alice"
    bob = sign_in_with_log_in(hub, "bob")
    assert bob.me().acct == "bob"

    # resolve the community on the other server, and join it
    found = alice.search_v2(f"@garden@{hub.domain}", resolve=True).accounts
    assert [(a.acct, a.group) for a in found] == [(f"garden@{hub.domain}", True)]
    garden = found[0]
    alice.account_follow(garden.id)
    eventually(lambda: alice.account_relationships(garden.id)[0].following, "the Accept", *both)
    local_garden = bob.account_lookup("garden")
    bob.account_follow(local_garden.id)
    eventually(lambda: bob.account_relationships(local_garden.id)[0].following, "bob joins")

    # post to the group by mentioning it; its announce comes back into alice's home timeline
    mine = alice.status_post(f"@garden@{hub.domain} Hello from town! #plants")
    assert mine.mentions[0].acct == f"garden@{hub.domain}"

    announced = eventually(
        lambda: announce_of(alice, mine.uri), "the group's announce at town", *both
    )
    assert announced.account.group is True
    assert announced.account.acct == f"garden@{hub.domain}"
    at_hub = eventually(
        lambda: announce_of(bob, mine.uri), "the post in bob's home timeline", *both
    )

    # bob replies and favourites; alice is notified of both
    reply = bob.status_reply(at_hub.reblog, "Welcome to the garden!")
    assert reply.in_reply_to_id == at_hub.reblog.id
    bob.status_favourite(at_hub.reblog.id)

    eventually(
        lambda: {("mention", "bob"), ("favourite", "bob")} <= kinds(alice),
        "alice's notifications",
        *both,
    )
    assert alice.status(mine.id).favourites_count == 1

    # alice answers the reply in the thread and favourites it; bob hears of it
    theirs = eventually(lambda: alice.status_context(mine.id).descendants, "the reply", *both)[0]
    assert theirs.account.acct == f"bob@{hub.domain}"
    alice.status_reply(theirs, "Thank you!")
    alice.status_favourite(theirs.id)
    eventually(
        lambda: {("mention", "alice"), ("favourite", "alice")} <= kinds(bob),
        "bob's notifications",
        *both,
    )

    # alice deletes her post: gone here and there
    deleted = alice.status_delete(mine.id)
    assert "Hello from town!" in deleted.text
    with pytest.raises(MastodonNotFoundError):
        alice.status(mine.id)

    eventually(lambda: is_gone(bob, at_hub.reblog.id), "the deletion at hub", *both)


def test_mastodon_py_sees_our_errors_as_mastodons(servers: tuple[Instance, Instance]) -> None:
    hub, _ = servers
    stranger = Mastodon(access_token="not-a-token", api_base_url=hub.base_url)
    with pytest.raises(MastodonUnauthorizedError, match="The access token is invalid"):
        stranger.account_verify_credentials()
    bob = sign_in_with_log_in(hub, "bob")
    with pytest.raises(MastodonAPIError, match="Text can't be blank"):
        bob.status_post("   ")
    with pytest.raises(MastodonNotFoundError, match="Record not found"):
        bob.status("123456789")
    client_id, client_secret = Mastodon.create_app(
        "read-only", scopes=["read"], redirect_uris=OOB, api_base_url=hub.base_url
    )
    reader = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=hub.base_url)
    url = reader.auth_request_url(redirect_uris=OOB, scopes=["read"], allow_http=True)
    reader.log_in(code=consent(hub.base_url, "bob", url), scopes=["read"], allow_http=True)
    with pytest.raises(MastodonAPIError, match="outside the authorized scopes"):
        reader.status_post("hello")
    instance = reader.instance()
    assert instance.domain == hub.domain


def test_search_resolves_a_post_and_a_person_elsewhere_by_url(
    servers: tuple[Instance, Instance],
) -> None:
    hub, town = servers
    bob = sign_in_with_log_in(hub, "bob")
    theirs = bob.status_post("A post to be found by its URL")
    alice = sign_in_with_pkce(town, "alice")
    found = alice.search_v2(theirs.uri, resolve=True)
    assert [s.uri for s in found.statuses] == [theirs.uri]
    assert found.statuses[0].account.acct == f"bob@{hub.domain}"
    person = alice.search_v2(f"{hub.base_url}/users/bob", resolve=True).accounts
    assert [a.acct for a in person] == [f"bob@{hub.domain}"]
    anonymous = requests.get(
        f"{town.base_url}/api/v2/search", params={"q": theirs.uri, "resolve": "true"}
    )
    assert anonymous.status_code == 401
