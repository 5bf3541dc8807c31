"""Networking, as new users would go through it: a member writes a profile and chooses who
sees each part; a member of another group finds her by a tag and by a word of her headline,
asks to be introduced; she accepts, and both see each other's email address. Every page
reached is checked with axe (and at 360 px)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

from django.core import mail
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot

from peerpower.networking.models import Profile, Tag
from peerpower.networks.models import Organisation


def go(page: Page, name: str) -> None:
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, f"networking-{name}")


def test_a_member_is_found_by_tag_and_headline_and_an_introduction_shares_emails(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders")
    other_group = factories.make_group(network, "Thursday Circle", weekday=3)
    ana = factories.add_member(group, factories.make_user("Ana Ahmed")).user
    ben = factories.add_member(other_group, factories.make_user("Ben Brook")).user
    for name in ("Digital fundraising", "Online giving", "Governance"):
        Tag.objects.create(network=network, name=name)
    Organisation.objects.create(network=network, name="Northside Youth", sector="youth")
    base = live_server.url

    # Ana writes her profile: her headline for the whole network, her biography for her group.
    ana_page = new_context().new_page()
    log_in(ana_page, base, ana.email)
    ana_page.get_by_role("link", name="People").click()
    go(ana_page, "directory-empty")
    ana_page.get_by_role("link", name="Write my profile").click()
    go(ana_page, "own-profile")
    ana_page.get_by_label("My organisation (optional)", exact=True).select_option(
        label="Northside Youth"
    )
    ana_page.get_by_label("Headline (optional)", exact=True).fill(
        "Youth charity leader growing online donations"
    )
    ana_page.get_by_label("Who sees my headline").select_option(label="The whole network")
    ana_page.get_by_label("Biography (optional)", exact=True).fill(
        "Ran a youth club for ten years; only my group reads this."
    )
    ana_page.get_by_role("group", name="I can help with").get_by_label(
        "Digital fundraising"
    ).check()
    ana_page.get_by_label("Who sees what I can help with").select_option(label="The whole network")
    ana_page.get_by_label("Phone (optional)", exact=True).fill("07700 900123")
    ana_page.get_by_role("button", name="Save my profile").click()
    expect(ana_page.get_by_text("Your profile is saved.")).to_be_visible()
    go(ana_page, "profile-own")
    profile = Profile.objects.get(user=ana)

    # Ben, in another group, finds her by a tag and by a word of her headline.
    ben_page = new_context().new_page()
    log_in(ben_page, base, ben.email)
    ben_page.get_by_role("link", name="People").click()
    go(ben_page, "directory")
    ben_page.get_by_label("Tag:", exact=True).select_option(label="Digital fundraising")
    ben_page.get_by_role("button", name="Find people").click()
    go(ben_page, "directory-by-tag")
    people = ben_page.get_by_role("list", name="People")
    expect(people.get_by_role("link", name="Ana Ahmed")).to_be_visible()
    ben_page.get_by_label("Tag:", exact=True).select_option(label="Any tag")
    ben_page.get_by_label("Search:", exact=True).fill("donations")
    ben_page.get_by_role("button", name="Find people").click()
    go(ben_page, "directory-search")
    expect(people.get_by_role("link", name="Ana Ahmed")).to_be_visible()
    people.get_by_role("link", name="Ana Ahmed").click()
    go(ben_page, "profile")
    expect(ben_page.get_by_text("Youth charity leader growing online donations")).to_be_visible()
    expect(ben_page.get_by_text("only my group reads this")).to_have_count(0)
    expect(ben_page.get_by_text("07700 900123")).to_have_count(0)

    # He asks to be introduced; a reason too short is refused beside the field.
    ben_page.get_by_role("link", name="Ask to be introduced").click()
    go(ben_page, "introduce")
    ben_page.get_by_label("Why you would like to be introduced").fill("Hello")
    ben_page.get_by_role("button", name="Ask").click()
    expect(ben_page.get_by_text("Say why in 20 to 500 characters (you wrote 5).")).to_be_visible()
    go(ben_page, "introduce-refused")
    ben_page.get_by_label("Why you would like to be introduced").fill(
        "We are starting online giving and would value your experience."
    )
    ben_page.get_by_role("button", name="Ask").click()
    expect(ben_page.get_by_text("Waiting for an answer")).to_be_visible()
    go(ben_page, "introduction-asked")
    expect(ben_page.get_by_text(ana.email)).to_have_count(0)
    assert [m.to for m in mail.outbox] == [[ana.email]]
    assert ben.email not in mail.outbox[0].body

    # Ana accepts on the page the email links to; both see each other's email address.
    link = next(line for line in mail.outbox[0].body.splitlines() if "/introductions/" in line)
    ana_page.goto(base + urlparse(link[link.index("http") :].strip()).path)
    go(ana_page, "introduction-to-answer")
    expect(ana_page.get_by_text("We are starting online giving")).to_be_visible()
    expect(ana_page.get_by_text(ben.email)).to_have_count(0)
    ana_page.get_by_role("button", name="Yes, introduce us").click()
    expect(ana_page.get_by_text("You said yes.")).to_be_visible()
    go(ana_page, "introduction-accepted")
    expect(ana_page.get_by_role("link", name=ben.email)).to_be_visible()
    ben_page.reload()
    go(ben_page, "introduction-accepted-asker")
    expect(ben_page.get_by_role("link", name=ana.email)).to_be_visible()
    expect(ben_page.get_by_text("07700 900123")).to_be_visible()
    ben_page.get_by_role("link", name="Introductions").first.click()
    go(ben_page, "introductions")
    expect(ben_page.get_by_text("Introduced: you can reach each other")).to_be_visible()
    assert profile.pk
