"""An import under way (:class:`Restoring`), and what it reports (:class:`ImportReport`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from community.actors import Actor
from community.portability.contents import Contents
from community.storage.database import Conn
from community.urls import Urls

#: How many left-out items a report names one by one.
MAX_NOTES = 20


@dataclass
class ImportReport:
    """What an import did: the group, whether it was created now, how many of each kind of
    record are here now, and what was left out (and why)."""

    group: Actor
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    key_used: bool = False

    def lines(self) -> list[str]:
        verb = "created" if self.created else "merged into"
        head = [f"{verb} {self.group.handle} ({self.group.uri})"]
        head += [f"{name}: {count}" for name, count in self.counts.items()]
        if self.key_used:
            head.append("the group's key pair came with the archive and is in use")
        notes = [f"left out: {note}" for note in self.skipped[:MAX_NOTES]]
        if len(self.skipped) > MAX_NOTES:
            notes.append(f"left out: {len(self.skipped) - MAX_NOTES} more")
        return head + notes


@dataclass
class Restoring:
    """One import under way: its connection, the group, the archive's contents, the actors
    it can use (by id), and the report it fills in."""

    conn: Conn
    urls: Urls
    group: Actor
    contents: Contents
    actors: dict[str, Actor]
    report: ImportReport

    def count(self, name: str, added: int = 1) -> None:
        self.report.counts[name] = self.report.counts.get(name, 0) + added

    def skip(self, note: str) -> None:
        self.report.skipped.append(note)
