"""The opportunities board, as new users would go through it: a member posts an opportunity
(a closing date in the past is refused beside the field), a member of another group finds it
on the board and replies, and the poster receives the reply by email and on the post's page
without either email address being shown. Every page reached is checked with axe (and at
360 px)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlparse

from django.core import mail
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot

from peerpower.networking import actions
from peerpower.networking.models import Tag


def go(page: Page, name: str) -> None:
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, f"opportunities-{name}")


def test_a_member_posts_another_replies_and_the_poster_gets_it_without_either_address(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders")
    other_group = factories.make_group(network, "Thursday Circle", weekday=3)
    ana = factories.add_member(group, factories.make_user("Ana Ahmed")).user
    ben = factories.add_member(other_group, factories.make_user("Ben Brook")).user
    Tag.objects.create(network=network, name="Youth work")
    base = live_server.url
    today = timezone.localdate()

    # Ana posts a partnership; a closing date in the past is refused beside the field.
    ana_page = new_context().new_page()
    log_in(ana_page, base, ana.email)
    ana_page.get_by_role("link", name="People").click()
    go(ana_page, "directory")
    ana_page.get_by_role("link", name="Opportunities").click()
    go(ana_page, "board-empty")
    expect(ana_page.get_by_text("No open opportunities yet.")).to_be_visible()
    ana_page.get_by_role("link", name="Post an opportunity").click()
    go(ana_page, "new")
    ana_page.get_by_label("Kind").select_option(label="Partnership")
    ana_page.get_by_label("Title").fill("A partner for a summer youth scheme")
    ana_page.get_by_label("Description").fill("We run holiday clubs and want a sports partner.")
    ana_page.get_by_label("Closing date").fill((today - timedelta(days=1)).isoformat())
    ana_page.get_by_role("group", name="Tags").get_by_label("Youth work").check()
    ana_page.get_by_role("button", name="Post it").click()
    expect(ana_page.locator("#id_closes_on_error")).to_have_text(
        "That date has passed: choose today or a later date for the post to close."
    )
    go(ana_page, "new-refused")
    ana_page.get_by_label("Closing date").fill((today + timedelta(days=21)).isoformat())
    ana_page.get_by_role("button", name="Post it").click()
    expect(ana_page.get_by_text("Your post is on the board.")).to_be_visible()
    go(ana_page, "posted")
    expect(ana_page.get_by_text("No replies yet.")).to_be_visible()

    # Ben, in another group, finds it on the board and replies.
    ben_page = new_context().new_page()
    log_in(ben_page, base, ben.email)
    ben_page.goto(f"{base}/network/{network.slug}/opportunities/")
    go(ben_page, "board")
    posts = ben_page.get_by_role("list", name="Opportunities")
    posts.get_by_role("link", name="A partner for a summer youth scheme").click()
    go(ben_page, "post")
    expect(ben_page.get_by_text(ana.email)).to_have_count(0)
    ben_page.get_by_label("Your reply").fill(
        "We coach football in the same towns and would love to partner this summer."
    )
    ben_page.get_by_role("button", name="Send my reply").click()
    expect(ben_page.get_by_text("Your reply is on its way to the poster.")).to_be_visible()
    go(ben_page, "replied")
    expect(ben_page.get_by_text("We coach football in the same towns")).to_be_visible()
    expect(ben_page.get_by_text(ana.email)).to_have_count(0)

    # Ana gets the reply by email, with neither address in it, and reads it on the post.
    assert [m.to for m in mail.outbox] == [[ana.email]]
    sent = mail.outbox[0]
    text = str(sent.body) + "".join(str(c) for c, _ in getattr(sent, "alternatives", []))
    assert "We coach football in the same towns" in text and "Ben Brook" in text
    assert ana.email not in text and ben.email not in text and not sent.reply_to
    link = next(line for line in sent.body.splitlines() if "/opportunities/" in line)
    ana_page.goto(base + urlparse(link[link.index("http") :].strip()).path)
    go(ana_page, "replies")
    replies = ana_page.get_by_role("region", name="Replies")
    expect(replies.get_by_text("We coach football in the same towns")).to_be_visible()
    expect(replies.get_by_text("Ben Brook")).to_be_visible()
    expect(ana_page.get_by_text(ben.email)).to_have_count(0)

    # She extends it once, then closes it early.
    ana_page.get_by_role("link", name="Extend the closing date").click()
    go(ana_page, "extend")
    ana_page.get_by_label("New closing date").fill((today + timedelta(days=40)).isoformat())
    ana_page.get_by_role("button", name="Extend").click()
    expect(ana_page.get_by_text("The post is extended.")).to_be_visible()
    expect(ana_page.get_by_role("link", name="Extend the closing date")).to_have_count(0)
    ana_page.get_by_role("button", name="Close it now").click()
    expect(ana_page.get_by_text("The post is closed: it takes no more replies.")).to_be_visible()
    go(ana_page, "closed")
    ben_page.reload()
    go(ben_page, "post-closed")
    expect(ben_page.get_by_text("This post takes no more replies.")).to_be_visible()


def test_a_member_subscribes_to_the_digest_and_unsubscribes_in_one_click(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders")
    ana = factories.add_member(group, factories.make_user("Ana Ahmed")).user
    ben = factories.add_member(group, factories.make_user("Ben Brook")).user
    youth = Tag.objects.create(network=network, name="Youth work")
    base = live_server.url

    # Ana asks for the weekly email (off by default) and chooses a tag.
    page = new_context().new_page()
    log_in(page, base, ana.email)
    page.goto(f"{base}/network/{network.slug}/people/me/")
    go(page, "profile-form")
    digest = page.get_by_label("Weekly email of new opportunities matching my tags")
    expect(digest).not_to_be_checked()
    page.get_by_role("group", name="I'm looking for").get_by_label("Youth work").check()
    digest.check()
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()

    # Ben posts with her tag; Monday's digest brings it, with a one-click unsubscribe.
    post = actions.opportunity_post(
        network=network,
        fields=actions.PostFields(
            kind="role",
            title="Treasurer for a youth charity",
            description="A trustee role, a meeting a month.",
            closes_on=timezone.localdate() + timedelta(days=14),
            tags=[youth],
        ),
        by=ben,
    )
    actions.digests_send_due()
    [sent] = [m for m in mail.outbox if m.to == [ana.email]]
    assert post.title in sent.body
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = sent.extra_headers["List-Unsubscribe"].strip("<>")

    # The link, opened in a browser with no session, asks once; one click unsubscribes.
    anonymous = new_context().new_page()
    anonymous.goto(base + urlparse(url).path)
    go(anonymous, "unsubscribe")
    anonymous.get_by_role("button", name="Unsubscribe").click()
    expect(anonymous.get_by_role("status")).to_contain_text("You are unsubscribed")
    go(anonymous, "unsubscribed")
    page.goto(f"{base}/network/{network.slug}/people/me/")
    expect(
        page.get_by_label("Weekly email of new opportunities matching my tags")
    ).not_to_be_checked()
