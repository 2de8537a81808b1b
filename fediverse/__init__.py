"""fediverse: the application — web pages, the client API, the CLI and process start-up.

The community core is the ``community`` package; ``outbox`` and ``inbox`` send and receive.
"""

from community import __version__

__all__ = ["__version__"]
