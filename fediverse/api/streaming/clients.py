"""The streams a client may subscribe to, the connected clients, and who listens to what.

Streams and their names are Mastodon's (``streaming/index.js`` of mastodon/mastodon,
``channelNameToIds``): ``user``, ``user:notification``, ``public`` (``:local``, ``:remote``,
``:media``…), ``hashtag`` and ``hashtag:local`` (with ``tag``), ``list`` (with ``list``). A
frame is what one client is sent: the stream's name as the client gave it (``["hashtag",
"Plants"]``), the event and its payload (a JSON text, or an id for ``delete``).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field

from community.metrics import STREAMING_CLIENTS

PUBLIC_STREAMS = frozenset(
    {
        "public",
        "public:media",
        "public:local",
        "public:local:media",
        "public:remote",
        "public:remote:media",
        "hashtag",
        "hashtag:local",
    }
)
#: streams of one person: keyed by who is connected
OWN_STREAMS = frozenset({"user", "user:notification"})
STREAMS = PUBLIC_STREAMS | OWN_STREAMS | {"list"}

#: what a client is sent: (stream as the client named it, event, payload)
Frame = tuple[tuple[str, ...], str, str]
#: what a stream is indexed by: its name and its parameter (tag, list id, or the person's id)
Key = tuple[str, str]

QUEUE_FRAMES = 512


@dataclass(frozen=True, slots=True)
class Stream:
    """One subscription: ``param`` is the tag (lower case), the list id, or ``""``."""

    name: str
    param: str = ""
    #: the stream as the client named it, sent back in each frame
    label: tuple[str, ...] = ()


@dataclass(eq=False)
class Client:
    """One connection (a WebSocket, or an event stream) of a signed-in person."""

    viewer_id: int
    #: whether the ``user`` stream carries notifications (``read`` or ``read:notifications``)
    notifications: bool
    #: the token it connected with (0: none known), so that revoking it ends the connection
    token_id: int = 0
    streams: dict[Key, Stream] = field(default_factory=dict)
    queue: asyncio.Queue[Frame] = field(default_factory=lambda: asyncio.Queue(QUEUE_FRAMES))
    #: set when the client fell QUEUE_FRAMES behind: its connection is closed
    overflowed: bool = False
    #: set when its token stopped working: its connection is closed
    revoked: bool = False

    @property
    def ended(self) -> bool:
        return self.overflowed or self.revoked

    def key_of(self, stream: Stream) -> Key:
        if stream.name in OWN_STREAMS:
            return stream.name, str(self.viewer_id)
        return stream.name, stream.param

    def offer(self, frame: Frame) -> None:
        try:
            self.queue.put_nowait(frame)
        except asyncio.QueueFull:
            self.overflowed = True

    def revoke(self) -> None:
        """End the connection (its writer wakes on the frame and sees ``ended``)."""
        self.revoked = True
        self.offer(((), "", ""))


class Index:
    """Who listens to what, in one web process."""

    def __init__(self) -> None:
        self.clients: set[Client] = set()
        self._by_key: defaultdict[Key, dict[Client, Stream]] = defaultdict(dict)

    def connect(self, client: Client) -> None:
        self.clients.add(client)
        STREAMING_CLIENTS.inc()

    def disconnect(self, client: Client) -> None:
        for key in list(client.streams):
            self._drop(key, client)
        client.streams.clear()
        if client in self.clients:
            self.clients.discard(client)
            STREAMING_CLIENTS.dec()

    def subscribe(self, client: Client, stream: Stream) -> None:
        key = client.key_of(stream)
        client.streams[key] = stream
        self._by_key[key][client] = stream

    def unsubscribe(self, client: Client, stream: Stream) -> None:
        key = client.key_of(stream)
        client.streams.pop(key, None)
        self._drop(key, client)

    def _drop(self, key: Key, client: Client) -> None:
        listeners = self._by_key.get(key)
        if listeners is not None:
            listeners.pop(client, None)
            if not listeners:
                del self._by_key[key]

    def listening(self, key: Key) -> list[tuple[Client, Stream]]:
        found = self._by_key.get(key)
        return list(found.items()) if found else []

    def people(self, name: str) -> list[int]:
        """The ids of the people with a ``name`` stream (``user``, ``user:notification``)."""
        return [int(param) for stream, param in self._by_key if stream == name]

    def own(self, name: str, person_id: int) -> list[tuple[Client, Stream]]:
        return self.listening((name, str(person_id)))

    def revoke(self, token_id: int, person_id: int) -> int:
        """End the connections of a token, or of every token of a person; how many."""
        gone = [
            c
            for c in self.clients
            if (token_id and c.token_id == token_id) or (person_id and c.viewer_id == person_id)
        ]
        for client in gone:
            client.revoke()
        return len(gone)

    def __len__(self) -> int:
        return len(self.clients)
