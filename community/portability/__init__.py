"""A community that can leave (issue 16): export, import, moves, and members' own data.

* :func:`export_group` — one of our communities as an archive (a gzipped tar with a
  versioned, checksummed ``manifest.json``; :mod:`.archive`, docs/portability.md);
* :func:`read_archive` + :func:`import_group` — an archive re-created here (idempotent;
  refuses unknown versions, tampered and unsafe archives before writing anything);
* :mod:`.moves` — ``movedTo`` / ``alsoKnownAs``, and who followed a community before it moved;
* :mod:`.accounts` — a member's ``following_accounts.csv`` and archive, and follows lists.

The web pages call these for the moderators' download (``GET /groups/NAME/export``) and a
member's own; the CLI for ``fediverse group export|import`` and ``fediverse user export``.
"""

from community.portability.accounts import account_archive, following_csv, read_follows_csv
from community.portability.archive import (
    FORMAT,
    FORMAT_VERSION,
    Archive,
    ArchiveRefused,
    unpack,
)
from community.portability.export import export_group
from community.portability.importing import ImportReport
from community.portability.restore import import_group

read_archive = unpack

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "Archive",
    "ArchiveRefused",
    "ImportReport",
    "account_archive",
    "export_group",
    "following_csv",
    "import_group",
    "read_archive",
    "read_follows_csv",
    "unpack",
]
