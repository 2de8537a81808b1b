"""Where each thing has its page on this server: one place for every link the pages make.

A person or community here is ``/@name``, one we know from elsewhere ``/@name@host``; our
own posts are ``/posts/ID`` with the id of their AS2 object (their AS2 ``url``), posts from
elsewhere ``/posts/N`` with our row number.
"""

from __future__ import annotations

from typing import Protocol
from urllib.parse import quote

from community.urls import Urls


class Named(Protocol):
    @property
    def username(self) -> str: ...
    @property
    def domain(self) -> str: ...
    @property
    def local(self) -> bool: ...


class Stored(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def uri(self) -> str: ...
    @property
    def local(self) -> bool: ...


def handle_path(username: str, domain: str, local: bool) -> str:
    name = username if local else f"{username}@{domain}"
    return f"/@{quote(name, safe='@:')}"


def actor_path(actor: Named) -> str:
    return handle_path(actor.username, actor.domain, actor.local)


def post_key(uri: str, post_id: int, local: bool) -> str:
    """What names a post in its page's path: its AS2 id's last part (ours), else its row."""
    return uri.rsplit("/", 1)[-1] if local else str(post_id)


def post_path(post: Stored) -> str:
    return f"/posts/{post_key(post.uri, post.id, post.local)}"


def absolute(urls: Urls, path: str) -> str:
    return urls.base_url + path
