"""Permission predicates for meetings: they follow the meeting's group."""

import rules

from peerpower.accounts.models import User
from peerpower.groups.rules import can_manage_group, can_view_group, is_active_member
from peerpower.meetings.models import Meeting


@rules.predicate
def can_view_meeting(user: User, meeting: Meeting) -> bool:
    return bool(can_view_group(user, meeting.group))


@rules.predicate
def can_manage_meeting(user: User, meeting: Meeting) -> bool:
    return bool(can_manage_group(user, meeting.group))


@rules.predicate
def can_rsvp(user: User, meeting: Meeting) -> bool:
    return bool(is_active_member(user, meeting.group))


rules.add_rule("meetings.view", can_view_meeting)
rules.add_rule("meetings.manage", can_manage_meeting)
rules.add_rule("meetings.rsvp", can_rsvp)
