"""What an import refuses before it reads a record: unknown versions, tampered archives, unsafe
members and sizes; each with one line, and nothing changed."""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

import orjson
import pytest

from community.portability import archive as archive_module
from community.portability.archive import ArchiveRefused, pack, unpack
from community.portability.contents import read_contents
from tests.helpers import clean_env, run_cli

SECTIONS = {name: b"" for name in archive_module.SECTIONS}
GROUP = {"id": "https://old.example/groups/g", "username": "g"}
MANIFEST = {"server": {"base_url": "https://old.example"}, "group": GROUP["id"]}


def good() -> dict[str, bytes]:
    return {"group.json": orjson.dumps(GROUP), **SECTIONS}


def tar_of(members: list[tuple[tarfile.TarInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return buffer.getvalue()


def member(name: str, data: bytes = b"", kind: bytes = tarfile.REGTYPE) -> tuple:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    if kind == tarfile.SYMTYPE:
        info.linkname = "/etc/passwd"
    return info, data


def manifest_member(files: dict[str, bytes]) -> tuple:
    checked = {n: archive_module.checksum(d) for n, d in files.items()}
    manifest = {"format": archive_module.FORMAT, "version": 1, **MANIFEST, "files": checked}
    return member("manifest.json", orjson.dumps(manifest))


def test_a_good_archive_reads() -> None:
    contents = read_contents(unpack(pack(good(), MANIFEST)))
    assert contents.group.id == GROUP["id"]
    assert contents.posts == []


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"not an archive at all", "not a community archive"),
        (gzip.compress(b"\0" * 2048), "has no manifest.json"),
        (pack(good(), {**MANIFEST, "version": 2}), "format version 2 is not one this server reads"),
        (pack(good(), {**MANIFEST, "format": "lemmy-backup"}), "names another format"),
        (pack({"group.json": b"{}"}, MANIFEST), "the archive has no actors.jsonl"),
    ],
    ids=["not-gzip", "no-manifest", "unknown-version", "another-format", "missing-section"],
)
def test_refused_before_reading(data: bytes, reason: str) -> None:
    with pytest.raises(ArchiveRefused, match=reason):
        unpack(data)


def test_a_tampered_member_is_refused() -> None:
    files = good()
    honest = tar_of([manifest_member(files), *(member(n, d) for n, d in files.items())])
    unpack(honest)
    files_then = dict(files)
    files["posts.jsonl"] = b'{"id": "https://old.example/objects/planted"}\n'
    tampered = tar_of([manifest_member(files_then), *(member(n, d) for n, d in files.items())])
    with pytest.raises(ArchiveRefused, match=r"tampered archive: posts\.jsonl does not match"):
        unpack(tampered)


def test_a_member_the_manifest_does_not_list_is_refused() -> None:
    files = good()
    listed = manifest_member(files)
    files["key.json"] = b"{}"
    data = tar_of([listed, *(member(n, d) for n, d in files.items())])
    with pytest.raises(ArchiveRefused, match=r"key\.json is not both listed and present"):
        unpack(data)


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (member("../../etc/cron.d/evil", b"x"), "unsafe or unknown member '../../etc/cron.d/evil'"),
        (member("/etc/passwd", b"x"), "unsafe or unknown member '/etc/passwd'"),
        (member("posts.jsonl", kind=tarfile.SYMTYPE), "only plain files"),
        (member("group.json", kind=tarfile.DIRTYPE), "only plain files"),
        (member("group.json", kind=tarfile.LNKTYPE), "only plain files"),
    ],
    ids=["dot-dot", "absolute", "symlink", "directory", "hard-link"],
)
def test_unsafe_members_are_refused(bad: tuple, reason: str) -> None:
    files = good()
    data = tar_of([manifest_member(files), bad, *(member(n, d) for n, d in files.items())])
    with pytest.raises(ArchiveRefused, match=reason.replace("(", r"\(")):
        unpack(data)


def test_sizes_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive_module, "MAX_MEMBER_BYTES", 1000)
    files = {**good(), "posts.jsonl": b"x" * 1001}
    with pytest.raises(ArchiveRefused, match=r"posts\.jsonl is larger than this server reads"):
        unpack(pack(files, MANIFEST))
    monkeypatch.setattr(archive_module, "MAX_TOTAL_BYTES", 100)
    with pytest.raises(ArchiveRefused, match="larger than this server reads"):
        unpack(pack(good(), MANIFEST))


def test_the_manifest_comes_first() -> None:
    files = good()
    data = tar_of([*(member(n, d) for n, d in files.items()), manifest_member(files)])
    with pytest.raises(ArchiveRefused, match=r"manifest\.json must come first"):
        unpack(data)


def test_a_record_that_is_not_what_it_says_is_refused_with_its_line() -> None:
    files = {**good(), "posts.jsonl": b'{"id": "https://old.example/p", "author": "ftp://x"}\n'}
    with pytest.raises(ArchiveRefused, match=r"posts\.jsonl line 1: author"):
        read_contents(unpack(pack(files, MANIFEST)))


@pytest.mark.parametrize(
    ("archive", "message"),
    [
        (pack(good(), {**MANIFEST, "version": 99}), "error: archive format version 99"),
        (
            tar_of([manifest_member(good()), *(member(n, d) for n, d in good().items())])[:-40],
            "error: not a community archive",
        ),
    ],
    ids=["unknown-version", "cut-short"],
)
def test_the_cli_refuses_with_one_line_and_changes_nothing(
    database_url: str, tmp_path: Path, archive: bytes, message: str
) -> None:
    env = clean_env(DATABASE_URL=database_url, FEDIVERSE_DOMAIN="new.example")
    path = tmp_path / "community.tar.gz"
    path.write_bytes(archive)
    assert run_cli("group", "list", env=env, cwd=tmp_path).returncode == 0
    before = run_cli("group", "list", env=env, cwd=tmp_path).stdout
    done = run_cli("group", "import", str(path), "--as", "commons", env=env, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith(message)
    assert done.stderr.count("\n") == 1, done.stderr
    assert run_cli("group", "list", env=env, cwd=tmp_path).stdout == before
