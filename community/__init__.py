"""community: the core of a community server — actors, posts, membership, storage.

It knows nothing of HTTP frameworks or of how activities travel: ``federation`` below it
speaks the protocol, ``outbox`` and ``inbox`` above it send and receive, and ``fediverse``
(the application) puts web pages, the client API and the CLI on top.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("fediverse")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
