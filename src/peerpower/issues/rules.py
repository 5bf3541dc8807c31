"""Who may do what in the issues session, answered from the person's access (groups.access).

Every action of `issues.actions` and `issues.room` that takes `by` (or `user`) calls
`require(by, "issues.<verb>", obj)` before it does anything; views and templates ask `can`
with the same names to decide what to offer. The seat is the one rule beneath them all: a
current member or the chair of the group who has accepted its pledge and joined by the day of
the meeting in question (the same rule as `issues.queries`). Network admins, coaches, speakers,
former members and other groups hold no seat, so every rule here refuses them.

What depends on the meeting's state rather than on the person (started, ended, cancelled) is
checked by the actions themselves, with a sentence that says what the state is.
"""

import rules

from peerpower.groups.access import access_for
from peerpower.groups.models import PeerGroup
from peerpower.issues.models import Commitment, Issue, RoomState
from peerpower.lib.rules import rule
from peerpower.meetings.models import Meeting


def _seat(user: object, meeting: Meeting) -> bool:
    return access_for(user).holds_pledged_seat(meeting.group_id, meeting.day)


@rules.predicate
def has_seat(user: object, meeting: Meeting) -> bool:
    """A pledged seat for this meeting: may see its issues, its room and its check-ins."""
    return _seat(user, meeting)


@rules.predicate
def is_active_with_seat(user: object, meeting: Meeting) -> bool:
    """Not paused: paused members keep sight of the issues but bring and support none."""
    return _seat(user, meeting) and access_for(user).is_active(meeting.group_id)


@rules.predicate
def is_chair_with_seat(user: object, meeting: Meeting) -> bool:
    return _seat(user, meeting) and access_for(user).is_chair(meeting.group_id)


@rules.predicate
def has_seat_for_issue(user: object, issue: Issue) -> bool:
    return _seat(user, issue.meeting)


@rules.predicate
def may_support(user: object, issue: Issue) -> bool:
    return bool(is_active_with_seat(user, issue.meeting))


@rules.predicate
def is_presenter(user: object, issue: Issue) -> bool:
    return issue.presenter_id == getattr(user, "pk", None) and _seat(user, issue.meeting)


@rules.predicate
def is_scribe_or_chair(user: object, issue: Issue) -> bool:
    if not _seat(user, issue.meeting):
        return False
    if access_for(user).is_chair(issue.meeting.group_id):
        return True
    scribe = (
        RoomState.objects.filter(meeting_id=issue.meeting_id)
        .values_list("scribe_id", flat=True)
        .first()
    )
    # The scribe takes notes while an active member; a paused one hands the pen back.
    return (
        scribe is not None
        and scribe == getattr(user, "pk", None)
        and access_for(user).is_active(issue.meeting.group_id)
    )


@rules.predicate
def made_commitment(user: object, commitment: Commitment) -> bool:
    return commitment.member_id == getattr(user, "pk", None) and _seat(
        user, commitment.issue.meeting
    )


@rules.predicate
def has_seat_in_group(user: object, group: PeerGroup) -> bool:
    return access_for(user).holds_pledged_seat(group.pk)


SEAT = "Only the group's members who have accepted its pledge can do this."

# Meeting-level rules.
rule("issues.see", has_seat, refusal=SEAT)
rule(
    "issues.bring",
    is_active_with_seat,
    refusal="Only active members of the group who have accepted its pledge can bring an issue.",
)
rule(
    "issues.bring_for",
    is_chair_with_seat,
    refusal="Only the chair can add an issue for another member.",
    audited=True,
)
rule("issues.order", is_chair_with_seat, refusal="Only the chair can fix the order.", audited=True)
rule("issues.drive_room", is_chair_with_seat, refusal="Only the chair drives the room.")
rule("issues.practise", is_chair_with_seat, refusal="Only the chair can open the practice room.")
rule(
    "issues.check_in",
    has_seat,
    refusal="Only the group's members who have accepted its pledge can check in.",
)
# Issue-level rules.
rule("issues.read", has_seat_for_issue, refusal=SEAT)
rule(
    "issues.support",
    may_support,
    refusal="Only active members of the group who have accepted its pledge can support an issue.",
)
rule("issues.edit", is_presenter, refusal="Only the member who brought an issue can change it.")
rule(
    "issues.withdraw", is_presenter, refusal="Only the member who brought an issue can withdraw it."
)
rule("issues.delete", is_presenter, refusal="Only the member who brought an issue can delete it.")
rule(
    "issues.take_notes", is_scribe_or_chair, refusal="Only the scribe or the chair can take notes."
)
rule(
    "issues.share_notes",
    is_presenter,
    refusal="The notes belong to the presenter; only they can share them.",
    audited=True,
)
rule(
    "issues.record_commitment",
    is_presenter,
    refusal="Only the presenter records their commitment.",
)
# Commitment- and group-level rules.
rule(
    "issues.report_commitment",
    made_commitment,
    refusal="Only the member who made a commitment reports on it.",
)
rule("issues.see_access_log", has_seat_in_group, refusal=SEAT)
rule(
    "issues.keep_own_record",
    has_seat_in_group,
    refusal="Only a current member of the group can download or erase their own issues.",
)
