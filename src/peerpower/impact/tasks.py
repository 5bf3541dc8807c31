"""Survey emails (the invitation and its one reminder) and the periodic scheduling, reminding
and closing. Tasks take ids and read fresh rows; the emails carry the survey's title and the
link, never an answer."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from peerpower.impact.models import Invitation
from peerpower.lib.email import send_templated_email


def _send(invitation_id: int, prefix: str) -> None:
    invitation = (
        Invitation.objects.filter(pk=invitation_id)
        .select_related("user", "round__survey", "round__group", "round__meeting")
        .first()
    )
    if invitation is None or not invitation.user.is_active:
        return
    round_ = invitation.round
    if not round_.is_open(timezone.now()):
        return
    user = invitation.user
    with timezone.override(user.time_zone):
        send_templated_email(
            to=user.email,
            template_prefix=prefix,
            context={
                "invitation": invitation,
                "round": round_,
                "survey": round_.survey,
                "user": user,
            },
        )


@db_task()
def send_invitation(invitation_id: int) -> None:
    _send(invitation_id, "impact/email/invitation")
    Invitation.objects.filter(pk=invitation_id, sent_at=None).update(sent_at=timezone.now())


@db_task()
def send_reminder(invitation_id: int) -> None:
    _send(invitation_id, "impact/email/reminder")


@db_periodic_task(crontab(hour="6", minute="30"))
def schedule_surveys() -> None:
    """Every morning: open the rounds that are due (each once, whatever runs it)."""
    from peerpower.impact.actions import (  # noqa: PLC0415 — actions import this module's tasks
        surveys_schedule_due,
    )

    surveys_schedule_due()


@db_periodic_task(crontab(minute="10"))
def remind_and_close_surveys() -> None:
    """Every hour: the one reminder for rounds half way through, and close the rounds whose
    time has run out (anonymous answers become responses then, in one shuffled batch)."""
    from peerpower.impact.actions import (  # noqa: PLC0415 — actions import this module's tasks
        reminders_send_due,
        rounds_close_due,
    )

    reminders_send_due()
    rounds_close_due()
