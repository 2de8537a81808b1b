"""Our URL scheme: every public URL we mint is built here, from the settings' base URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

ACTOR_PATH_PREFIX = {"Person": "users", "Group": "groups"}


@dataclass(frozen=True)
class Urls:
    """URL builders for one public base (``scheme://domain``)."""

    base_url: str

    @property
    def domain(self) -> str:
        return self.base_url.split("://", 1)[1]

    def actor_uri(self, actor_type: str, username: str) -> str:
        if actor_type == "Application":
            return self.instance_actor_uri
        return f"{self.base_url}/{ACTOR_PATH_PREFIX[actor_type]}/{quote(username)}"

    @property
    def instance_actor_uri(self) -> str:
        return f"{self.base_url}/actor"

    @property
    def shared_inbox_uri(self) -> str:
        return f"{self.base_url}/inbox"

    def profile_url(self, username: str) -> str:
        return f"{self.base_url}/@{quote(username)}"

    def object_uri(self, object_id: str) -> str:
        return f"{self.base_url}/objects/{object_id}"

    def post_url(self, object_uri: str) -> str:
        """The HTML page of our post ``object_uri`` (``/objects/ID`` → ``/posts/ID``): the
        ``url`` of its AS2 object, where Mastodon's "open in browser" leads."""
        return f"{self.base_url}/posts/{object_uri.rsplit('/', 1)[-1]}"

    def activity_uri(self, activity_id: str) -> str:
        return f"{self.base_url}/activities/{activity_id}"

    def tag_url(self, tag: str) -> str:
        return f"{self.base_url}/tags/{quote(tag)}"

    def request_uri(self, path: str, query: str = "") -> str:
        """The absolute URI a client asked for, as it signed it (public base, never a header)."""
        return self.base_url + path + (f"?{query}" if query else "")

    def is_local(self, uri: str) -> bool:
        return uri == self.base_url or uri.startswith(self.base_url + "/")


def key_id_of(actor_uri: str) -> str:
    return f"{actor_uri}#main-key"


#: What each of our actors has under its own URI (``…/users/NAME/inbox`` and so on).
Endpoint = Literal[
    "inbox", "outbox", "followers", "following", "moderators", "featured", "modlog", "recommended"
]


def endpoint_uri(actor_uri: str, endpoint: Endpoint) -> str:
    return f"{actor_uri}/{endpoint}"
