"""The fee pages make a fixed number of queries: the same with 1 row as with 10 times as many
(plans with bands, places with their members and sponsors, invoices with payments and credit
notes, sponsored members with attendance)."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.urls import reverse

from peerpower.fees import actions
from peerpower.fees.models import Sponsor
from peerpower.meetings.models import Participation
from tests import factories
from tests.conftest import ClientFor
from tests.fees import builders
from tests.fees.conftest import Fees
from tests.test_query_counts import count_queries


def grow(fees: Fees, times: int) -> None:
    world = fees.world
    admin = world.admin
    sponsor = Sponsor.objects.get(network=world.network)
    agreement = actions.agreement_create(
        sponsor=sponsor,
        places=times,
        price_pence=100_00,
        starts_on=date.today() - timedelta(days=400),
        ends_on=date.today() + timedelta(days=400),
        by=admin,
    )
    meeting = factories.make_past_meeting(world.group, months_ago=2)
    for _ in range(times):
        plan = builders.plan(world.network, admin, name="Grown")
        seat = factories.add_member(world.group, factories.make_user())
        place = builders.place(
            seat, plan, admin, starts_on=date.today() - timedelta(days=90), sponsorship=agreement
        )
        invoice = actions.invoice_issue(place=place, by=admin)
        actions.payment_record(
            invoice=invoice, amount_pence=100_00, received_on=date.today(), by=admin
        )
        actions.credit_note_issue(invoice=invoice, by=admin, net_pence=10_00, reason="Late")
        actions.bursary_apply(
            network=world.network, income_pounds=1, reasons="x", can_pay_pence=0, by=seat.user
        )
        Participation.objects.create(meeting=meeting, user=seat.user, attendance="present")
    meeting.delete()


PAGES: dict[str, tuple[str, Callable[[Fees], str], int]] = {
    # name: (who looks, url, pinned count)
    # session, user, access (+ the navigation's networks), fee settings, guest settings, the
    # listed groups, their dates, the published plans and their bands
    "public price list": (
        "member",
        lambda f: reverse("guests:public", args=[f.world.network.slug]),
        9,
    ),
    # session, user, access, networks, plans with places counted, their bands, the settings,
    # the bursary counts
    # session, user, access, networks, plans with places counted, their bands, the fee
    # settings, the bursary counts (one aggregate)
    "price list as admin": (
        "admin",
        lambda f: reverse("fees:overview", args=[f.world.network.slug]),
        8,
    ),
    "places": ("admin", lambda f: reverse("fees:places", args=[f.world.network.slug]), 6),
    "invoices, all": (
        "admin",
        lambda f: reverse("fees:invoices", args=[f.world.network.slug]) + "?show=all",
        5,
    ),
    "bursaries": ("admin", lambda f: reverse("fees:bursaries", args=[f.world.network.slug]), 5),
    "sponsors": ("admin", lambda f: reverse("fees:sponsors", args=[f.world.network.slug]), 7),
    "sponsor page": (
        "sponsor",
        lambda f: reverse("fees:sponsor_page", args=[Sponsor.objects.get().pk]),
        # session, user, the sponsor, its contact (the rule), access (which also says whether
        # they are a guest), the menu's question (sponsor?), places funded, places used,
        # attendance, the sponsored members' outcome answers (their ids a subquery; the
        # questions are asked only when there are answers)
        10,
    ),
    # session, user, access, places, invoices with balances, bursaries, sponsors' pages
    "member's own fees": ("member", lambda f: reverse("fees:mine"), 7),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_fee_page_query_count_does_not_grow_with_rows(
    page: str, fees: Fees, client_for: ClientFor
) -> None:
    role, url_of, pinned = PAGES[page]
    client = client_for(getattr(fees.world, role))
    url = url_of(fees)
    client.get(url)  # the first request of a session also stores the MFA check in it
    grow(fees, 1)
    small = count_queries(client, url)
    grow(fees, 10)
    large = count_queries(client, url)
    assert (small, large) == (pinned, pinned)
