"""Queued emails about accounts: invitations and a new member's calendar."""

from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import db_task

from peerpower.accounts.models import Invitation, User
from peerpower.lib.email import send_templated_email
from peerpower.meetings.models import Meeting
from peerpower.meetings.tasks import send_series_invitation


@db_task()
def send_invitation(*, invitation_id: int, token: str) -> None:
    invitation = (
        Invitation.objects.select_related("network", "group", "user", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return  # revoked before the worker got to it
    with timezone.override(invitation.user.time_zone):
        send_templated_email(
            to=invitation.user.email,
            template_prefix="accounts/email/invitation",
            context={
                "invitation": invitation,
                "accept_path": reverse("invitation_accept", args=[token]),
            },
        )


@db_task()
def send_welcome_calendar(*, group_id: int, user_id: int) -> None:
    """A member who has just joined gets the group's upcoming meetings in one email."""
    ids = list(
        Meeting.objects.filter(
            group_id=group_id, status=Meeting.Status.SCHEDULED, starts_at__gt=timezone.now()
        ).values_list("pk", flat=True)
    )
    if ids and User.objects.filter(pk=user_id).exists():
        send_series_invitation.call_local(meeting_ids=ids, user_ids=[user_id])


@db_task()
def send_account_changed(*, user_id: int, changed: list[str], by_id: int | None) -> None:
    """Tell a person that someone changed their account in the Django admin, and what."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    by = User.objects.filter(pk=by_id).first() if by_id else None
    with timezone.override(user.time_zone):
        send_templated_email(
            to=user.email,
            template_prefix="accounts/email/account_changed",
            context={"user": user, "changed": changed, "by": by, "when": timezone.now()},
        )
