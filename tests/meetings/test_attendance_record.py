"""Decision: members see their own attendance record; the chair and network admins see
everyone's. A marker is planted in one member's record (the reason they gave with their
apologies) and the tally differs per person; then every role, and people whose role changes
(a member made chair, the old chair stepping down, the member leaving), look everywhere."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.accounts.actions import invitation_accept
from peerpower.accounts.models import User
from peerpower.groups.actions import chair_replace, membership_set_status
from peerpower.groups.models import Membership
from peerpower.meetings.actions import attendance_record
from peerpower.meetings.models import Meeting, Participation
from peerpower.meetings.queries import own_attendance
from tests import factories, leaks
from tests.conftest import World

marker = leaks.Markers("a77d")
TALLY_HEADER = '<th scope="col" class="text-end">Absent</th>'


@pytest.fixture
def record(world: World) -> tuple[World, User, list[Meeting]]:
    """Maya sent apologies (the marker) to last month's meeting and was excused, and missed
    the one before; Bea came to both."""
    bea = factories.add_member(world.group, factories.make_user("Bea Member", mfa=True)).user
    last = Meeting.objects.get(group=world.group, starts_at__lt=timezone.now())
    before = factories.make_past_meeting(world.group, months_ago=2)
    Participation.objects.create(
        meeting=last, user=world.member, rsvp="apologies", apology_reason=marker("apology")
    )
    attendance_record(
        meeting=last, marks={world.member.pk: "excused", bea.pk: "present"}, by=world.chair
    )
    attendance_record(
        meeting=before, marks={world.member.pk: "absent", bea.pk: "present"}, by=world.chair
    )
    return world, bea, [last, before]


def objects(world: World, meetings: list[Meeting]) -> dict[str, object]:
    meeting = meetings[0]
    return {
        "group": world.group.pk,
        "meeting": meeting.pk,
        "slug": world.network.slug,
        "membership_id": Membership.objects.get(group=world.group, user=world.member).pk,
    }


def seen(world: World, meetings: list[Meeting], user: User | None) -> list[str]:
    return leaks.walk({"them": user}, objects(world, meetings), marker)


def group_page(world: World, user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("groups:detail", args=[world.group.pk])).content.decode()


def register_page(meeting: Meeting, user: User) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("meetings:attendance", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_member_sees_their_own_record_with_its_tally(
    record: tuple[World, User, list[Meeting]],
) -> None:
    world, bea, meetings = record
    mine = own_attendance(Membership.objects.get(group=world.group, user=world.member))
    assert [(m, p.attendance if p else "") for m, p in mine] == [
        (meetings[0], "excused"),
        (meetings[1], "absent"),
    ]
    page = group_page(world, world.member)
    assert "Your attendance" in page
    assert "0 present · 1 absent · 1 excused" in page
    assert marker("apology") in page
    assert TALLY_HEADER not in page  # nobody else's tally
    bea_page = group_page(world, bea)
    assert "2 present · 0 absent · 0 excused" in bea_page
    assert TALLY_HEADER not in bea_page


def test_nobody_else_but_the_chair_and_admins_sees_a_members_record(
    record: tuple[World, User, list[Meeting]],
) -> None:
    world, bea, meetings = record
    assert marker("apology") in "".join(seen(world, meetings, world.member))
    # The chair and the network's admins see everyone's marks (the tally and the register),
    # but the reason given with apologies is only the member's (docs/chairs.md).
    for user in (world.chair, world.admin):
        assert seen(world, meetings, user) == []
        page = group_page(world, user)
        assert TALLY_HEADER in page
        assert "Your attendance" not in page
        register = register_page(meetings[0], user)
        assert "sent apologies" in register
    # Every other member, and everyone around the group, sees none of it.
    people = {"another member": bea, **leaks.outsiders(world)}
    del people["network admin"]  # sees everyone's, above
    assert leaks.walk(people, objects(world, meetings), marker) == []


def test_a_member_made_chair_sees_everyones_and_the_old_chair_only_their_own(
    record: tuple[World, User, list[Meeting]],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    world, bea, meetings = record
    assert seen(world, meetings, bea) == []
    invitation = chair_replace(
        group=world.group, email=bea.email, old_chair_becomes="member", by=world.admin
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(invitation=invitation, user=bea, password=None)
    assert Membership.objects.get(group=world.group, user=bea).role == "chair"
    # The new chair: everyone's record, the register included, but not the member's reason.
    assert seen(world, meetings, bea) == []
    assert TALLY_HEADER in group_page(world, bea)
    assert "sent apologies" in register_page(meetings[0], bea)
    # The old chair, now a member: only their own.
    old = Membership.objects.get(group=world.group, user=world.chair)
    assert old.role == "member"
    assert seen(world, meetings, world.chair) == []
    page = group_page(world, world.chair)
    assert TALLY_HEADER not in page
    assert "Your attendance" in page


def test_a_member_who_leaves_sees_no_record_and_drops_out_of_the_tally(
    record: tuple[World, User, list[Meeting]],
) -> None:
    world, bea, meetings = record
    membership = Membership.objects.get(group=world.group, user=world.member)
    membership_set_status(membership=membership, status=Membership.Status.LEFT, by=world.chair)
    # Nothing of the group's record: only their own copy of their own data (the right of
    # access, docs/operators.md "Personal data") still holds the reason they gave.
    own_copy = ("privacy:mine (", "privacy:mine_json (")
    found = seen(world, meetings, world.member)
    assert [f for f in found if not f.removeprefix("them: ").startswith(own_copy)] == []
    assert {f.split(" (")[0] for f in found} == {"them: privacy:mine", "them: privacy:mine_json"}
    assert seen(world, meetings, bea) == []
    chair_page = group_page(world, world.chair)
    assert "Maya Member" not in chair_page.split('id="members-heading"')[1].split("</table>")[0]


def test_a_member_who_joined_later_sees_only_meetings_since(
    record: tuple[World, User, list[Meeting]],
) -> None:
    world, _, meetings = record
    late = factories.add_member(world.group, factories.make_user("Lee Late")).user
    membership = Membership.objects.get(group=world.group, user=late)
    membership.joined_on = meetings[0].day - timedelta(days=1)
    membership.save()
    assert [m for m, _ in own_attendance(membership)] == [meetings[0]]
    assert "0 present · 0 absent · 0 excused · 1 not recorded yet" in group_page(world, late)
