"""The money side as new users would take it: the admin gives the network's invoice details and
publishes a sliding-scale plan; a member is placed on it and their price follows their
organisation's band; the member asks for a bursary and the admin approves part of it; the
invoice reflects it; the admin records a part payment and the balance follows; a sponsor's
contact logs in and sees only aggregates. Every page is checked with axe, at 360 px too."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from datetime import date

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot
from tests.fees import builders as fee_builders

from peerpower.fees.models import FeePlan, Sponsor
from peerpower.networks.models import NetworkRole, Organisation

BANDS = [
    ("0", "100000", "600"),
    ("100000", "1000000", "1,500"),
    ("1000000", "10000000", "3000"),
    ("10000000", "", "6000"),
]


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(settings: Settings, live_server: LiveServer) -> None:
    settings.SITE_URL = live_server.url


def test_a_sliding_scale_a_part_bursary_an_invoice_a_part_payment_and_a_sponsor(
    live_server: LiveServer, page: Page, new_context: Callable[..., BrowserContext]
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders", venue=factories.make_venue(network))
    admin = factories.make_admin(network, "Alex Admin")
    member = factories.add_member(group, factories.make_user("Maya Member"))
    member.organisation = Organisation.objects.create(network=network, name="Riverside Trust")
    member.save()
    sponsor_contact = factories.make_user("Sam Sponsor")
    sponsor = Sponsor.objects.create(network=network, name="Local Fund")
    sponsor.contacts.add(sponsor_contact)
    base = live_server.url

    # The admin: invoice details, then a four-band plan.
    log_in(page, base, admin.email)
    page.goto(f"{base}/network/{network.slug}/fees/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Invoice details", exact=True).click()
    assert_no_axe_violations(page)
    page.get_by_label("Legal name").fill("Northbridge Peer Networks CIC")
    page.get_by_label("Address").fill("1 High Street\nLeeds")
    page.get_by_label("Charity or company number").fill("12345678")
    page.get_by_label("VAT number").fill("GB123456789")
    page.get_by_label("VAT rate (%)").fill("20")
    page.get_by_label("Bank details").fill("Sort code 12-34-56, account 12345678")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The invoice details are saved.")).to_be_visible()
    page.get_by_role("link", name="Add a plan").click()
    assert_no_axe_violations(page)
    page.get_by_label("Name", exact=True).fill("Membership")
    # A gap first: refused, and said beside the scale.
    page.get_by_label("Band 1: income from (£)").fill("0")
    page.get_by_label("Band 1: up to, not including (£)").fill("100000")
    page.get_by_label("Band 1: price (£)").fill("600")
    page.get_by_label("Band 2: income from (£)").fill("200000")
    page.get_by_label("Band 2: price (£)").fill("1500")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("There is a gap between £100,000 and £200,000")).to_be_visible()
    assert_no_axe_violations(page)
    for number, (lower, upper, price) in enumerate(BANDS, 1):
        page.get_by_label(f"Band {number}: income from (£)").fill(lower)
        page.get_by_label(f"Band {number}: up to, not including (£)").fill(upper)
        page.get_by_label(f"Band {number}: price (£)").fill(price)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Membership is published on the price list.")).to_be_visible()
    expect(page.get_by_role("cell", name="£100,000 to under £1,000,000")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "fees-plan")

    # The member's organisation's income, then the place: its price follows the band.
    page.get_by_role("link", name="Places", exact=True).click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Riverside Trust").click()
    assert_no_axe_violations(page)
    page.get_by_label("Annual income (£)").fill("250000")
    page.get_by_label("Finance contact's email").fill("finance@riverside.example.org")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Give a member a place").click()
    assert_no_axe_violations(page)
    page.get_by_label("Member").select_option(label="Maya Member (Tuesday Leaders)")
    page.get_by_label("Plan").select_option(label="Membership (version 1)")
    page.get_by_role("button", name="Give the place").click()
    expect(page.get_by_text("Maya Member has a place at £1,500.00")).to_be_visible()
    assert_no_axe_violations(page)

    # The member sees their price and asks for a bursary.
    member_page = new_context().new_page()
    log_in(member_page, base, member.user.email)
    member_page.get_by_role("link", name="Fees").click()
    expect(member_page.get_by_text("price £1,500.00")).to_be_visible()
    assert_no_axe_violations(member_page)
    member_page.get_by_role("link", name="Ask about a bursary").click()
    assert_no_axe_violations(member_page)
    member_page.get_by_label("Your organisation's annual income (£)").fill("250000")
    member_page.get_by_label("Why you are asking").fill("Our main grant ended in March.")
    member_page.get_by_label("What your organisation can pay a year (£)").fill("500")
    member_page.get_by_role("button", name="Send the application").click()
    expect(member_page.get_by_text("waiting for a decision")).to_be_visible()
    assert_no_axe_violations(member_page)

    # The admin approves part of it, with the reason.
    page.get_by_role("link", name="Bursaries", exact=True).click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Maya Member").click()
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Record and email the decision").click()
    expect(page.get_by_text("Give the reason for the decision: it is recorded.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Approve").check()
    page.get_by_label("Amount waived (£)").fill("1000")
    page.get_by_label("Reason (sent to the applicant)").fill("Income fell; two years' support.")
    page.get_by_role("button", name="Record and email the decision").click()
    expect(page.locator("#bursary-status")).to_have_text("approved: £1,000.00 waived")
    assert_no_axe_violations(page)

    # The invoice reflects it.
    page.goto(f"{base}/network/{network.slug}/fees/places/")
    page.get_by_role("link", name="Maya Member").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Issue the invoice").click()
    expect(page.get_by_role("heading", name="Invoice INV-000001")).to_be_visible()
    expect(page.get_by_role("cell", name="Bursary (waived)")).to_be_visible()
    expect(page.locator("#owed")).to_have_text("£600.00")
    assert_no_axe_violations(page)
    screenshot(page, "fees-invoice")

    # A part payment: the balance follows; more than is owed is refused beside the amount.
    page.get_by_label("Amount received (£)").fill("700")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_text("That is more than the £600.00 still owed")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Amount received (£)").fill("200")
    page.get_by_label("Reference").fill("RIVERSIDE 1")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_text("The payment is recorded.")).to_be_visible()
    expect(page.locator("#owed")).to_have_text("£400.00")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile("invoices")).first.click()
    expect(page.get_by_role("cell", name="£400.00")).to_be_visible()
    assert_no_axe_violations(page)
    for link in ("Sponsors", "Export"):
        page.get_by_role("link", name=link, exact=True).click()
        assert_no_axe_violations(page)

    # The member sees what is due.
    member_page.goto(f"{base}/fees/")
    expect(member_page.get_by_role("cell", name="£400.00")).to_be_visible()
    assert_no_axe_violations(member_page)
    member_page.get_by_role("link", name="INV-000001").click()
    assert_no_axe_violations(member_page)

    # The sponsor's contact: aggregates only, never a name.
    sponsor_page = new_context().new_page()
    log_in(sponsor_page, base, sponsor_contact.email)
    sponsor_page.get_by_role("link", name="Sponsored places").click()
    sponsor_page.get_by_role("link", name="Local Fund").click()
    expect(sponsor_page.get_by_role("heading", level=1)).to_contain_text("Local Fund")
    expect(sponsor_page.get_by_text("fewer than 5 people: not shown").first).to_be_visible()
    assert "Maya" not in sponsor_page.content()
    assert "Riverside" not in sponsor_page.content()
    assert_no_axe_violations(sponsor_page)
    screenshot(sponsor_page, "fees-sponsor")

    # The public page's price list, at phone width too.
    public = new_context().new_page()
    public.goto(f"{base}/n/{network.slug}/")
    expect(public.get_by_role("cell", name="Under £100,000")).to_be_visible()
    assert_no_axe_violations(public)


def test_sponsor_agreement_contact_sponsored_place_credit_note_new_version_renewal_and_export(
    live_server: LiveServer, page: Page
) -> None:
    """The admin's other forms, each in its ordinary use (open, change one thing, save, see the
    result): a sponsor, its agreement and contact; a sponsored place; a part credit note; a new
    version of a plan and a change to a version nobody holds; a renewal at the new price; the
    agreement's invoice; the CSV export; retiring a plan."""
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders", venue=factories.make_venue(network))
    admin = factories.make_admin(network, "Alex Admin")
    seat = factories.add_member(group, factories.make_user("Maya Member"))
    fee_builders.invoice_details(network, admin)
    plan = fee_builders.plan(network, admin)
    place = fee_builders.place(seat, plan, admin, income=250_000)  # the £1,500 band
    newcomer = factories.add_member(group, factories.make_user("Ned Newer"))
    newcomer.organisation = fee_builders.organisation(network, admin, 50_000, "Small Trust")
    newcomer.save()
    coach = factories.make_user("Cora Coach")
    NetworkRole.objects.create(network=network, user=coach, role=NetworkRole.Role.COACH)
    base = live_server.url
    log_in(page, base, admin.email)

    # A sponsor, its agreement for six places and a contact who sees its page.
    page.goto(f"{base}/network/{network.slug}/fees/sponsors/")
    assert_no_axe_violations(page)
    page.get_by_label("Name", exact=True).fill("Local Fund")
    page.get_by_label("Finance contact's email").fill("grants@localfund.example.org")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Local Fund is added.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Places funded").fill("6")
    page.get_by_label("Amount a place (£)").fill("500")
    page.get_by_label("Starts on").fill(f"{date.today().year}-01-01")
    page.get_by_label("Ends on").fill(f"{date.today().year + 1}-12-31")
    page.get_by_role("button", name="Add the agreement").click()
    expect(page.get_by_text("The agreement is added.")).to_be_visible()
    agreements = page.get_by_role("table", name="Agreements")
    expect(agreements.get_by_role("cell", name="6", exact=True)).to_be_visible()
    page.get_by_label("Contact's email").fill("sam@localfund.example.org")
    page.get_by_label("Contact's name").fill("Sam Sponsor")
    page.get_by_role("button", name="Add the contact").click()
    expect(page.get_by_text("The contact can now log in to the sponsor's page.")).to_be_visible()
    expect(page.get_by_text("Sam Sponsor (sam@localfund.example.org)")).to_be_visible()
    assert_no_axe_violations(page)

    # The member's place becomes a sponsored one: the organisation pays £500 less.
    page.goto(f"{base}/network/{network.slug}/fees/places/{place.pk}/")
    page.get_by_label("Sponsor").select_option(label="Local Fund: 6 places")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("The place is sponsored.")).to_be_visible()
    expect(page.get_by_text("Local Fund: £500.00")).to_be_visible()
    assert_no_axe_violations(page)

    # The invoice carries the sponsor's share; a part credit note reduces what is owed.
    page.get_by_role("button", name="Issue the invoice").click()
    expect(page.get_by_role("cell", name="Funded by a sponsor")).to_be_visible()
    expect(page.locator("#owed")).to_have_text("£1,200.00")
    page.get_by_role("link", name="Issue a credit note").click()
    assert_no_axe_violations(page)
    page.get_by_label("Part of it (an amount before VAT)").check()
    page.get_by_label("Amount to credit before VAT (£)").fill("100")
    page.get_by_label("Reason").fill("Joined a month late")
    page.get_by_role("button", name="Issue the credit note").click()
    expect(page.get_by_text("CN-000001 is issued.")).to_be_visible()
    expect(page.get_by_role("heading", name="Credit note CN-000001")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile("invoices")).first.click()
    page.get_by_role("link", name="INV-000001").click()
    expect(page.locator("#owed")).to_have_text("£1,080.00")

    # A new version of the plan (the place keeps its price); then a change to the new version,
    # which nobody holds yet.
    page.goto(f"{base}/network/{network.slug}/fees/plans/{plan.pk}/")
    expect(page.locator("#plan-held")).to_contain_text("cannot be edited")
    page.get_by_role("link", name="Make a new version").click()
    assert_no_axe_violations(page)
    page.get_by_label("Band 2: price (£)").fill("1,600")
    page.get_by_label("Coaching hours included").fill("6")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Version 2 is published; version 1 is retired.")).to_be_visible()
    expect(page.get_by_role("cell", name="£1,600.00")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Band 2: price (£)").fill("1,650")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The plan is saved.")).to_be_visible()
    expect(page.get_by_role("cell", name="£1,650.00")).to_be_visible()

    # Renewal takes the current version's price for the organisation's band.
    price = page.locator("dt:text-is('Price') + dd")
    page.goto(f"{base}/network/{network.slug}/fees/places/{place.pk}/")
    expect(price).to_have_text("£1,500.00")
    page.get_by_role("button", name="Renew for the next period").click()
    expect(page.get_by_text("The place is renewed for the next period.")).to_be_visible()
    expect(price).to_have_text("£1,650.00")
    expect(page.get_by_text("Membership (version 2)")).to_be_visible()
    assert_no_axe_violations(page)

    # A place on the version with coaching hours, with a coach: the hours become coaching.
    page.get_by_role("link", name="Places", exact=True).click()
    page.get_by_role("link", name="Give a member a place").click()
    page.get_by_label("Member").select_option(label="Ned Newer (Tuesday Leaders)")
    page.get_by_label("Plan").select_option(label="Membership (version 2)")
    page.get_by_label("Coach").select_option(label="Cora Coach")
    page.get_by_role("button", name="Give the place").click()
    expect(page.get_by_text("Ned Newer has a place at £600.00")).to_be_visible()
    page.get_by_role("link", name="Ned Newer").click()
    expect(page.locator("#place-coaching")).to_have_text("6 hours with Cora Coach")
    assert_no_axe_violations(page)

    # The sponsor's agreement is invoiced: six places at £500, the next number.
    page.goto(f"{base}/network/{network.slug}/fees/sponsors/")
    page.get_by_role("link", name="Local Fund").click()
    page.get_by_role("button", name=re.compile("^Invoice")).click()
    expect(page.get_by_text("INV-000002 is issued to Local Fund.")).to_be_visible()
    expect(page.locator("#owed")).to_have_text("£3,600.00")
    assert_no_axe_violations(page)

    # The export for the accounts: this year's invoices and credit notes as CSV.
    page.goto(f"{base}/network/{network.slug}/fees/export/")
    page.get_by_label("What to export").select_option(label="Invoices and credit notes")
    page.get_by_label("From").fill(date.today().isoformat())
    page.get_by_label("To (inclusive)").fill(date.today().isoformat())
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    path = download.value.path()
    with open(path, encoding="utf-8") as exported:
        numbers = [row[0] for row in csv.reader(exported)]
    assert numbers == ["number", "CN-000001", "INV-000001", "INV-000002"]

    # Retiring takes the plan off the price list.
    newest = FeePlan.objects.get(family=plan.family, version=2)
    page.goto(f"{base}/network/{network.slug}/fees/plans/{newest.pk}/")
    page.get_by_role("button", name="Retire (take off the price list)").click()
    expect(page.get_by_text("Membership (version 2) is off the price list.")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(f"{base}/n/{network.slug}/")
    expect(page.get_by_role("heading", name="Groups that welcome guests")).to_be_visible()
    expect(page.get_by_role("heading", name="What it costs")).to_have_count(0)
