"""The pages in a real browser, as people click through them, on real `fediverse serve`
processes: sign up, create a community, start a thread, a second person joins, replies and
votes; someone on another server finds the community by its handle, joins and posts.

Every page looked at is screenshot and checked with axe-core, in light and in dark.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.e2e.support import Instance, instances_on_new_databases
from tests.web.browser import AXE, CHROMIUM, CHROMIUM_ARGS, Looker, require

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def servers(
    pg_admin_url: str, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Instance, Instance]]:
    """Two servers open to sign-ups: ``here`` (the community's) and ``there``."""
    require(CHROMIUM, "Chromium")
    root = tmp_path_factory.mktemp("web")
    with instances_on_new_databases(
        pg_admin_url, template_database, root, ("here", "there"), registrations="open"
    ) as (here, there):
        yield here, there


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = require(CHROMIUM, "Chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def looker() -> Looker:
    return Looker(require(AXE, "axe-core").read_text())


@pytest.fixture
def person(browser: Browser) -> Iterator[Callable[[], Page]]:
    """New browser windows, each with cookies of its own (one person each)."""
    contexts = []

    def open_page() -> Page:
        context = browser.new_context(viewport={"width": 1000, "height": 800})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def sign_up(page: Page, base: str, name: str, looker: Looker | None = None) -> None:
    page.goto(base + "/auth/sign_up")
    if looker:
        looker.look(page, "sign up")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password (at least 8 characters)").fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("link", name=f"@{name}")).to_be_visible()


def reload_until(page: Page, text: str, timeout: float = 60) -> None:
    """Federation is asynchronous: reload until ``text`` shows."""
    deadline = time.monotonic() + timeout
    while page.get_by_text(text).count() == 0:
        assert time.monotonic() < deadline, f"{text!r} never showed on {page.url}"
        time.sleep(0.3)
        page.reload()


def test_people_create_join_post_reply_and_vote(
    servers: tuple[Instance, Instance], person: Callable[[], Page], looker: Looker
) -> None:
    here, _ = servers
    base = here.base_url
    alice = person()
    alice.goto(base + "/")
    looker.look(alice, "front page (empty)")
    alice.keyboard.press("Tab")
    expect(alice.get_by_role("link", name="Skip to content")).to_be_focused()
    sign_up(alice, base, "alice", looker)
    create_community(alice, looker)
    thread_url = start_thread(alice, looker)
    alice.get_by_role("button", name="Sign out").first.click()

    bob = person()
    sign_up(bob, base, "bob")
    bob.goto(base + "/")
    join_by_search(bob, f"@garden@{here.domain}", looker)
    comment_and_vote(bob, thread_url, looker)
    look_at_own_pages(bob, base, looker)

    alice.goto(base + "/auth/sign_in")
    looker.look(alice, "sign in")
    alice.get_by_label("Name").fill("alice")
    alice.get_by_label("Password").fill(PASSWORD)
    alice.get_by_role("button", name="Sign in").click()
    alice.get_by_role("link", name="Notifications").click()
    reload_until(alice, "replied to you or mentioned you")
    looker.look(alice, "notifications")
    look_in_the_dark(alice, base, thread_url, looker)
    looker.assert_clean()


def create_community(page: Page, looker: Looker) -> None:
    page.get_by_role("link", name="New community").click()
    looker.look(page, "new community")
    page.get_by_label("Name (letters").fill("garden")
    page.get_by_label("Title").fill("Garden club")
    page.get_by_label("What it is about").fill("We grow **vegetables** together.")
    page.get_by_label("Members may start threads and reply").check()
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Garden club", level=1)).to_be_visible()
    looker.look(page, "community page (new)")


def start_thread(page: Page, looker: Looker) -> str:
    page.get_by_role("link", name="Start a thread").click()
    page.get_by_label("Title").fill("First tomatoes")
    page.get_by_label("Text").fill("Mine are **red** already.\n\n- Roma\n- Cherry")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".preview strong")).to_have_text("red")
    looker.look(page, "new thread with preview")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_role("heading", name="First tomatoes", level=1)).to_be_visible()
    looker.look(page, "thread page")
    return page.url


def join_by_search(page: Page, handle: str, looker: Looker) -> None:
    page.get_by_label("Find a community or person").fill(handle)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Join").click()
    reload_until(page, "Leave")  # the community accepts in a moment (its inbox worker)
    looker.look(page, "community page (member)")


def comment_and_vote(page: Page, thread_url: str, looker: Looker) -> None:
    page.get_by_role("link", name="First tomatoes").first.click()
    page.get_by_label("Your comment").fill("Mine are still _green_.")
    page.get_by_role("button", name="Comment").click()
    expect(page.locator("ol.comments em")).to_have_text("green")
    upvote = page.get_by_role("button", name="Upvote").first
    upvote.focus()
    page.keyboard.press("Enter")  # keyboard only
    expect(page.get_by_role("button", name="Upvote").first).to_have_attribute(
        "aria-pressed", "true"
    )
    page.locator("ol.comments").get_by_role("link", name="Reply").first.click()
    looker.look(page, "reply to a comment")
    page.get_by_label("Your reply").fill("Patience!")
    page.get_by_role("button", name="Reply").click()
    expect(page.locator("ol.comments ol").get_by_text("Patience!")).to_be_visible()
    looker.look(page, "thread page with comments")
    assert page.url.split("#")[0] == thread_url


def look_at_own_pages(page: Page, base: str, looker: Looker) -> None:
    page.get_by_role("link", name="@bob").click()
    looker.look(page, "person page")
    page.get_by_role("link", name="Comment", exact=True).first.click()
    looker.look(page, "comment page")
    page.get_by_role("link", name="Delete").first.click()
    looker.look(page, "delete confirmation")
    page.get_by_role("link", name="Keep it").click()
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Display name").fill("Bob the gardener")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_have_text("Your profile is saved.")
    looker.look(page, "settings")
    page.goto(base + "/search?q=gard")
    looker.look(page, "search results")
    page.goto(base + "/no/such/page")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    looker.look(page, "not found")
    feed = page.request.get(base + "/@garden/feed.atom")
    assert feed.status == 200
    assert "First tomatoes" in feed.text()


def look_in_the_dark(page: Page, base: str, thread_url: str, looker: Looker) -> None:
    page.emulate_media(color_scheme="dark")
    for name, url in [
        ("front page", base + "/"),
        ("community page", base + "/@garden"),
        ("thread page", thread_url),
        ("new thread", base + "/@garden/submit"),
        ("settings", base + "/settings"),
    ]:
        page.goto(url)
        looker.look(page, f"{name} (dark)")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    for name, url in [("community page", base + "/@garden"), ("thread page", thread_url)]:
        page.goto(url)
        looker.look(page, f"{name} (phone)")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, "scrolls sideways"


def test_someone_elsewhere_finds_joins_and_posts(
    servers: tuple[Instance, Instance], person: Callable[[], Page], looker: Looker
) -> None:
    here, there = servers
    here.cli("group", "create", "commons", "--title", "The Commons")
    carol = person()
    sign_up(carol, there.base_url, "carol")
    carol.get_by_label("Find a community or person").fill(f"@commons@{here.domain}")
    carol.get_by_role("button", name="Search").click()
    expect(carol.get_by_role("heading", name="The Commons", level=1)).to_be_visible()
    assert carol.url.endswith(f"/@commons@{here.domain}")
    carol.get_by_role("button", name="Join").click()
    reload_until(carol, "Leave")
    looker.look(carol, "community elsewhere")
    carol.get_by_role("link", name="Start a thread").click()
    carol.get_by_label("Title").fill("Hello from there")
    carol.get_by_label("Text").fill("Waving across servers.")
    carol.get_by_role("button", name="Post").click()
    expect(carol.get_by_role("heading", name="Hello from there", level=1)).to_be_visible()
    visitor = person()
    visitor.goto(here.base_url + "/@commons")
    reload_until(visitor, "Hello from there")
    visitor.get_by_role("link", name="Hello from there").click()
    expect(visitor.get_by_text("Waving across servers.")).to_be_visible()
    looker.look(visitor, "thread from elsewhere")
    looker.assert_clean()
