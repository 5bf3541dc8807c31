"""A group ready for its issues session: pledged members and an upcoming meeting."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.models import Membership
from peerpower.issues import actions
from peerpower.issues.models import RoomState
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
    room = actions.room_for(s.meeting)
    return actions.room_act(
        meeting=s.meeting,
        by=s.chair,
        action=action,
        expected_version=room.version,
        issue_id=issue_id,
        scribe_id=scribe_id,
    )
