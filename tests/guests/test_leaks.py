"""Planted markers: nothing confidential of a group, and no member's contact details, reaches
a guest or an anonymous visitor (pages, emails, calendar files); a guest's request reaches only
the network's admins and the chair of the group they are proposed to."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from peerpower.groups.models import Membership
from peerpower.guests import actions
from peerpower.guests.models import GuestRequest
from peerpower.issues.actions import commitment_record, issue_submit
from peerpower.networks.models import Organisation
from tests import factories, leaks
from tests.conftest import World
from tests.guests import builders
from tests.guests.conftest import Sends


def _guest_objects(world: World, request: GuestRequest) -> dict[str, object]:
    return {
        "guest_request": request.pk,
        "request_id": request.pk,
        "meeting": request.meeting_id,
        "group": world.group.pk,
        "slug": world.network.slug,
        "membership_id": Membership.objects.get(group=world.group, user=world.member).pk,
    }


def test_nothing_of_the_group_reaches_a_guest_or_an_anonymous_visitor(
    world: World, sends: Sends, caplog: pytest.LogCaptureFixture
) -> None:
    markers = leaks.Markers()
    meeting = world.next_meeting()
    builders.list_group(world.group)
    # A member whose name, address and organisation are all markers, pledged and active.
    secret = factories.add_member(
        world.group,
        factories.make_user(
            markers("member_name"), email=f"{markers('member_email').lower()}@example.org"
        ),
    )
    organisation = Organisation.objects.create(
        network=world.network, name=markers("member_organisation")
    )
    Membership.objects.filter(pk=secret.pk).update(
        organisation=organisation, pledge_accepted_at=timezone.now()
    )
    Membership.objects.filter(group=world.group, user=world.member).update(
        pledge_accepted_at=timezone.now()
    )
    world.member.organisations_to_avoid.create(name=markers("avoided"))
    issue = issue_submit(meeting=meeting, presenter=world.member, question=markers("question"))
    with sends():
        commitment_record(
            issue=issue,
            by=world.member,
            text=markers("commitment"),
            due_on=timezone.localdate() + timedelta(days=9),
        )
    # The guest's whole visit, with its emails: invited, reminded, followed up.
    with sends():
        request, guest = builders.guest_user(world.network, meeting, world.admin)
        actions.reminders_send(now=meeting.starts_at - timedelta(hours=20))
    mail.outbox[:] = [m for m in mail.outbox if m.to in ([request.email], [world.guest.email])]
    objects = _guest_objects(world, request)
    people = {"guest": guest, "the world's guest": world.guest, "anonymous": None}
    assert leaks.walk(people, objects, markers) == []
    assert leaks.read_mail(markers) == []
    ics = leaks.client_of(guest).get(reverse("guests:ics", args=[request.pk]))
    assert markers.found_in(ics.content.decode()) == []
    assert markers.found_in(caplog.text) == []


def test_a_guests_request_reaches_only_the_admins_and_the_chair_of_the_proposed_group(
    world: World, sends: Sends
) -> None:
    markers = leaks.Markers("9c1e")
    with sends():
        request = builders.invited(
            world.network,
            world.next_meeting(),
            world.admin,
            reason=markers("reason"),
            organisation=markers("organisation"),
            job_title=markers("job_title"),
        )
    objects = _guest_objects(world, request)
    others = leaks.outsiders(world)
    others.pop("network admin")
    others["member"] = world.member
    others["chair of another group"] = factories.add_member(
        world.other_group, factories.make_user("Chad Other"), role="chair"
    ).user
    assert leaks.walk(others, objects, markers) == []
    admin_sees = leaks.walk({"admin": world.admin}, objects, markers)
    assert any("guests:request" in f and "REASON" in f for f in admin_sees)
    chair_sees = leaks.walk({"chair": world.chair}, objects, markers)
    assert any("guests:meeting_guests" in f and "ORGANISATION" in f for f in chair_sees)
    # Emails about the request to anyone but the guest carry none of it.
    mail.outbox[:] = [m for m in mail.outbox if m.to != [request.email]]
    assert leaks.read_mail(markers) == []
