"""meetings.actions take `by` but never `require` a rule (the design: check, then do, inside
the action). Only the views' get_meeting_for_manager stands between any caller and the change."""

from collections.abc import Callable
from datetime import timedelta

import pytest

from peerpower.accounts.models import User
from peerpower.lib.rules import Refused
from peerpower.meetings import actions
from peerpower.meetings.actions import AgendaSegment
from tests.conftest import World


def _calls(world: World) -> dict[str, Callable[[User], object]]:
    m = world.next_meeting()
    later = m.starts_at + timedelta(days=2)
    return {
        "meeting_move": lambda by: actions.meeting_move(
            meeting=m,
            starts_at=later,
            ends_at=later + timedelta(hours=4),
            venue=m.venue,
            online_link="",
            by=by,
        ),
        "meeting_cancel": lambda by: actions.meeting_cancel(meeting=m, reason="no", by=by),
        "agenda_replace": lambda by: actions.agenda_replace(
            meeting=m, segments=[AgendaSegment("x", "issues", 10)], by=by
        ),
    }


@pytest.mark.parametrize("name", ["meeting_move", "meeting_cancel", "agenda_replace"])
@pytest.mark.parametrize("who", ["outsider", "other_member", "member", "former_member"])
def test_a_meeting_action_refuses_someone_who_may_not_manage_it(
    world: World, name: str, who: str
) -> None:
    with pytest.raises(Refused):
        _calls(world)[name](getattr(world, who))
