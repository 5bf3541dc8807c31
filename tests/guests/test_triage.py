"""Triage by the network's admins: the conflict check and its findings, inviting to a
meeting with a guest place left, the chair's approval, declining kindly."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peerpower.guests import actions
from peerpower.guests.models import ConflictFinding, GuestRequest, GuestSettings
from peerpower.guests.queries import find_conflicts
from peerpower.meetings.models import Meeting
from peerpower.networks.models import Organisation
from tests.conftest import ClientFor, World
from tests.guests import builders
from tests.guests.conftest import Sends


def _lead(world: World, **org: str) -> Organisation:
    organisation = Organisation.objects.create(network=world.network, **org)
    world.group.memberships.filter(user=world.member).update(organisation=organisation)
    return organisation


def test_the_conflict_check_finds_each_kind_with_its_reason(world: World) -> None:
    _lead(
        world,
        name="Riverside Housing Trust",
        registered_number="1100001",
        sector="housing",
        region="london",
        size_band="medium",
    )
    world.member.organisations_to_avoid.create(name="Hilltop Homes")
    same_number = builders.confirmed(
        world.network, organisation="Riverside Housing", registered_number="1100001"
    )
    competitor = builders.confirmed(
        world.network,
        organisation="Eastside Homes",
        sector="housing",
        region="london",
        income_band="medium",
    )
    avoided = builders.confirmed(world.network, organisation="hilltop  homes", sector="arts")
    unrelated = builders.confirmed(world.network, organisation="Arts Space", sector="arts")
    found = {
        r.organisation: [(f.kind, f.reason) for f in find_conflicts(r, world.group)]
        for r in (same_number, competitor, avoided, unrelated)
    }
    assert found == {
        "Riverside Housing": [
            ("same_org", "Maya Member leads the same registered number (Riverside Housing Trust).")
        ],
        "Eastside Homes": [
            (
                "competitor",
                "Maya Member's Riverside Housing Trust is also in housing and homelessness, "
                "London, £100k–£1m.",
            )
        ],
        "hilltop  homes": [("avoid", "Maya Member asked not to meet Hilltop Homes in the group.")],
        "Arts Space": [],
    }


def test_the_admin_sees_the_finding_dismisses_it_and_then_invites(
    world: World, client_for: ClientFor, sends: Sends
) -> None:
    _lead(world, name="Northside Trust", sector="housing", region="london", size_band="medium")
    request = builders.confirmed(world.network, organisation="Southside Trust", name="Sam Guest")
    admin = client_for(world.admin)
    base = reverse("guests:request", args=[world.network.slug, request.pk])
    admin.post(f"{base}check/", {"group": world.group.pk})
    page = admin.get(f"{base}?group={world.group.pk}").content.decode()
    assert "A possible competitor" in page
    meeting = world.next_meeting()
    refused = admin.post(f"{base}invite/", {"meeting": meeting.pk})
    assert refused.status_code == 400
    assert "Confirm or dismiss each finding" in refused.content.decode()
    finding = ConflictFinding.objects.get(request=request)
    admin.post(f"{base}findings/{finding.pk}/", {"decision": "dismiss"})
    with sends():
        invited = admin.post(f"{base}invite/", {"meeting": meeting.pk}, follow=True)
    assert "Sam Guest is invited to Tuesday Leaders" in invited.content.decode()
    request.refresh_from_db()
    assert (request.status, request.meeting_id) == (GuestRequest.Status.INVITED, meeting.pk)
    (email,) = [m for m in mail.outbox if m.to == [request.email]]
    assert email.subject.startswith("You are invited as a guest: Tuesday Leaders")


def test_a_confirmed_finding_stops_the_invitation_to_that_group(world: World) -> None:
    _lead(world, name="Same Trust")
    request = builders.confirmed(world.network, organisation="Same Trust")
    (finding,) = actions.conflict_check(request=request, group=world.group, by=world.admin)
    actions.finding_decide(finding=finding, confirm=True, by=world.admin)
    with pytest.raises(ValidationError, match="found a conflict with this group"):
        actions.request_invite(request=request, meeting=world.next_meeting(), by=world.admin)
    # Another group is fine.
    other = Meeting.objects.filter(group=world.other_group, starts_at__gt=timezone.now())[0]
    actions.request_invite(request=request, meeting=other, by=world.admin)


def _full(world: World) -> Meeting:
    meeting = world.next_meeting()  # the world's guest holds one of its two places
    builders.invited(world.network, meeting, world.admin)
    return meeting


def _past(world: World) -> Meeting:
    return Meeting.objects.filter(group=world.group, starts_at__lt=timezone.now())[0]


def _cancelled(world: World) -> Meeting:
    meeting = world.next_meeting()
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    return meeting


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_full, "That meeting has no guest place left."),
        (_past, "That meeting has already taken place."),
        (_cancelled, "That meeting is cancelled."),
    ],
    ids=["full", "past", "cancelled"],
)
def test_inviting_to_a_full_past_or_cancelled_meeting_is_refused_beside_the_field(
    make: object, message: str, world: World, client_for: ClientFor
) -> None:
    meeting = make(world)  # type: ignore[operator]
    request = builders.confirmed(world.network)
    url = reverse("guests:invite", args=[world.network.slug, request.pk])
    response = client_for(world.admin).post(url, {"meeting": meeting.pk})
    assert response.status_code == 400
    assert f'<div class="invalid-feedback d-block" id="id_meeting_error">{message}</div>' in (
        response.content.decode()
    )
    request.refresh_from_db()
    assert request.status == GuestRequest.Status.CONFIRMED


def test_where_the_network_asks_the_chair_approves_before_the_guest_hears(
    world: World, client_for: ClientFor, sends: Sends
) -> None:
    GuestSettings.objects.create(network=world.network, chair_approval=True)
    with sends():
        request = builders.invited(world.network, world.next_meeting(), world.admin, name="Cai")
    assert request.chair_decision == GuestRequest.ChairDecision.PENDING
    assert [m.to for m in mail.outbox if "invited as a guest" in m.subject] == []
    assert [m.to for m in mail.outbox if "A guest is proposed" in m.subject] == [
        [world.chair.email]
    ]
    chair = client_for(world.chair)
    page = chair.get(reverse("guests:meeting_guests", args=[request.meeting_id])).content.decode()
    assert "Waiting for the chair" in page and "Cai" in page
    with sends():
        chair.post(
            reverse("guests:chair_decide", args=[request.meeting_id, request.pk]),
            {"decision": "approve"},
        )
    request.refresh_from_db()
    assert request.chair_decision == GuestRequest.ChairDecision.APPROVED
    assert [m.to for m in mail.outbox if "invited as a guest" in m.subject] == [[request.email]]


def test_a_chair_who_refuses_frees_the_place_and_the_admins_are_told(
    world: World, sends: Sends
) -> None:
    GuestSettings.objects.create(network=world.network, chair_approval=True)
    request = builders.invited(world.network, world.next_meeting(), world.admin)
    with sends():
        actions.chair_decide(request=request, approve=False, by=world.chair)
    request.refresh_from_db()
    assert (request.status, request.chair_decision) == ("confirmed", "refused")
    assert [m.to for m in mail.outbox if m.subject == "A chair refused a guest"] == [
        [world.admin.email]
    ]


def test_declining_sends_the_networks_kind_message(world: World, sends: Sends) -> None:
    GuestSettings.objects.create(network=world.network, decline_message="Sorry, KIND-WORDS.")
    request = builders.confirmed(world.network)
    with sends():
        actions.request_decline(request=request, by=world.admin)
    (email,) = [m for m in mail.outbox if m.to == [request.email]]
    assert "Sorry, KIND-WORDS." in email.body
    assert "/guests/withdraw/" in email.body


def test_the_triage_list_filters_by_status_and_searches(
    world: World, client_for: ClientFor
) -> None:
    builders.confirmed(world.network, name="Ada Confirmed", organisation="Alpha")
    declined = builders.confirmed(world.network, name="Bea Declined", organisation="Beta")
    actions.request_decline(request=declined, by=world.admin)
    url = reverse("guests:triage", args=[world.network.slug])
    admin = client_for(world.admin)
    only_declined = admin.get(url, {"status": "declined"}).content.decode()
    assert "Bea Declined" in only_declined and "Ada Confirmed" not in only_declined
    search = admin.get(url, {"q": "alph"}).content.decode()
    assert "Ada Confirmed" in search and "Bea Declined" not in search


def test_the_triage_list_is_paged(world: World, client_for: ClientFor) -> None:
    for n in range(27):
        builders.confirmed(world.network, name=f"Paged {n:02}")
    url = reverse("guests:triage", args=[world.network.slug])
    second = client_for(world.admin).get(url, {"page": "2", "q": "Paged"}).content.decode()
    assert "Page 2 of 2" in second
    assert second.count("Paged ") == 2


def test_the_invitation_picker_offers_only_meetings_with_a_place_left(
    world: World, client_for: ClientFor
) -> None:
    full = _full(world)
    request = builders.confirmed(world.network)
    page = (
        client_for(world.admin)
        .get(reverse("guests:request", args=[world.network.slug, request.pk]))
        .content.decode()
    )
    assert f'<option value="{full.pk}">Tuesday Leaders —' not in page
    later = Meeting.objects.filter(group=world.group, starts_at__gt=full.starts_at)[0]
    assert f'<option value="{later.pk}">Tuesday Leaders —' in page
    assert later.starts_at > timezone.now() + timedelta(days=1)
