"""A network admin keeps the network's set-up without the Django admin, and a member says which
organisation they lead: each form opened, one thing changed, saved, and the result seen."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot

from peerpower.accounts.models import User
from peerpower.groups.models import Membership
from peerpower.issues.models import Protocol
from peerpower.networks.models import AgendaTemplateItem, Network, Organisation, Venue


def no_sideways_scroll(page: Page) -> None:
    """At a phone's 360 px nothing may stick out sideways."""
    size = page.viewport_size
    page.set_viewport_size({"width": 360, "height": 740})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width} px wide at 360 px"
    if size:
        page.set_viewport_size(size)


def checked(page: Page) -> None:
    assert_no_axe_violations(page)
    no_sideways_scroll(page)


def set_up() -> tuple[Network, User]:
    network = factories.make_network("Northbridge")
    factories.make_venue(network, "The Common Room")
    return network, factories.make_admin(network, "Alex Admin")


def open_section(page: Page, network: Network, link: str, heading: str) -> None:
    page.get_by_role("navigation", name=f"Running {network.name}").get_by_role(
        "link", name=link
    ).click()
    expect(page.get_by_role("heading", level=2)).to_have_text(heading)
    checked(page)


def test_admin_adds_and_edits_a_venue(live_server: LiveServer, page: Page) -> None:
    network, admin = set_up()
    log_in(page, live_server.url, admin.email)
    page.get_by_role("link", name="Run Northbridge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northbridge")
    expect(page.get_by_role("link", name="admin", exact=True)).to_have_count(0)
    checked(page)
    open_section(page, network, "Venues", "Venues")

    page.get_by_role("link", name="Add a venue").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Add a venue")
    checked(page)
    page.get_by_label("Name").fill("Harbour Hall")
    page.get_by_label("Address").fill("3 Dock Street\nBristol")
    page.get_by_label("Access notes").fill("Step-free from the car park.")
    page.get_by_role("button", name="Add venue").click()
    expect(page.get_by_role("status")).to_have_text("Harbour Hall is added.")
    expect(page.get_by_text("Step-free from the car park.")).to_be_visible()
    checked(page)

    page.get_by_role("link", name="Harbour Hall").click()
    checked(page)
    page.get_by_label("Access notes").fill("Step-free from the car park. Ring bell 2.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Harbour Hall is saved.")
    expect(page.get_by_text("Ring bell 2.")).to_be_visible()
    screenshot(page, "network-venues")
    assert Venue.objects.get(name="Harbour Hall").access_notes.endswith("Ring bell 2.")

    # The venue groups meet at cannot be deleted, and the page says why.
    page.get_by_role("link", name="Harbour Hall").click()
    page.get_by_role("link", name="Delete this venue").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Delete Harbour Hall?")
    checked(page)
    page.get_by_role("button", name="Delete Harbour Hall").click()
    expect(page.get_by_role("status")).to_have_text("Harbour Hall is deleted.")
    assert not Venue.objects.filter(name="Harbour Hall").exists()


def test_admin_adds_a_partner_and_an_organisation(live_server: LiveServer, page: Page) -> None:
    network, admin = set_up()
    log_in(page, live_server.url, admin.email)
    page.goto(f"{live_server.url}/network/{network.slug}/")
    open_section(page, network, "Partners", "Partners")
    page.get_by_role("link", name="Add a partner").click()
    checked(page)
    page.get_by_label("Name").fill("The Common Room Trust")
    page.get_by_label("Website").fill("example.org")
    page.get_by_role("button", name="Add partner").click()
    expect(page.get_by_role("status")).to_have_text("The Common Room Trust is added.")
    checked(page)

    open_section(page, network, "Organisations", "Organisations")
    page.get_by_role("link", name="Add an organisation").click()
    checked(page)
    page.get_by_label("Name").fill("Riverside Food Bank")
    page.get_by_label("Sector").select_option(label="Community development")
    page.get_by_role("button", name="Add organisation").click()
    expect(page.get_by_role("status")).to_have_text("Riverside Food Bank is added.")
    expect(page.get_by_role("cell", name="Community development")).to_be_visible()
    checked(page)
    org = Organisation.objects.get(name="Riverside Food Bank")
    assert (org.network, org.sector) == (network, "community")

    page.get_by_role("link", name="Riverside Food Bank").click()
    checked(page)
    page.get_by_label("Annual income").select_option(label="£100k–£1m")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="£100k–£1m")).to_be_visible()


def test_admin_changes_the_agenda_template(live_server: LiveServer, page: Page) -> None:
    network, admin = set_up()
    log_in(page, live_server.url, admin.email)
    page.goto(f"{live_server.url}/network/{network.slug}/")
    open_section(page, network, "Agenda template", "Agenda template")
    # Nothing has been saved yet: the built-in half day is shown, and saving it as it is works.
    page.get_by_role("button", name="Save agenda template").click()
    expect(page.get_by_role("status")).to_contain_text("The agenda template is saved.")
    checked(page)
    segment = page.get_by_role("group", name="Segment 2")
    segment.get_by_label("Minutes").fill("50")
    page.get_by_role("button", name="Save agenda template").click()
    expect(page.get_by_role("status")).to_contain_text("The agenda template is saved.")
    expect(page.get_by_text("In all: 3 h 50 min.")).to_be_visible()
    screenshot(page, "network-agenda")
    assert list(AgendaTemplateItem.objects.filter(network=network).values_list("minutes")) == [
        (30,),
        (50,),
        (15,),
        (90,),
        (45,),
    ]


def test_admin_adds_and_edits_an_issue_protocol(live_server: LiveServer, page: Page) -> None:
    network, admin = set_up()
    log_in(page, live_server.url, admin.email)
    page.goto(f"{live_server.url}/network/{network.slug}/")
    open_section(page, network, "Issue protocols", "Issue protocols")
    page.get_by_role("link", name="Add a protocol").click()
    checked(page)
    page.get_by_label("Name", exact=True).fill("Quick clinic")
    step = page.get_by_role("group", name="Add a step")
    step.get_by_label("Step name").fill("Present")
    step.get_by_label("Minutes").fill("5")
    step.get_by_label("Cue").fill("Presenter only")
    page.get_by_role("button", name="Add protocol").click()
    expect(page.get_by_role("status")).to_have_text("Quick clinic is saved.")
    expect(page.get_by_role("listitem").filter(has_text="Present · 5 min").first).to_be_visible()
    checked(page)

    page.get_by_role("link", name="Quick clinic").click()
    checked(page)
    page.get_by_role("group", name="Step 1").get_by_label("Minutes").fill("8")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Quick clinic is saved.")
    expect(page.get_by_text("Present · 8 min")).to_be_visible()
    assert list(Protocol.objects.get(name="Quick clinic").steps.values_list("minutes")) == [(8,)]


def test_admin_changes_the_retention_and_the_zone(live_server: LiveServer, page: Page) -> None:
    network, admin = set_up()
    log_in(page, live_server.url, admin.email)
    page.goto(f"{live_server.url}/network/{network.slug}/")
    open_section(page, network, "Settings", "Settings")
    page.get_by_label("Keep issues for (months)").fill("6")
    # The zone picker: common zones first, then regions; only canonical names.
    zone = page.get_by_label("Time zone")
    groups = zone.locator("optgroup").evaluate_all("(els) => els.map((e) => e.label)")
    assert groups[:3] == ["Common time zones", "Africa", "Americas"]
    assert zone.locator("option[value='GB'], option[value='US/Eastern']").count() == 0
    zone.select_option("Europe/Dublin")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_have_text("The network's settings are saved.")
    expect(page.get_by_label("Keep issues for (months)")).to_have_value("6")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Dublin")
    checked(page)
    network.refresh_from_db()
    assert (network.issue_retention_months, network.time_zone) == (6, "Europe/Dublin")


def test_a_member_chooses_then_adds_their_organisation(live_server: LiveServer, page: Page) -> None:
    network, _ = set_up()
    group = factories.make_group(network, "Tuesday Leaders")
    member = factories.add_member(group, factories.make_user("Maya Member")).user
    Organisation.objects.create(network=network, name="Riverside Food Bank")
    log_in(page, live_server.url, member.email)
    page.goto(f"{live_server.url}/my-organisation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My organisation")
    checked(page)
    page.get_by_label("The organisation you lead").select_option(label="Riverside Food Bank")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Your organisation is saved.")
    expect(page.get_by_label("The organisation you lead")).to_have_value(
        str(Organisation.objects.get(name="Riverside Food Bank").pk)
    )
    checked(page)

    page.get_by_label("Organisation's name").fill("Second Chance Bikes")
    page.get_by_label("Sector").select_option(label="Employment and skills")
    page.get_by_role("button", name="Add my organisation").click()
    expect(page.get_by_role("status")).to_have_text("Second Chance Bikes is added as yours.")
    checked(page)
    membership = Membership.objects.get(user=member)
    assert membership.organisation is not None
    assert membership.organisation.name == "Second Chance Bikes"
