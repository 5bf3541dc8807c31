"""Queued work of the issues session: commitment reminders and the retention sweep.

The reminder says only that a commitment is due and where to see it, never what it is.
"""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from peerpower.issues.models import Commitment, Issue
from peerpower.lib.email import send_templated_email
from peerpower.meetings.models import Meeting


@db_task()
def send_commitment_reminder(*, commitment_id: int) -> None:
    commitment = (
        Commitment.objects.select_related("member", "issue__group").filter(pk=commitment_id).first()
    )
    if commitment is None:
        return  # erased meanwhile
    with timezone.override(commitment.member.time_zone):
        send_templated_email(
            to=commitment.member.email,
            template_prefix="issues/email/commitment_reminder",
            context={
                "user": commitment.member,
                "due_on": commitment.due_on,
                "group": commitment.issue.group,
            },
        )


@db_task()
def send_carried_over(*, issue_id: int, from_meeting_id: int) -> None:
    """Tell the presenter their issue moved, and to which meeting; never what it says."""
    issue = (
        Issue.objects.select_related("presenter", "group", "meeting").filter(pk=issue_id).first()
    )
    from_meeting = Meeting.objects.filter(pk=from_meeting_id).first()
    if issue is None or from_meeting is None:
        return  # erased meanwhile
    with timezone.override(issue.presenter.time_zone):
        send_templated_email(
            to=issue.presenter.email,
            template_prefix="issues/email/carried_over",
            context={
                "user": issue.presenter,
                "group": issue.group,
                "from_meeting": from_meeting,
                "to_meeting": issue.meeting,
            },
        )


# The two sweeps import actions lazily: actions queue this module's tasks.
@db_periodic_task(crontab(hour="7", minute="0"))
def remind_commitments() -> None:
    from peerpower.issues.actions import commitments_remind_due  # noqa: PLC0415 — actions import this module's tasks

    commitments_remind_due()


@db_periodic_task(crontab(hour="3", minute="30"))
def erase_expired_issues() -> None:
    from peerpower.issues.actions import issues_erase_expired  # noqa: PLC0415 — actions import this module's tasks

    issues_erase_expired()
