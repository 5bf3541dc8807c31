"""The presenter erases their issue (delete, or erase on leaving) while the room shows it."""

from peerpower.groups import actions as group_actions
from peerpower.groups.models import Membership
from peerpower.issues import actions, room
from tests.issues.conftest import Session, chair_does, start_room
from tests.leaks import client_of


def test_erasing_the_issue_in_hand_moves_the_room_on_so_no_screen_keeps_showing_it(
    session: Session,
) -> None:
    """issue_delete / issues_erase_own clear RoomState.issue with a queryset update that leaves
    `version` as it was: every open screen's poll (?v=<version>) keeps getting 204 and goes on
    showing the erased words, also after the presenter has left the group."""
    s = session
    issue = actions.issue_submit(meeting=s.meeting, presenter=s.alice, question="ERASE-ME-words")
    actions.queue_fix(meeting=s.meeting, order=[issue.pk], by=s.chair)
    start_room(s)
    chair_does(s, "start_issue", issue_id=issue.pk)
    version = room.room_for(s.meeting).version
    bob = client_of(s.bob)
    url = f"/meetings/{s.meeting.pk}/room/state/"
    assert "ERASE-ME-words" in bob.get(url, HTTP_HX_REQUEST="true").content.decode()
    group_actions.membership_leave(
        membership=Membership.objects.get(group=s.world.group, user=s.alice),
        by=s.alice,
        erase_issues=True,
    )
    poll = bob.get(url, {"v": str(version)}, HTTP_HX_REQUEST="true")
    assert poll.status_code != 204, "the room says nothing changed; Bob's screen keeps the words"
