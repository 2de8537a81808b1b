"""The community archive as bytes: a gzipped tar of JSON files, checked before anything reads it.

Layout (docs/portability.md, "The archive"): ``manifest.json`` first — the format name and
version, the server and group it came from, the counts, and the SHA-256 and size of every
other member — then one JSON document (``group.json``) and JSON Lines sections (one record a
line), and ``key.json`` only when the moderators asked for the group's private key.

:func:`unpack` refuses, with one sentence and before any record is read: what is not a
gzipped tar; a member that is not a plain file, whose name is not one of the known ones (a
path, ``..``, a link), that comes twice or is too large; too many members or too many bytes
in all; a manifest of another format or of an unknown version; a member missing from the
manifest, or one whose checksum or size differs from it (a tampered archive).
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from community.errors import InvalidInput

FORMAT = "fediverse-community-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
GROUP = "group.json"
KEY = "key.json"
#: The JSON Lines sections, in the order they are written.
SECTIONS = (
    "actors.jsonl",
    "moderators.jsonl",
    "followers.jsonl",
    "posts.jsonl",
    "votes.jsonl",
    "bans.jsonl",
    "tombstones.jsonl",
    "modlog.jsonl",
)
REQUIRED = frozenset({GROUP, *SECTIONS})
KNOWN = frozenset({MANIFEST, KEY, *REQUIRED})

MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_MANIFEST_BYTES = 1024 * 1024


class ArchiveRefused(InvalidInput):
    """An archive we will not read; ``str()`` is the one-line reason."""


@dataclass(frozen=True)
class Archive:
    """A checked archive: its manifest and the bytes of each member."""

    manifest: dict[str, Any]
    files: Mapping[str, bytes]

    @property
    def group_uri(self) -> str:
        return str(self.manifest["group"])

    def document(self, name: str) -> dict[str, Any]:
        value = _json(self.files[name], name)
        if not isinstance(value, dict):
            raise ArchiveRefused(f"{name} is not a JSON object")
        return value

    def records(self, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """(line number, record) of a JSON Lines section."""
        for number, line in enumerate(self.files[name].splitlines(), start=1):
            if not line.strip():
                continue
            value = _json(line, f"{name} line {number}")
            if not isinstance(value, dict):
                raise ArchiveRefused(f"{name} line {number} is not a JSON object")
            yield number, value

    @property
    def has_key(self) -> bool:
        return KEY in self.files


def _json(data: bytes, where: str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ArchiveRefused(f"{where} is not valid JSON: {exc}") from None


def jsonl(records: list[dict[str, Any]]) -> bytes:
    """One record a line (orjson writes no newline inside a value)."""
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


def checksum(data: bytes) -> dict[str, Any]:
    return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def pack(files: Mapping[str, bytes], manifest: dict[str, Any]) -> bytes:
    """The archive: ``manifest`` (completed with the format, version and checksums) first,
    then ``files`` in the order given. Members carry no owner and a fixed time."""
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        **manifest,
        "files": {name: checksum(data) for name, data in files.items()},
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        _add(tar, MANIFEST, orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
        for name, data in files.items():
            _add(tar, name, data)
    return buffer.getvalue()


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def unpack(data: bytes) -> Archive:
    """The archive in ``data``, checked (module docstring); :class:`ArchiveRefused` if not."""
    if len(data) > MAX_TOTAL_BYTES:
        raise ArchiveRefused("the archive is larger than this server reads")
    try:
        files = _read_members(data)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ArchiveRefused(f"not a community archive (a gzipped tar): {exc}") from None
    if MANIFEST not in files:
        raise ArchiveRefused("the archive has no manifest.json")
    manifest = _manifest(files.pop(MANIFEST))
    _check_files(manifest, files)
    return Archive(manifest, files)


def _read_members(data: bytes) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = 0
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar:
            _check_member(member, files)
            total += member.size
            if total > MAX_TOTAL_BYTES:
                raise ArchiveRefused("the archive holds more than this server reads")
            extracted = tar.extractfile(member)
            assert extracted is not None  # a regular file
            content = extracted.read(member.size + 1)
            if len(content) != member.size:
                raise ArchiveRefused(f"{member.name} is cut short")
            files[member.name] = content
    return files


def _check_member(member: tarfile.TarInfo, seen: Mapping[str, bytes]) -> None:
    name = member.name
    if not member.isreg():
        raise ArchiveRefused(f"unsafe member {name!r}: only plain files are read")
    if name not in KNOWN:
        raise ArchiveRefused(f"unsafe or unknown member {name!r}")
    if name in seen:
        raise ArchiveRefused(f"{name} comes twice in the archive")
    limit = MAX_MANIFEST_BYTES if name == MANIFEST else MAX_MEMBER_BYTES
    if member.size > limit:
        raise ArchiveRefused(f"{name} is larger than this server reads ({member.size} bytes)")
    if name != MANIFEST and MANIFEST not in seen:
        raise ArchiveRefused("manifest.json must come first in the archive")


def _manifest(data: bytes) -> dict[str, Any]:
    manifest = _json(data, MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveRefused("not a community archive (manifest.json names another format)")
    version = manifest.get("version")
    if version != FORMAT_VERSION:
        raise ArchiveRefused(
            f"archive format version {version!r} is not one this server reads "
            f"(it reads version {FORMAT_VERSION})"
        )
    if not isinstance(manifest.get("group"), str) or not isinstance(manifest.get("files"), dict):
        raise ArchiveRefused("manifest.json does not name the group and its files")
    return manifest


def _check_files(manifest: dict[str, Any], files: Mapping[str, bytes]) -> None:
    listed: dict[str, Any] = manifest["files"]
    for name in sorted(REQUIRED - files.keys()):
        raise ArchiveRefused(f"the archive has no {name}")
    for name in sorted(set(listed) ^ files.keys()):
        raise ArchiveRefused(f"tampered archive: {name} is not both listed and present")
    for name, data in files.items():
        if listed[name] != checksum(data):
            raise ArchiveRefused(f"tampered archive: {name} does not match its checksum")
