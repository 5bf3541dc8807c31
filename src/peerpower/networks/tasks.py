"""Queued emails of the networks app: the chair's reminder to members who have not replied.

Tasks take ids and read fresh rows, so what goes out is what was committed.
"""

from collections.abc import Sequence

from django.utils import timezone
from huey.contrib.djhuey import db_task

from peerpower.groups.models import Membership
from peerpower.lib.email import send_templated_email
from peerpower.meetings.models import Meeting, Participation


@db_task()
def send_reply_reminder(*, meeting_id: int, user_ids: Sequence[int]) -> None:
    """Ask each person, still an active member and still without a reply, to reply."""
    meeting = Meeting.objects.select_related("group", "venue").filter(pk=meeting_id).first()
    if meeting is None or meeting.is_cancelled:
        return
    replied = Participation.objects.filter(meeting=meeting).exclude(rsvp="").values("user_id")
    memberships = (
        Membership.objects.filter(
            group_id=meeting.group_id, status=Membership.Status.ACTIVE, user_id__in=user_ids
        )
        .exclude(user_id__in=replied)
        .select_related("user")
        .order_by("user_id")
    )
    for membership in memberships:
        user = membership.user
        if not user.is_active:
            continue
        with timezone.override(user.time_zone):
            send_templated_email(
                to=user.email,
                template_prefix="networks/email/reply_reminder",
                context={"user": user, "meeting": meeting},
            )
