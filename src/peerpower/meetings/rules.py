"""Who may do what to a meeting: it follows the meeting's group."""

import rules

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


rule(
    "meetings.view",
    can_view_meeting,
    refusal="Only the group's members and its network's admins can see this meeting.",
)
rule(
    "meetings.manage",
    can_manage_meeting,
    refusal="Only the group's chair or its network's admins can change this meeting.",
)
rule(
    "meetings.rsvp", can_rsvp, refusal="Only the group's active members can reply to its meetings."
)
