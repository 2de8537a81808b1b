"""The moderation story in a real browser, on a real `fediverse serve` process: someone signs
up, creates a community and starts a thread; a second person joins, replies and edits the
reply; the moderator removes the reply with a reason and finds it on the public moderation
log; the moderator turns pre-moderation on, and approves the next thread from the queue. Then
every moderators' page is looked at. And a private community: its moderator makes it private
from its settings page, approves someone's request to join, and looks at its members' servers.

Every page looked at is screenshot and checked with axe-core (tests/web/browser.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Page, expect

from community.actors import find_local_actor
from community.membership import record_follow
from community.storage.database import connect
from tests.e2e.support import Instance, instances_on_new_databases
from tests.inbox.support import remote_actor
from tests.web.browser import CHROMIUM, Looker, require
from tests.web.test_browser import browser, looker, person, reload_until, sign_up

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

__all__ = ["browser", "looker", "person"]  # the fixtures this module uses


@pytest.fixture(scope="module")
def server(
    pg_admin_url: str, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Instance]:
    """One server open to sign-ups."""
    require(CHROMIUM, "Chromium")
    root = tmp_path_factory.mktemp("webmod")
    with instances_on_new_databases(
        pg_admin_url, template_database, root, ("here",), registrations="open"
    ) as (instance,):
        yield instance


def test_a_moderator_removes_a_reply_and_approves_a_held_thread(
    server: Instance, person, looker: Looker
) -> None:
    base = server.base_url
    alice = person()
    sign_up(alice, base, "alice")
    thread_url = create_community_and_thread(alice, looker)

    bob = person()
    sign_up(bob, base, "bob")
    bob.goto(base + "/@patch")
    bob.get_by_role("button", name="Join").click()
    reload_until(bob, "Leave")
    bob.goto(thread_url)
    bob.get_by_label("Your comment").fill("Buy cheap pills at example.com")
    bob.get_by_role("button", name="Comment").click()
    expect(bob.locator("ol.comments")).to_contain_text("Buy cheap pills")
    bob.locator("ol.comments").get_by_role("link", name="Edit").click()
    looker.look(bob, "edit a comment")
    bob.get_by_label("Your text").fill("Buy cheap pills at example.org, *now*")
    bob.get_by_role("button", name="Save").click()
    expect(bob.locator("ol.comments em")).to_have_text("now")

    remove_reply(alice, thread_url, looker)
    read_the_log(alice, looker)
    turn_premoderation_on(alice, looker)

    bob.goto(base + "/@patch/submit")
    bob.get_by_label("Title").fill("Beans or peas?")
    bob.get_by_label("Text").fill("Which grows faster?")
    bob.get_by_role("button", name="Post").click()
    expect(bob.get_by_role("heading", name="Beans or peas?", level=1)).to_be_visible()

    approve_from_the_queue(alice, looker)
    look_at_the_other_pages(alice, base, looker)
    looker.assert_clean()


def create_community_and_thread(page: Page, looker: Looker) -> str:
    page.get_by_role("link", name="New community").click()
    page.get_by_label("Name (letters").fill("patch")
    page.get_by_label("Title").fill("Vegetable patch")
    page.get_by_label("What it is about").fill("Growing food. **Be kind.**")
    page.get_by_label("Members may start threads and reply").check()
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Vegetable patch", level=1)).to_be_visible()
    looker.look(page, "community page (moderator)")
    page.get_by_role("link", name="Start a thread").click()
    page.get_by_label("Title").fill("Seed swap")
    page.get_by_label("Text").fill("Who has spare seeds?")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_role("heading", name="Seed swap", level=1)).to_be_visible()
    return page.url


def remove_reply(page: Page, thread_url: str, looker: Looker) -> None:
    page.goto(thread_url)
    reload_until(page, "Buy cheap pills")
    looker.look(page, "thread page (moderator)")
    page.locator("ol.comments").get_by_role("link", name="Moderate").first.click()
    looker.look(page, "moderate a comment")
    page.get_by_label("Reason").fill("Spam: advertising")
    page.get_by_role("button", name="Remove").click()
    expect(page.get_by_role("status")).to_have_text("Removed. It shows on the moderation log.")
    looker.look(page, "moderate a comment (removed)")
    page.get_by_role("link", name="back to the thread").click()
    expect(page.locator("ol.comments")).to_contain_text("Removed by a moderator.")
    expect(page.locator("ol.comments")).not_to_contain_text("Buy cheap pills")
    page.get_by_role("link", name="Moderate", exact=True).first.click()
    looker.look(page, "moderate a thread")
    page.get_by_role("button", name="Lock (no more replies)").click()
    expect(page.get_by_role("status")).to_have_text(
        "The thread is locked: it takes no more replies."
    )


def read_the_log(page: Page, looker: Looker) -> None:
    page.get_by_role("link", name="Vegetable patch").click()
    page.get_by_role("link", name="Moderation log").click()
    expect(page.get_by_role("heading", name="Moderation log", level=1)).to_be_visible()
    expect(page.locator("ol.log")).to_contain_text("removed a comment")
    expect(page.locator("ol.log")).to_contain_text("Reason: Spam: advertising")
    expect(page.locator("ol.log")).not_to_contain_text("Buy cheap pills")
    looker.look(page, "moderation log")
    page.get_by_label("Show").select_option(label="Locks and pins")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("ol.log")).to_contain_text("locked")
    expect(page.locator("ol.log")).not_to_contain_text("removed a comment")
    looker.look(page, "moderation log (filtered)")


def turn_premoderation_on(page: Page, looker: Looker) -> None:
    page.get_by_role("link", name="Vegetable patch").click()
    page.get_by_role("link", name="Moderate this community").click()
    looker.look(page, "moderators' settings")
    page.get_by_label("Every post").check()
    page.get_by_label("Reason").fill("Too much spam lately")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved.")


def approve_from_the_queue(page: Page, looker: Looker) -> None:
    page.get_by_role("link", name="Queue").click()
    reload_until(page, "Beans or peas?")
    looker.look(page, "pre-moderation queue")
    page.get_by_role("button", name="Approve").first.click()
    expect(page.get_by_role("status")).to_have_text("Approved: the post is in the community now.")
    expect(page.get_by_text("Nothing waits.")).to_be_visible()
    page.get_by_role("link", name="Vegetable patch").click()
    reload_until(page, "Beans or peas?")
    page.get_by_role("link", name="Moderation log").click()
    expect(page.locator("ol.log")).to_contain_text("approved")
    expect(page.locator("ol.log")).to_contain_text("set pre-moderation to every post")


def look_at_the_other_pages(page: Page, base: str, looker: Looker) -> None:
    desk = base + "/@patch/moderation"
    page.goto(desk + "/bans")
    page.get_by_label("Who").fill("@bob")
    page.get_by_label("Reason").fill("Spam")
    page.get_by_label("Until").fill("2099-01-01")
    page.get_by_role("button", name="Ban", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Banned.")
    looker.look(page, "bans")
    page.get_by_role("button", name="Lift the ban").click()
    expect(page.get_by_role("status")).to_have_text("The ban is lifted.")
    page.goto(desk + "/team")
    looker.look(page, "moderator team")
    page.get_by_label("Who").fill("@bob")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("status")).to_have_text("The team changed.")
    page.goto(desk)
    page.get_by_label("Every moderator").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Proposed")
    page.goto(desk + "/proposals")
    looker.look(page, "proposals")
    page.goto(desk + "/reports")
    looker.look(page, "reports")
    page.emulate_media(color_scheme="dark")
    for name, url in [("moderators' settings", desk), ("moderation log", base + "/@patch/modlog")]:
        page.goto(url)
        looker.look(page, f"{name} (dark)")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(desk + "/bans")
    looker.look(page, "bans (phone)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "scrolls sideways"


def test_a_moderator_makes_a_community_private_and_approves_a_request_to_join(
    server: Instance, person, looker: Looker
) -> None:
    base = server.base_url
    carol = person()
    sign_up(carol, base, "carol")
    carol.get_by_role("link", name="New community").click()
    carol.get_by_label("Name (letters").fill("circle")
    carol.get_by_label("Title").fill("Quiet circle")
    expect(carol.get_by_label("Public", exact=True)).to_be_checked()
    looker.look(carol, "new community")
    carol.get_by_role("button", name="Create").click()
    expect(carol.get_by_role("heading", name="Quiet circle", level=1)).to_be_visible()
    carol.get_by_role("link", name="Moderate this community").click()
    carol.get_by_label("Private", exact=True).check()
    carol.get_by_label("Reason").fill("We share what we would not post publicly")
    looker.look(carol, "moderators' settings (private)")
    carol.get_by_role("button", name="Save").click()
    expect(carol.get_by_role("status")).to_have_text("Saved.")
    expect(carol.get_by_label("Private", exact=True)).to_be_checked()
    expect(carol.get_by_label("Closed: moderators approve who joins")).to_be_checked()

    dave = person()
    sign_up(dave, base, "dave")
    dave.goto(base + "/@circle")
    expect(dave.locator("#private-notice")).to_be_visible()
    dave.get_by_role("button", name="Ask to join").click()
    reload_until(dave, "Your request to join waits for the moderators.")

    desk = base + "/@circle/moderation"
    carol.goto(desk)
    carol.get_by_role("link", name="Join requests").click()
    reload_until(carol, "@dave")
    looker.look(carol, "join requests")
    carol.get_by_role("button", name="Approve").click()
    expect(carol.get_by_role("status")).to_have_text(
        "Approved: they are a member now, and their server is told."
    )
    expect(carol.get_by_text("No one is waiting to join.")).to_be_visible()
    dave.reload()
    reload_until(dave, "Leave")
    with ThreadPoolExecutor(1) as aside:  # Playwright's own event loop runs in this thread
        aside.submit(asyncio.run, members_elsewhere(server.database_url, "circle")).result()
    carol.get_by_role("link", name="Servers").click()
    expect(carol.get_by_role("heading", name="Members' servers", level=1)).to_be_visible()
    expect(carol.get_by_text("This community is private")).to_be_visible()
    expect(carol.get_by_role("row", name="toot.example")).to_contain_text(
        "Receives nothing private"
    )
    looker.look(carol, "members' servers")
    carol.emulate_media(color_scheme="dark")
    carol.goto(desk + "/requests")
    looker.look(carol, "join requests (dark)")
    carol.emulate_media(color_scheme="light")
    carol.set_viewport_size({"width": 390, "height": 844})  # a phone
    carol.goto(desk + "/servers")
    looker.look(carol, "members' servers (phone)")
    assert carol.evaluate("document.documentElement.scrollWidth") <= 390, "scrolls sideways"
    carol.goto(base + "/@circle/modlog")
    expect(carol.locator("ol.log")).to_contain_text("made the community private")
    looker.assert_clean()


async def members_elsewhere(database_url: str, group_name: str) -> None:
    """Members on two other servers, known by their NodeInfo: a Lemmy 1.0 (which receives a
    private community's posts) and a Mastodon (which does not)."""
    async with connect(database_url) as conn:
        group = await find_local_actor(conn, group_name)
        assert group is not None
        for uri, software in (
            ("https://lemmy.example/u/rita", "lemmy"),
            ("https://toot.example/users/felix", "mastodon"),
        ):
            member = (await remote_actor(conn, uri, software=software)).actor
            await record_follow(conn, member, group, None, accepted=True)
        await conn.execute(
            "UPDATE instances SET software_version = '1.0.2' WHERE domain = 'lemmy.example'"
        )
