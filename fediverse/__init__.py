"""fediverse: a federated ActivityPub community server."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("fediverse")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
