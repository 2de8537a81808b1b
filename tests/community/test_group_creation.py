"""FEDIVERSE_GROUP_CREATION: anyone, approval, admins; the creator is the first moderator."""

import pytest

from community.accounts import create_user
from community.actors import Profile
from community.errors import InvalidInput, NameTaken
from community.governance import GroupRequest, moderators_of
from community.groups import answer_group_request, found_group
from community.urls import Urls

URLS = Urls("https://social.test")


async def test_anyone_creates_and_moderates_it(conn) -> None:
    ada = await create_user(conn, URLS, "ada")
    group = await found_group(conn, URLS, "anyone", ada, "commons", name="The Commons")
    assert not isinstance(group, GroupRequest)
    assert [m.username for m in await moderators_of(conn, group)] == ["ada"]


async def test_approval_waits_for_an_admin(conn) -> None:
    ada = await create_user(conn, URLS, "ada")
    request = await found_group(conn, URLS, "approval", ada, "commons", name="The Commons")
    assert isinstance(request, GroupRequest)
    with pytest.raises(InvalidInput, match="already asked for"):
        await found_group(conn, URLS, "approval", ada, "commons")
    group = await answer_group_request(conn, URLS, "commons", approve=True)
    assert group is not None
    assert group.name == "The Commons"
    assert [m.username for m in await moderators_of(conn, group)] == ["ada"]
    with pytest.raises(NameTaken):
        await found_group(conn, URLS, "approval", ada, "commons")
    await found_group(conn, URLS, "approval", ada, "other")
    assert await answer_group_request(conn, URLS, "other", approve=False) is None


@pytest.mark.parametrize(
    ("asked", "founded"),
    [
        ({}, ("public", False, "members")),
        ({"closed": True}, ("private", True, "members")),
        ({"visibility": "private"}, ("private", True, "members")),
        ({"visibility": "unlisted", "posting_policy": "anyone"}, ("unlisted", False, "anyone")),
        (
            {"visibility": "public", "closed": True, "posting_policy": "moderators"},
            ("public", True, "moderators"),
        ),
    ],
)
async def test_approval_founds_it_as_asked(
    conn, asked: Profile, founded: tuple[str, bool, str]
) -> None:
    """The request keeps who may read, closed and who may post; approval applies them as a
    community created at once would have them."""
    ada = await create_user(conn, URLS, "ada")
    request = await found_group(conn, URLS, "approval", ada, "commons", name="Commons", **asked)
    assert isinstance(request, GroupRequest)
    group = await answer_group_request(conn, URLS, "commons", approve=True)
    assert group is not None
    made = (group.community_visibility, group.manually_approves_followers, group.posting_policy)
    assert made == founded
    boss = await create_user(conn, URLS, "boss", is_admin=True)
    at_once = await found_group(conn, URLS, "approval", boss, "direct", **asked)
    assert not isinstance(at_once, GroupRequest)
    direct = (at_once.community_visibility, at_once.manually_approves_followers)
    assert (*direct, at_once.posting_policy) == founded


async def test_admins_only(conn) -> None:
    ada = await create_user(conn, URLS, "ada")
    boss = await create_user(conn, URLS, "boss", is_admin=True)
    with pytest.raises(InvalidInput, match="only administrators"):
        await found_group(conn, URLS, "admins", ada, "commons")
    assert not isinstance(await found_group(conn, URLS, "admins", boss, "commons"), GroupRequest)
    # an admin creates at once under the approval rule too
    assert not isinstance(await found_group(conn, URLS, "approval", boss, "more"), GroupRequest)
