"""Queued emails about groups: telling the members who has joined or become chair."""

from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import db_task

from peerpower.groups.models import Membership, MembershipEvent
from peerpower.lib.email import send_templated_email


@db_task()
def send_announcement(*, event_id: int) -> None:
    """Tell each current member of the group (the newcomer excepted) of a join or a new chair."""
    event = (
        MembershipEvent.objects.select_related(
            "group__network", "user", "by", "approved_by", "proposed_by"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return
    readers = (
        Membership.objects.filter(group_id=event.group_id, status__in=Membership.CURRENT)
        .exclude(user_id=event.user_id)
        .select_related("user")
    )
    group_path = reverse("groups:detail", args=[event.group_id])
    for reader in readers:
        with timezone.override(reader.user.time_zone):
            send_templated_email(
                to=reader.user.email,
                template_prefix="groups/email/announcement",
                context={"event": event, "reader": reader.user, "group_path": group_path},
            )


@db_task()
def send_proposal(*, event_id: int) -> None:
    """Ask the group's chair to approve or decline a network admin's proposal."""
    event = (
        MembershipEvent.objects.select_related("group__network", "user", "by")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return
    chair = (
        Membership.objects.filter(
            group_id=event.group_id, role=Membership.Role.CHAIR, status=Membership.Status.ACTIVE
        )
        .select_related("user")
        .first()
    )
    if chair is None:
        return  # the group's next chair sees the proposal on the group page
    with timezone.override(chair.user.time_zone):
        send_templated_email(
            to=chair.user.email,
            template_prefix="groups/email/proposal",
            context={
                "event": event,
                "reader": chair.user,
                "group_path": reverse("groups:detail", args=[event.group_id]),
            },
        )
