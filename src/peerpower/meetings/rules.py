"""Who may do what to a meeting: it follows the meeting's group.

Every action in meetings.actions that takes `by` asks one of these first (check, then do);
tests/meetings/test_refusals.py fails for an action that does not.
"""

import rules

from peerpower.groups.models import PeerGroup
from peerpower.groups.rules import can_manage_group, can_view_group, is_active_member
from peerpower.lib.rules import rule
from peerpower.meetings.models import Meeting


@rules.predicate
def can_view_meeting(user: object, meeting: Meeting) -> bool:
    return bool(can_view_group(user, meeting.group))


@rules.predicate
def can_manage_meeting(user: object, meeting: Meeting) -> bool:
    return bool(can_manage_group(user, meeting.group))


@rules.predicate
def can_rsvp(user: object, meeting: Meeting) -> bool:
    return bool(is_active_member(user, meeting.group))


@rules.predicate
def can_see_everyones_attendance(user: object, group: PeerGroup) -> bool:
    """The chair and the network's admins; each member sees only their own record."""
    return bool(can_manage_group(user, group))


CHANGE_REFUSAL = "Only the group's chair or its network's admins can change this meeting."

rule(
    "meetings.view",
    can_view_meeting,
    refusal="Only the group's members and its network's admins can see this meeting.",
)
rule("meetings.manage", can_manage_meeting, refusal=CHANGE_REFUSAL, audited=True)
rule("meetings.move", can_manage_meeting, refusal=CHANGE_REFUSAL, audited=True)
rule("meetings.cancel", can_manage_meeting, refusal=CHANGE_REFUSAL, audited=True)
rule("meetings.reinstate", can_manage_meeting, refusal=CHANGE_REFUSAL, audited=True)
rule(
    "meetings.edit_agenda",
    can_manage_meeting,
    refusal="Only the group's chair or its network's admins can change the agenda.",
    audited=True,
)
rule(
    "meetings.record_attendance",
    can_manage_meeting,
    refusal="Only the group's chair or its network's admins can record attendance.",
    audited=True,
)
rule(
    "meetings.rsvp", can_rsvp, refusal="Only the group's active members can reply to its meetings."
)
rule(
    "meetings.see_attendance",
    can_see_everyones_attendance,
    refusal="Only the group's chair and its network's admins see everyone's attendance.",
)
