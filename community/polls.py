"""Polls: posts that are AS2 ``Question``s, and their votes.

A poll is stored with its post (ours or others'): its options (``oneOf`` for one choice,
``anyOf`` for several), its end (``endTime``, or ``closed``), and counts. Our polls count
their votes here; a poll from elsewhere shows what its author's server last sent
(``replies.totalItems`` of each option and ``votersCount`` in an ``Update{Question}``), plus
the votes our own people cast meanwhile, as Mastodon does (``app/services/vote_service.rb``,
``app/lib/activitypub/parser/poll_parser.rb``). Votes travel as Mastodon sends them: see
:mod:`outbox.activities.polls`. Refusals use Mastodon's words (``config/locales/en.yml``,
``polls.errors``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from community.errors import InvalidInput
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import Row, fetch_row
from federation.vocabulary import Question

Q = load_queries("community")

MAX_OPTIONS = 4
MAX_OPTION_CHARACTERS = 50
MIN_EXPIRATION = 300
MAX_EXPIRATION = 2_629_746


class PollRefused(InvalidInput):
    """A poll or a vote we refuse; ``str()`` is Mastodon's sentence."""


@dataclass(frozen=True)
class Poll(Row):
    post_id: int
    options: list[str]
    counts: list[int]
    voters_count: int | None
    multiple: bool
    hide_totals: bool
    expires_at: datetime | None
    local: bool

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= datetime.now(UTC)

    @property
    def votes_count(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class PollView:
    """A poll as one viewer sees it: with the choices they made."""

    poll: Poll
    own_votes: tuple[int, ...] = ()


@dataclass(frozen=True)
class PollSpec:
    """A poll a member asks for (``poll[options][]``, ``expires_in``, ``multiple``…)."""

    options: tuple[str, ...]
    expires_in: int
    multiple: bool = False
    hide_totals: bool = False

    def check(self) -> PollSpec:
        if len(self.options) < 2:
            raise PollRefused("Poll options must have more than one item")
        if len(self.options) > MAX_OPTIONS:
            raise PollRefused(f"Poll options can't contain more than {MAX_OPTIONS} items")
        if any(not o.strip() or len(o) > MAX_OPTION_CHARACTERS for o in self.options):
            raise PollRefused(
                f"Poll options cannot be empty or longer than {MAX_OPTION_CHARACTERS} characters"
            )
        if len(set(self.options)) != len(self.options):
            raise PollRefused("Poll options contain duplicate items")
        if self.expires_in < MIN_EXPIRATION:
            raise PollRefused("Poll expiration is too soon")
        if self.expires_in > MAX_EXPIRATION:
            raise PollRefused("Poll expiration is too far into the future")
        return self

    def end_time(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.expires_in)


def question_fields(
    options: Sequence[str],
    counts: Sequence[int],
    *,
    multiple: bool,
    end_time: datetime | None,
    voters_count: int,
) -> dict[str, Any]:
    """What a ``Question`` carries besides a note's fields (Mastodon's ``NoteSerializer``)."""
    items = [
        {"type": "Note", "name": name, "replies": {"type": "Collection", "totalItems": count}}
        for name, count in zip(options, counts, strict=True)
    ]
    fields: dict[str, Any] = {"anyOf" if multiple else "oneOf": items, "votersCount": voters_count}
    if end_time is not None:
        fields["endTime"] = _iso(end_time)
        if end_time <= datetime.now(UTC):
            fields["closed"] = _iso(end_time)
    return fields


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_question(question: Question) -> tuple[list[str], list[int], bool, datetime | None]:
    """(options, counts, multiple, end) of a ``Question`` (``PollParser``'s reading)."""
    multiple = question.any_of is not None and question.one_of is None
    items = (question.any_of if multiple else question.one_of) or []
    options: list[str] = []
    counts: list[int] = []
    for item in items[:20]:
        raw = item.model_dump(by_alias=True) if not isinstance(item, str) else {}
        name = raw.get("name") or raw.get("content")
        if isinstance(name, str) and name.strip():
            options.append(name.strip()[:200])
            replies = raw.get("replies")
            total = replies.get("totalItems") if isinstance(replies, dict) else None
            counts.append(total if isinstance(total, int) and total >= 0 else 0)
    closed = question.closed if isinstance(question.closed, str) else None
    return options, counts, multiple, _parse_time(closed or question.end_time)


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


async def store_poll(conn: Conn, post_id: int, question: Question, *, local: bool) -> None:
    """The poll of a new ``Question`` (ours or others'); nothing if it has no options."""
    options, counts, multiple, end = parse_question(question)
    if len(options) < 2:
        return
    voters = question.voters_count if isinstance(question.voters_count, int) else None
    await conn.execute(Q["insert_poll"], post_id, options, counts, voters, multiple, end, local)


async def refresh_poll(conn: Conn, post_id: int, question: Question) -> None:
    """Counts and end of a poll from elsewhere, as its author's server tells them now; new
    options start it over (Mastodon resets the votes when options change)."""
    poll = await find_poll(conn, post_id)
    options, counts, multiple, end = parse_question(question)
    if poll is None or poll.local or len(options) < 2:
        return
    voters = question.voters_count if isinstance(question.voters_count, int) else None
    if options != poll.options:
        await conn.execute(Q["delete_poll_votes"], post_id)
    await conn.execute(Q["refresh_poll"], post_id, options, counts, voters, multiple, end)


async def set_hide_totals(conn: Conn, post_id: int, hide: bool) -> None:
    """Our own setting (not federated): totals shown only once the poll ends."""
    await conn.execute(Q["set_poll_hide_totals"], post_id, hide)


async def find_poll(conn: Conn, post_id: int) -> Poll | None:
    return await fetch_row(conn, Poll, Q["get_poll"], post_id)


async def polls_of_posts(
    conn: Conn, post_ids: Sequence[int], viewer_id: int | None
) -> dict[int, PollView]:
    rows = await conn.fetch(Q["polls_of_posts"], list(post_ids), viewer_id or 0)
    return {r["post_id"]: PollView(Poll.from_record(r), tuple(r["own_votes"] or ())) for r in rows}


def check_vote(poll: Poll, author_id: int, voter_id: int, choices: Sequence[int]) -> None:
    """Mastodon's ``VoteValidator``: open poll, valid choices, one unless multiple, not one's
    own poll."""
    if poll.expired:
        raise PollRefused("The poll has already ended")
    if voter_id == author_id:
        raise PollRefused("You cannot vote in your own polls")
    if not choices or any(not 0 <= c < len(poll.options) for c in choices):
        raise PollRefused("The chosen vote option does not exist")
    if len(set(choices)) != len(choices) or (not poll.multiple and len(choices) > 1):
        raise PollRefused("You can only choose one option in this poll")


async def record_votes(
    conn: Conn, poll: Poll, voter_id: int, choices: Sequence[int], uris: Sequence[str]
) -> None:
    """A voter's choices (each with its Note's id), once; then the counts."""
    voted = bool(await conn.fetchval(Q["has_voted"], poll.post_id, voter_id))
    # a multiple-choice vote from elsewhere comes as one Note per choice
    if voted and (not poll.multiple or await _voted_any(conn, poll, voter_id, choices)):
        raise PollRefused("You have already voted on this poll")
    for choice, uri in zip(choices, uris, strict=True):
        await conn.execute(Q["insert_poll_vote"], poll.post_id, voter_id, choice, uri)
    if poll.local:
        await conn.execute(Q["count_poll"], poll.post_id)
    else:
        await conn.execute(Q["add_to_poll"], poll.post_id, list(choices), not voted)


async def _voted_any(conn: Conn, poll: Poll, voter_id: int, choices: Sequence[int]) -> bool:
    return bool(await conn.fetchval(Q["has_voted_for"], poll.post_id, voter_id, list(choices)))


async def interested_ids(conn: Conn, post_id: int) -> list[int]:
    """Who voted on a poll or shared it (each once): they hear of its new counts."""
    return [r["actor_id"] for r in await conn.fetch(Q["poll_voters"], post_id)]
