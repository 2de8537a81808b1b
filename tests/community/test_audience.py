"""THE audience decision (community/audience.py), as properties over every combination of
author, community, requested visibility and people mentioned."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from community.actors import Actor, CommunityVisibility
from community.audience import (
    PostAudience,
    Requested,
    announce_addressing,
    announce_listed,
    compose,
    members_only,
    stored_visibility,
)
from community.render import AS_PUBLIC

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def actor(
    number: int,
    host: str,
    kind: str = "Person",
    *,
    closed: bool = False,
    visibility: CommunityVisibility | None = None,
) -> Actor:
    uri = f"https://{host}/{'groups' if kind == 'Group' else 'users'}/a{number}"
    return Actor(
        id=number,
        uri=uri,
        type=kind,
        username=f"a{number}",
        domain=host,
        local=host == "social.test",
        name="",
        summary="",
        url=None,
        icon_url=None,
        inbox_uri=uri + "/inbox",
        shared_inbox_uri=None,
        outbox_uri=uri + "/outbox",
        followers_uri=uri + "/followers",
        following_uri=None,
        featured_uri=None,
        moderators_uri=None,
        manually_approves_followers=closed,
        discoverable=True,
        posting_policy="members",
        published=NOW,
        updated=NOW,
        community_visibility=visibility or ("private" if closed else "public"),
    )


hosts = st.sampled_from(["social.test", "lemmy.example", "mastodon.example"])
people = st.builds(actor, st.integers(100, 999), hosts)
groups = st.builds(actor, st.integers(10, 99), hosts, st.just("Group"), closed=st.booleans())
requested = st.sampled_from(["public", "unlisted", "private", "direct"])


@st.composite
def posts(draw: st.DrawFn) -> tuple[Actor, Requested, Actor | None, list[Actor]]:
    author = actor(1, "social.test")
    group = draw(st.none() | groups)
    others = draw(st.lists(people, max_size=4, unique_by=lambda a: a.uri))
    mentioned = ([group] if group else []) + others
    return author, draw(requested), group, mentioned


def everyone(audience: PostAudience) -> list[str]:
    return [*audience.to, *audience.cc]


@given(posts())
def test_a_private_communitys_post_reaches_the_group_alone(post) -> None:
    author, asked, group, mentioned = post
    audience = compose(author, asked, group=group, mentioned=mentioned)
    if not members_only(group):
        return
    assert group is not None
    assert audience.to == (group.uri,)
    assert audience.cc == ()
    assert audience.recipients == (group,)
    assert not audience.to_followers
    assert not audience.listed
    assert audience.visibility == "members"


@given(posts())
def test_nothing_members_only_is_public_listed_or_sent_to_followers(post) -> None:
    author, asked, group, mentioned = post
    audience = compose(author, asked, group=group, mentioned=mentioned)
    if audience.visibility == "members":
        assert AS_PUBLIC not in everyone(audience)
        assert author.followers_uri not in everyone(audience)
        assert not audience.listed
        assert not audience.to_followers


@given(posts())
def test_elsewhere_the_apps_choice_holds_and_everyone_delivered_to_is_addressed(post) -> None:
    author, asked, group, mentioned = post
    audience = compose(author, asked, group=group, mentioned=mentioned)
    if members_only(group):
        return
    assert (AS_PUBLIC in audience.to) == (asked == "public")
    assert (AS_PUBLIC in audience.cc) == (asked == "unlisted")
    assert audience.listed == (asked in ("public", "unlisted"))
    assert audience.to_followers == (asked != "direct")
    assert (author.followers_uri in everyone(audience)) == (asked != "direct")
    for recipient in audience.recipients:
        assert recipient.uri in everyone(audience)


@given(posts())
def test_the_inbox_stores_our_post_as_we_composed_it(post) -> None:
    """The visibility a post gets when the inbox (the local path) reads its addressing is
    the one it was composed with: the two paths cannot disagree."""
    author, asked, group, mentioned = post
    audience = compose(author, asked, group=group, mentioned=mentioned)
    stored = stored_visibility(list(audience.to), list(audience.cc), author, group)
    assert stored == audience.visibility


@given(
    st.lists(st.sampled_from([AS_PUBLIC, "as:Public", "https://x.example/u/1"]), max_size=3),
    st.lists(st.sampled_from([AS_PUBLIC, "https://x.example/u/1/followers"]), max_size=3),
    st.booleans(),
    st.sampled_from([None, "public", "members", "followers"]),
)
def test_whatever_a_post_says_in_a_private_community_it_is_for_members(
    to: list[str], cc: list[str], closed: bool, parent: str | None
) -> None:
    author = actor(1, "x.example")
    group = actor(2, "social.test", "Group", closed=closed)
    stored = stored_visibility(to, cc, author, group, parent)
    assert (stored == "members") == (closed or parent == "members")


def test_unlisted_communities_are_honoured(monkeypatch) -> None:
    """The hook private communities (issue 15) turn into a setting."""
    unlisted: CommunityVisibility = "unlisted"
    monkeypatch.setattr("community.audience.group_visibility", lambda group: unlisted)
    author, group = actor(1, "social.test"), actor(2, "social.test", "Group")
    audience = compose(author, "public", group=group, mentioned=[group])
    assert audience.visibility == "unlisted"
    assert AS_PUBLIC in audience.cc
    assert stored_visibility([AS_PUBLIC], [], author, group) == "unlisted"
    assert announce_addressing(group)["cc"] == [AS_PUBLIC]
    assert announce_listed(group)


def test_a_groups_announces() -> None:
    open_group = actor(2, "social.test", "Group")
    closed_group = actor(3, "social.test", "Group", closed=True)
    assert announce_addressing(open_group)["to"] == [AS_PUBLIC]
    assert announce_listed(open_group)
    assert announce_addressing(closed_group) == {
        "to": [closed_group.followers_uri],
        "cc": [],
        "audience": closed_group.uri,
    }
    assert not announce_listed(closed_group)
