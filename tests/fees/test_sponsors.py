"""Sponsors: places funded and assigned (never more than funded), the sponsor's page with
aggregates only (no names, no figure about fewer than five people), and nothing of a group's
confidential record reaching a sponsor."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.fees import actions
from peerpower.fees.models import Sponsor, SponsorAgreement
from peerpower.fees.queries import sponsor_summary
from peerpower.groups.models import Membership
from peerpower.issues.actions import issue_submit
from peerpower.meetings.models import Participation
from tests import factories, leaks
from tests.conftest import ClientFor, World
from tests.fees import builders
from tests.fees.conftest import Fees
from tests.impact.builders import outcome_pairs


def world_agreement(world: World, places: int = 6) -> SponsorAgreement:
    sponsor = Sponsor.objects.get(network=world.network, contacts=world.sponsor)
    return actions.agreement_create(
        sponsor=sponsor,
        places=places,
        price_pence=500_00,
        starts_on=timezone.localdate() - timedelta(days=400),
        ends_on=timezone.localdate() + timedelta(days=400),
        by=world.admin,
    )


def sponsored_members(
    fees: Fees, agreement: SponsorAgreement, n: int, name: str = ""
) -> list[Membership]:
    seats = []
    for i in range(n):
        seat = factories.add_member(
            fees.world.group, factories.make_user(f"{name}{i}" if name else "")
        )
        builders.place(
            seat,
            fees.plan,
            fees.world.admin,
            starts_on=timezone.localdate() - timedelta(days=100),
            sponsorship=agreement,
        )
        seats.append(seat)
    return seats


def test_a_sponsored_place_pays_the_sponsors_share(fees: Fees) -> None:
    agreement = world_agreement(fees.world)
    seat = sponsored_members(fees, agreement, 1)[0]
    place = seat.places.get()
    assert (place.price_pence, place.sponsor_pence, place.organisation_pence) == (
        1500_00,
        500_00,
        1000_00,
    )
    invoice = actions.invoice_issue(place=place, by=fees.world.admin)
    assert [line.net_pence for line in invoice.lines.all()] == [1500_00, -500_00]


def test_more_sponsored_places_than_funded_are_refused(fees: Fees) -> None:
    agreement = world_agreement(fees.world, places=2)
    sponsored_members(fees, agreement, 2)
    with pytest.raises(ValidationError) as refused:
        actions.place_sponsor(place=fees.place, sponsorship=agreement, by=fees.world.admin)
    assert refused.value.message_dict == {
        "sponsorship": ["All 2 places Local Funder funds are assigned."]
    }
    fees.place.refresh_from_db()
    assert fees.place.sponsorship is None


def test_one_sponsored_place_too_many_is_refused_beside_the_sponsor_field(
    fees: Fees, client_for: ClientFor
) -> None:
    agreement = world_agreement(fees.world, places=1)
    sponsored_members(fees, agreement, 1)
    response = client_for(fees.world.admin).post(
        f"/network/{fees.world.network.slug}/fees/places/{fees.place.pk}/",
        {"sponsorship": agreement.pk},
    )
    assert response.status_code == 400
    assert (
        '<div class="invalid-feedback d-block" id="id_sponsorship_error">'
        "All 1 place Local Funder funds are assigned.</div>"
    ) in response.content.decode()
    fees.place.refresh_from_db()
    assert fees.place.sponsorship is None


def test_the_sponsor_page_withholds_every_figure_about_fewer_than_five(
    fees: Fees, client_for: ClientFor
) -> None:
    agreement = world_agreement(fees.world)
    sponsored_members(fees, agreement, 4)
    summary = sponsor_summary(agreement.sponsor)
    assert [(f.label, f.value) for f in summary.figures] == [
        ("Places funded", "6"),
        ("Places in use", None),
        ("Attendance at meetings held", None),
        ("What members report on joining and after 6 and 12 months", None),
    ]
    page = client_for(fees.world.sponsor).get(f"/sponsor/{agreement.sponsor.pk}/")
    assert page.status_code == 200
    assert page.content.decode().count("fewer than 5 people: not shown") == 3


def test_from_five_sponsored_members_the_sponsor_sees_use_and_attendance(fees: Fees) -> None:
    agreement = world_agreement(fees.world)
    seats = sponsored_members(fees, agreement, 5)
    meeting = factories.make_past_meeting(fees.world.group, months_ago=2)
    for i, seat in enumerate(seats):
        Participation.objects.create(
            meeting=meeting, user=seat.user, attendance="present" if i < 4 else "absent"
        )
    summary = sponsor_summary(agreement.sponsor)
    assert [(f.label, f.value) for f in summary.figures] == [
        ("Places funded", "6"),
        ("Places in use", "5"),
        ("Attendance at meetings held", "80%"),
        # No outcome surveys answered yet: withheld, like any figure about fewer than 5.
        ("What members report on joining and after 6 and 12 months", None),
    ]


def _sponsored(fees: Fees, agreement: SponsorAgreement, people: list[User]) -> None:
    for person in people:
        builders.place(
            fees.world.group.memberships.get(user=person),
            fees.plan,
            fees.world.admin,
            starts_on=timezone.localdate() - timedelta(days=100),
            sponsorship=agreement,
        )


def test_the_sponsor_sees_what_its_own_members_report_from_five_of_them(fees: Fees) -> None:
    """The evidence work's paired changes, counted over the members in the sponsor's places
    only (the sixth member below is not sponsored and does not count)."""
    agreement = world_agreement(fees.world)
    pairs = [(2, 4), (3, 3), (1, 4), (2, 3), (3, 5), (1, 1)]
    people = outcome_pairs(fees.world.group, pairs)
    _sponsored(fees, agreement, people[:5])
    before = sum(b for b, _ in pairs[:5]) / 5
    after = sum(a for _, a in pairs[:5]) / 5
    figures = dict((f.label, f.value) for f in sponsor_summary(agreement.sponsor).figures)
    confidence = [v for label, v in figures.items() if label.startswith("Confidence as a leader")]
    assert confidence == [f"{before:.1f} on joining, {after:.1f} after (5 members)"]


def test_four_sponsored_members_outcomes_are_withheld(fees: Fees) -> None:
    agreement = world_agreement(fees.world)
    people = outcome_pairs(fees.world.group, [(2, 4), (3, 3), (1, 4), (2, 3), (3, 5)])
    _sponsored(fees, agreement, people[:4])
    figures = [(f.label, f.value) for f in sponsor_summary(agreement.sponsor).figures]
    assert ("What members report on joining and after 6 and 12 months", None) in figures
    assert not any(label.startswith("Confidence") for label, _ in figures)


def test_a_sponsor_sees_no_name_and_nothing_of_the_group(
    fees: Fees, client_for: ClientFor, caplog: pytest.LogCaptureFixture
) -> None:
    world = fees.world
    markers = leaks.Markers()
    agreement = world_agreement(world)
    seats = sponsored_members(fees, agreement, 5, name=markers("member_name"))
    for seat in seats:
        seat.organisation.name = markers("organisation") + str(seat.pk)  # type: ignore[union-attr]
        seat.organisation.save()  # type: ignore[union-attr]
    Membership.objects.filter(group=world.group).update(pledge_accepted_at=timezone.now())
    issue_submit(meeting=world.next_meeting(), presenter=world.member, question=markers("question"))
    actions.bursary_apply(
        network=world.network,
        income_pounds=1,
        reasons=markers("bursary"),
        can_pay_pence=0,
        by=world.member,
    )
    objects = {
        "sponsor": agreement.sponsor.pk,
        "agreement": agreement.pk,
        "place": seats[0].places.get().pk,
        "group": world.group.pk,
        "membership_id": fees.seat.pk,
        "slug": world.network.slug,
        "meeting": world.next_meeting().pk,
    }
    assert leaks.walk({"sponsor": world.sponsor}, objects, markers) == []
    assert markers.found_in(caplog.text) == []
    page = client_for(world.sponsor).get(f"/sponsor/{agreement.sponsor.pk}/").content.decode()
    assert "Places in use" in page
    assert world.group.name not in page


def test_another_sponsors_contact_cannot_see_the_page(fees: Fees, client_for: ClientFor) -> None:
    other = actions.sponsor_create(network=fees.world.network, name="Another", by=fees.world.admin)
    assert client_for(fees.world.sponsor).get(f"/sponsor/{other.pk}/").status_code == 404
