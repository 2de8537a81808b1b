"""What the appliers of several kinds share: finding what an act names, refusing clearly."""

from __future__ import annotations

from typing import Any

from community.actors import Actor, find_actor_by_uri
from community.posts import Post, find_post
from community.storage.database import Conn
from outbox.errors import ActRefused
from outbox.governance.model import Act

PEOPLE = frozenset({"Person", "Service"})


def here(act: Act) -> bool:
    """Whether the group is ours, so that what we hold of it is the truth. For a group
    elsewhere our copy may lag: its own server checks the act."""
    return act.group.local


def param(act: Act, name: str) -> Any:
    """A required parameter of the act."""
    value = act.params.get(name)
    if value is None or value == "":
        raise ActRefused("invalid", f"the act {act.kind} needs {name!r}")
    return value


async def person_named(conn: Conn, act: Act, name: str = "person") -> Actor:
    """The person the act names (by id), as we know them."""
    uri = str(param(act, name))
    person = await find_actor_by_uri(conn, uri)
    if person is None or person.type not in PEOPLE:
        raise ActRefused("not_found", f"no person {uri} known here")
    return person


async def post_named(conn: Conn, act: Act, name: str = "post") -> Post:
    """The post the act names (by id), in the act's group."""
    uri = str(param(act, name))
    post = await find_post(conn, uri)
    if post is None or post.group_id != act.group.id:
        raise ActRefused("not_found", f"no post {uri} in {act.group.handle}")
    return post
