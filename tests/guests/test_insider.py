"""Holes an insider attack found in the guests app, each closed at its cause (the actions and
queries), and the walks that show nothing else opened: a guest invited again, a chair's
refusal, a meeting moved or cancelled under a guest, a withdrawal, attendance forged for a
guest who is not expected, groups that take no guests, and people whose role ended.

The cast: a member, the chair of another group, a former chair, a removed member, a guest the
chair refused, a guest whose meeting was moved or cancelled, the admin of another network."""

from datetime import timedelta
from typing import Any

import pytest
import vobject  # type: ignore[import-untyped]
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.models import Membership
from peerpower.guests import actions
from peerpower.guests.models import GuestRequest, GuestSettings
from peerpower.meetings.actions import meeting_cancel, meeting_move
from peerpower.meetings.models import Meeting
from peerpower.networks.models import Organisation
from peerpower.speakers.actions import booking_accept
from tests import factories, leaks
from tests.conftest import ClientFor, World
from tests.guests import builders
from tests.guests.conftest import Sends
from tests.speakers.conftest import book, make_speaker


def _chair_approves(world: World) -> None:
    GuestSettings.objects.update_or_create(network=world.network, defaults={"chair_approval": True})


def _meetings(world: World) -> tuple[Meeting, Meeting]:
    first, second = Meeting.objects.filter(
        group=world.group, starts_at__gt=timezone.now(), status=Meeting.Status.SCHEDULED
    ).order_by("starts_at")[:2]
    return first, second


def _links(email: str, part: str) -> list[str]:
    found = []
    for message in mail.outbox:
        if message.to == [email]:
            found += [w for w in message.body.split() if part in w]
    return [link.removeprefix("http://testserver") for link in found]


def _world_guest(world: World) -> GuestRequest:
    return GuestRequest.objects.select_related("meeting").get(user=world.guest)


def _objects(world: World, request: GuestRequest, meeting: Meeting) -> dict[str, object]:
    """Every guests URL pointed at the request (and the meeting, group and network)."""
    return {
        "guest_request": request.pk,
        "request_id": request.pk,
        "meeting": meeting.pk,
        "group": world.group.pk,
        "slug": world.network.slug,
        "membership_id": Membership.objects.get(group=world.group, user=world.member).pk,
    }


def _calendar_of(message: mail.EmailMessage) -> tuple[str, str]:
    (attachment,) = message.attachments
    _, content, mimetype = attachment
    return str(content if isinstance(content, str) else content.decode()), str(mimetype)


# --- a guest invited again


def test_a_guest_invited_again_sees_nothing_of_the_new_meeting_before_the_chair_approves(
    world: World, client_for: ClientFor, sends: Sends
) -> None:
    """Before: the pledge, the acceptance and the reminder mark of the first meeting carried
    over, so the visit page showed the second meeting's venue and agenda (and the reminder sent
    its calendar file) while the chair had not yet said yes."""
    _, second = _meetings(world)
    request = _world_guest(world)
    guest = client_for(world.guest)
    actions.guest_cannot_come(request=request, by=world.guest)
    _chair_approves(world)
    with sends():
        actions.request_invite(request=request, meeting=second, by=world.admin)
    request.refresh_from_db()
    assert (request.pledge_accepted_at, request.accepted_at, request.reminded_at) == (
        None,
        None,
        None,
    )
    page = guest.get(reverse("guests:visit", args=[request.pk])).content.decode()
    assert "The Common Room" not in page and "Agenda" not in page
    assert f"{second.starts_at:%-d %B}" not in page
    assert "confirming your place" in page
    mine = guest.get(reverse("guests:mine")).content.decode()
    assert world.group.name not in mine
    assert guest.get(reverse("guests:ics", args=[request.pk])).status_code == 404
    with pytest.raises(ValidationError, match="no visit waiting"):
        actions.guest_pledge_accept(request=request, by=world.guest)
    mail.outbox.clear()
    actions.reminders_send(now=second.starts_at - timedelta(hours=20))
    assert mail.outbox == []
    # Once the chair approves, the guest accepts the new invitation and pledges again.
    with sends():
        actions.chair_decide(request=request, approve=True, by=world.chair)
    (link,) = _links(request.email, "/guests/join/")
    assert guest.post(link).status_code == 302
    assert (
        "I accept the pledge"
        in guest.get(reverse("guests:visit", args=[request.pk])).content.decode()
    )


def test_an_earlier_invitation_link_opens_nothing_once_the_guest_is_invited_again(
    world: World, client_for: ClientFor, sends: Sends
) -> None:
    """Before: the first link still accepted the request after it was moved to a meeting the
    chair had not approved."""
    first, second = _meetings(world)
    with sends():
        request = builders.invited(world.network, first, world.admin)
    (old_link,) = _links(request.email, "/guests/join/")
    _chair_approves(world)
    actions.request_invite(request=request, meeting=second, by=world.admin)
    response = client_for(None).post(
        old_link, {"name": "Gia", "password1": factories.PASSWORD, "password2": factories.PASSWORD}
    )
    assert response.status_code == 410
    request.refresh_from_db()
    assert request.user is None and request.accepted_at is None
    assert not User.objects.filter(email=request.email).exists()


# --- the chair


def test_a_chair_who_refused_a_guest_no_longer_sees_their_request(
    world: World, client_for: ClientFor
) -> None:
    """Before: a refusal left the request on the chair's meeting, so the chair kept reading it."""
    markers = leaks.Markers("c4a1")
    _chair_approves(world)
    meeting = world.next_meeting()
    request = builders.invited(
        world.network, meeting, world.admin, organisation=markers("organisation")
    )
    chair = client_for(world.chair)
    url = reverse("guests:meeting_guests", args=[meeting.pk])
    assert markers("organisation") in chair.get(url).content.decode()
    actions.chair_decide(request=request, approve=False, by=world.chair)
    request.refresh_from_db()
    assert (request.status, request.meeting) == (GuestRequest.Status.CONFIRMED, None)
    assert markers.found_in(chair.get(url).content.decode()) == []
    decide = reverse("guests:chair_decide", args=[meeting.pk, request.pk])
    assert chair.post(decide, {"decision": "approve"}).status_code == 404
    objects = _objects(world, request, meeting)
    assert leaks.walk({"chair who refused": world.chair}, objects, markers) == []


def test_the_meetings_guest_list_is_decided_by_the_requests_a_person_may_see(
    world: World,
) -> None:
    from peerpower.guests.queries import guests_of_meeting, requests_visible_to

    meeting = world.next_meeting()
    request = _world_guest(world)
    assert list(guests_of_meeting(world.chair, meeting)) == [request]
    assert list(guests_of_meeting(world.admin, meeting)) == [request]
    for person in (world.member, world.other_member, world.former_member, world.guest):
        assert list(guests_of_meeting(person, meeting)) == []
        assert request not in requests_visible_to(person)


def test_attendance_is_recorded_only_for_guests_whose_invitation_went_out(world: World) -> None:
    """Before: the action took any request of the meeting by id, so a forged form could mark
    a guest the chair had not approved, or one who withdrew, as having come (the funnel counted
    them as visits)."""
    meeting = world.next_meeting()
    _chair_approves(world)
    builders.list_group(world.group, places=4)
    pending = builders.invited(world.network, meeting, world.admin)
    withdrawn = builders.invited(world.network, meeting, world.admin)
    actions.request_withdraw(token=actions.withdraw_token(withdrawn))
    Meeting.objects.filter(pk=meeting.pk).update(started_at=timezone.now())
    meeting.refresh_from_db()
    for forged in (pending, withdrawn):
        with pytest.raises(ValidationError, match="only be recorded for this meeting's guests"):
            actions.guest_attendance_record(
                meeting=meeting, marks={forged.pk: "present"}, by=world.chair
            )
        forged.refresh_from_db()
        assert (forged.attendance, forged.visited_at) == ("", None)
    expected = _world_guest(world)
    actions.guest_attendance_record(meeting=meeting, marks={expected.pk: "present"}, by=world.chair)
    assert GuestRequest.objects.get(pk=expected.pk).status == GuestRequest.Status.VISITED


# --- the meeting moved or cancelled


def test_a_guest_whose_meeting_is_cancelled_is_told_with_a_cancel_file_and_asked_nothing_after(
    world: World, client_for: ClientFor, sends: Sends
) -> None:
    """Before: the guest was not told, got the "how was it?" email the day after a meeting that
    never happened, and could give feedback on it."""
    meeting = world.next_meeting()
    request = _world_guest(world)
    mail.outbox.clear()
    with sends():
        meeting_cancel(meeting=meeting, reason="Storm", by=world.chair)
    (told,) = [m for m in mail.outbox if m.to == [request.email]]
    assert told.subject.startswith("Cancelled: your visit")
    content, mimetype = _calendar_of(told)
    assert "method=CANCEL" in mimetype
    event = vobject.readOne(content).vevent
    assert event.uid.value == f"{meeting.uid}@peerpower"
    assert not hasattr(event, "location")
    assert "The Common Room" not in content and "Agenda" not in content
    page = client_for(world.guest).get(reverse("guests:visit", args=[request.pk]))
    assert "is cancelled" in page.content.decode()
    mail.outbox.clear()
    actions.follow_ups_send(now=meeting.ends_at + timedelta(days=2))
    assert mail.outbox == []
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2, hours=-4),
    )
    request.refresh_from_db()
    with pytest.raises(ValidationError, match="cancelled"):
        actions.feedback_give(
            request=request,
            usefulness=5,
            would_join="yes",
            held_back="",
            held_back_other="",
            by=world.guest,
        )


def test_a_guest_whose_meeting_moved_gets_the_new_time_and_only_a_pledged_guest_the_file(
    world: World, sends: Sends
) -> None:
    meeting = world.next_meeting()
    pledged = _world_guest(world)
    unpledged, _ = builders.guest_user(world.network, meeting, world.admin, pledged=False)
    sequence = meeting.sequence
    mail.outbox.clear()
    with sends():
        meeting_move(
            meeting=meeting,
            starts_at=meeting.starts_at + timedelta(hours=1),
            ends_at=meeting.ends_at + timedelta(hours=1),
            venue=meeting.venue,
            online_link=meeting.online_link,
            by=world.chair,
        )
    moved = Meeting.objects.get(pk=meeting.pk)
    (to_pledged,) = [m for m in mail.outbox if m.to == [pledged.email]]
    assert to_pledged.subject.startswith("Changed: your visit")
    content, mimetype = _calendar_of(to_pledged)
    event = vobject.readOne(content).vevent
    assert "method=REQUEST" in mimetype
    assert (event.dtstart.value, int(event.sequence.value)) == (moved.starts_at, moved.sequence)
    assert moved.sequence > sequence
    (to_unpledged,) = [m for m in mail.outbox if m.to == [unpledged.email]]
    assert to_unpledged.attachments == []  # the venue and agenda wait for the pledge
    assert "The Common Room" not in to_unpledged.body


# --- withdrawing


def test_withdrawing_erases_everything_at_once_and_the_guest_account_with_it(
    world: World, client_for: ClientFor
) -> None:
    """Before: sector, region, income band and feedback stayed until the sweep, and the guest
    account made for the visit (name, address, password) stayed for good and could still log
    in."""
    past = factories.make_past_meeting(world.group, months_ago=2)
    request, guest = builders.visited(world.network, past, world.admin)
    actions.feedback_give(
        request=request,
        usefulness=4,
        would_join="maybe",
        held_back="other",
        held_back_other="My board",
        by=guest,
    )
    client = client_for(guest)
    actions.request_withdraw(token=actions.withdraw_token(request))
    row = GuestRequest.objects.get(pk=request.pk)
    for name in actions.PERSONAL_FIELDS:
        assert getattr(row, name) == "", name
    assert (row.usefulness, row.user_id, row.consent) == (None, None, False)
    assert row.visited_at is not None  # the dates stay for the funnel until the sweep
    assert not User.objects.filter(pk=guest.pk).exists()
    assert client.get(reverse("guests:mine")).status_code == 302  # logged out: to the log-in


def test_withdrawing_keeps_the_account_of_someone_with_other_ties(world: World) -> None:
    request, guest = builders.guest_user(world.network, world.next_meeting(), world.admin)
    factories.add_member(world.other_group, guest)
    actions.request_withdraw(token=actions.withdraw_token(request))
    assert User.objects.filter(pk=guest.pk).exists()


def test_the_sweep_erases_guest_accounts_made_only_for_the_requests_it_erases(
    world: World,
) -> None:
    request = _world_guest(world)
    GuestRequest.objects.filter(pk=request.pk).update(
        last_activity_at=timezone.now() - timedelta(days=800)
    )
    assert actions.retention_sweep() == 1
    assert not User.objects.filter(pk=world.guest.pk).exists()
    assert User.objects.filter(pk=world.member.pk).exists()


# --- groups that take no guests


def test_nobody_asks_for_or_applies_to_a_group_that_takes_no_guests(world: World) -> None:
    """Before: the application form offered every group of the network, and the request
    accepted any of them by id."""
    with pytest.raises(ValidationError) as refused:
        builders.submit(world.network, preferred_group=world.other_group)
    assert "preferred_group" in refused.value.message_dict
    past = factories.make_past_meeting(world.group, months_ago=2)
    request, guest = builders.visited(world.network, past, world.admin)
    from peerpower.guests.queries import application_groups

    assert list(application_groups(request)) == [world.group]  # the one visited, unlisted
    with pytest.raises(ValidationError) as refused:
        actions.application_submit(
            request=request,
            hopes="Peers",
            time_commitment="A morning",
            trustees_view="Keen",
            group=world.other_group,
            by=guest,
        )
    assert "group" in refused.value.message_dict
    builders.list_group(world.other_group)
    assert set(application_groups(request)) == {world.group, world.other_group}


def test_the_guests_visit_page_and_calendar_file_name_the_speaker(
    world: World, client_for: ClientFor
) -> None:
    booking = book(world, make_speaker(world, world.speaker), title="Boards that work")
    booking_accept(booking=booking, by=world.speaker)
    request = _world_guest(world)
    guest = client_for(world.guest)
    page = guest.get(reverse("guests:visit", args=[request.pk])).content.decode()
    assert "Sid Speaker" in page and "Boards that work" in page
    ics = guest.get(reverse("guests:ics", args=[request.pk])).content.decode()
    assert "Sid Speaker" in vobject.readOne(ics).vevent.description.value


# --- the whole cast, across changes of role and meeting state


def test_nobody_whose_role_ended_or_never_was_reads_a_guests_request(
    world: World, client_for: ClientFor
) -> None:
    markers = leaks.Markers("b7d2")
    meeting = world.next_meeting()
    builders.list_group(world.group, places=4)
    request = builders.invited(
        world.network,
        meeting,
        world.admin,
        reason=markers("reason"),
        organisation=markers("organisation"),
    )
    # A guest who came to another group's meeting, then was refused by this group's chair.
    other_meeting = Meeting.objects.filter(
        group=world.other_group, starts_at__gt=timezone.now()
    ).order_by("starts_at")[0]
    refused, refused_user = builders.guest_user(world.network, other_meeting, world.admin)
    actions.guest_cannot_come(request=refused, by=refused_user)
    refused.refresh_from_db()
    _chair_approves(world)
    refused = actions.request_invite(request=refused, meeting=meeting, by=world.admin)
    actions.chair_decide(request=refused, approve=False, by=world.chair)
    other_chair = factories.add_member(
        world.other_group, factories.make_user("Chad Other", mfa=True), role="chair"
    ).user
    other_network = factories.make_network("Southgate")
    other_admin = factories.make_admin(other_network, "Ade Elsewhere")
    people: dict[str, User | None] = {
        "member": world.member,
        "chair of another group": other_chair,
        "removed member": world.former_member,
        "guest the chair refused": refused_user,
        "guest of the same meeting": world.guest,
        "admin of another network": other_admin,
        "anonymous": None,
    }
    objects = _objects(world, request, meeting)
    assert leaks.walk(people, objects, markers) == []
    # The chair steps down; the meeting is cancelled under the guests.
    Membership.objects.filter(group=world.group, user=world.chair).update(
        status=Membership.Status.LEFT
    )
    meeting_cancel(meeting=meeting, reason="No chair", by=world.admin)
    people = {"former chair": world.chair, "guest of the cancelled meeting": world.guest}
    assert leaks.walk(people, objects, markers) == []


# --- the guest scope's cost


def test_the_guest_scope_costs_no_query_beyond_the_persons_access(
    world: World, django_assert_num_queries: Any
) -> None:
    from peerpower.groups.access import _SCOPED, access_for
    from peerpower.guests.queries import is_guest_only

    for person, guest_only in ((world.guest, True), (world.member, False), (world.admin, False)):
        setattr(person, _SCOPED, True)  # as inside a request
        with django_assert_num_queries(1):  # the one access query
            access_for(person)
        with django_assert_num_queries(0):
            assert is_guest_only(person) is guest_only


def test_a_guest_gets_nothing_from_the_room_poll_the_guest_scope_does_not_ask(
    world: World, client_for: ClientFor
) -> None:
    meeting = world.next_meeting()
    url = reverse("issues:room_state", args=[meeting.pk])
    assert client_for(world.guest).get(url, {"v": "0"}).status_code == 404
    assert client_for(world.guest).get(reverse("groups:list")).status_code == 404


def test_a_guests_new_organisation_needs_a_fresh_conflict_check(world: World) -> None:
    """Before: a second request could change the organisation after the admin had dismissed
    the check's findings, and the next invitation went ahead on the old check."""
    organisation = Organisation.objects.create(
        network=world.network,
        name="Rival Trust",
        sector="housing",
        region="london",
        size_band="medium",
    )
    Membership.objects.filter(group=world.group, user=world.member).update(
        organisation=organisation
    )
    request = builders.confirmed(world.network, organisation="Other Homes")
    (finding,) = actions.conflict_check(request=request, group=world.group, by=world.admin)
    assert finding.kind == "competitor"
    actions.finding_decide(finding=finding, confirm=False, by=world.admin)
    actions.request_submit(
        network=world.network,
        values=builders.request_values(email=request.email, organisation="Rival Trust"),
        ip="10.9.9.9",
        form_token=builders.old_form_token(),
    )
    confirmed = actions.request_confirm(token=actions.confirm_token(request))
    assert confirmed.organisation == "Rival Trust"
    _, second = _meetings(world)
    with pytest.raises(ValidationError, match="Confirm or dismiss each finding"):
        actions.request_invite(request=confirmed, meeting=second, by=world.admin)
    found = actions.conflict_check(request=confirmed, group=world.group, by=world.admin)
    assert [(f.kind, f.state) for f in found] == [("same_org", "open")]
