"""A group ready for its issues session: pledged members and an upcoming meeting."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.models import Membership
from peerpower.issues import room
from peerpower.issues.models import RoomState
from peerpower.issues.room import RoomAction
from peerpower.meetings.models import Meeting
from tests import factories
from tests.conftest import World


@dataclass
class Session:
    world: World
    meeting: Meeting
    chair: User
    alice: User
    bob: User
    cara: User


def pledge(world: World, user: User) -> None:
    Membership.objects.filter(group=world.group, user=user).update(
        pledge_accepted_at=timezone.now()
    )


@pytest.fixture
def session(world: World) -> Session:
    bob = factories.add_member(world.group, factories.make_user("Bob Member")).user
    cara = factories.add_member(world.group, factories.make_user("Cara Member")).user
    for user in (world.chair, world.member, bob, cara):
        pledge(world, user)
    return Session(world, world.next_meeting(), world.chair, world.member, bob, cara)


def chair_does(
    s: Session, action: str, *, issue_id: int | None = None, scribe_id: int | None = None
) -> RoomState:
    """The chair presses a room control on a page that shows the room as it is now."""
    return room.room_act(
        meeting=s.meeting,
        by=s.chair,
        action=RoomAction(action),
        expected_version=room.room_for(s.meeting).version,
        issue_id=issue_id,
        scribe_id=scribe_id,
    )


def start_room(s: Session, minutes_ago: int = 5) -> RoomState:
    """The meeting's time has come (its start moves to a few minutes ago) and the chair starts
    the room."""
    factories.move_meeting(s.meeting, timezone.now() - timedelta(minutes=minutes_ago))
    s.meeting.refresh_from_db()
    return chair_does(s, "start")
