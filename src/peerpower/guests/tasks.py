"""Queued emails to guests and about them, and the nightly and hourly guest tasks.

Every email to a guest carries the link that withdraws their request and erases it. Tasks
take ids and read fresh rows; a request erased before the worker got to it sends nothing.
"""

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from peerpower.accounts.models import User
from peerpower.groups.models import Membership
from peerpower.guests.calendar import guest_ics
from peerpower.guests.models import DEFAULT_DECLINE, GuestRequest, GuestSettings
from peerpower.lib.email import Attachment, send_templated_email
from peerpower.networks.models import Network, NetworkRole

# The salts are the actions' (guests.actions imports this module, not the other way).
CONFIRM_SALT = "peerpower.guests.confirm"
WITHDRAW_SALT = "peerpower.guests.withdraw"


def public_page_key(slug: str) -> str:
    """The shared-cache key of a network's public page (as anonymous visitors get it)."""
    return f"guests:public-page:{slug}"


def _request(request_id: int) -> GuestRequest | None:
    return (
        GuestRequest.objects.select_related(
            "network", "meeting__group__network", "meeting__venue", "application_group"
        )
        .prefetch_related("meeting__agenda_items")
        .filter(pk=request_id)
        .exclude(status=GuestRequest.Status.WITHDRAWN)
        .first()
    )


def _links(request: GuestRequest) -> dict[str, str]:
    withdraw = signing.dumps(request.pk, salt=WITHDRAW_SALT)
    return {
        "withdraw_url": settings.SITE_URL + reverse("guests:withdraw", args=[withdraw]),
        "visit_url": settings.SITE_URL + reverse("guests:visit", args=[request.pk]),
    }


def _to_guest(request: GuestRequest, prefix: str, **context: object) -> None:
    attachments = context.pop("attachments", ())
    send_templated_email(
        to=request.email,
        template_prefix=f"guests/email/{prefix}",
        context={"request": request, "network": request.network, **_links(request), **context},
        attachments=attachments,  # type: ignore[arg-type]
    )


def _ics(request: GuestRequest) -> Attachment:
    method = "CANCEL" if request.meeting is not None and request.meeting.is_cancelled else "REQUEST"
    return Attachment(
        filename="guest-visit.ics",
        content=guest_ics(request),
        mimetype=f"text/calendar; method={method}; charset=utf-8",
    )


@db_task()
def send_confirmation(*, request_id: int, updated: bool) -> None:
    request = _request(request_id)
    if request is None:
        return
    token = signing.dumps(request.pk, salt=CONFIRM_SALT)
    _to_guest(
        request,
        "confirm",
        updated=updated,
        confirm_url=settings.SITE_URL + reverse("guests:confirm", args=[token]),
    )


@db_task()
def send_invitation(*, request_id: int, token: str) -> None:
    request = _request(request_id)
    if request is None or request.meeting is None:
        return
    user = User.objects.filter(email__iexact=request.email).first()
    zone = user.time_zone if user else request.meeting.group.time_zone
    with timezone.override(zone):
        _to_guest(
            request,
            "invitation",
            meeting=request.meeting,
            join_url=settings.SITE_URL + reverse("guests:join", args=[token]),
        )


@db_task()
def send_declined(*, request_id: int) -> None:
    request = _request(request_id)
    if request is not None:
        found = GuestSettings.objects.filter(network_id=request.network_id).first()
        _to_guest(request, "declined", message=found.decline_message if found else DEFAULT_DECLINE)


@db_task()
def send_application_declined(*, request_id: int) -> None:
    request = _request(request_id)
    if request is not None:
        _to_guest(request, "application_declined")


def _staff_of(request: GuestRequest) -> list[User]:
    return list(
        User.objects.filter(
            network_roles__network_id=request.network_id,
            network_roles__role=NetworkRole.Role.ADMIN,
            is_active=True,
        ).distinct()
    )


@db_task()
def send_chair_asked(*, request_id: int) -> None:
    """The chair of the meeting's group is asked to approve the guest (no details in the email;
    the page shows them to the chair)."""
    request = _request(request_id)
    if request is None or request.meeting is None:
        return
    chair = (
        Membership.objects.filter(
            group_id=request.meeting.group_id,
            role=Membership.Role.CHAIR,
            status=Membership.Status.ACTIVE,
        )
        .select_related("user")
        .first()
    )
    if chair is None:
        return
    with timezone.override(chair.user.time_zone):
        send_templated_email(
            to=chair.user.email,
            template_prefix="guests/email/chair_asked",
            context={
                "meeting": request.meeting,
                "url": settings.SITE_URL
                + reverse("guests:meeting_guests", args=[request.meeting.pk]),
            },
        )


@db_task()
def send_admins_told(*, request_id: int, what: str) -> None:
    """The network's admins hear that a guest cannot come, or that the chair refused one."""
    request = _request(request_id)
    if request is not None:
        _tell_admins(request, what)


def _tell_admins(request: GuestRequest, what: str) -> None:
    """`what`: "cannot_come", "refused" or "cancelled" (the guest's meeting was called off)."""
    for admin in _staff_of(request):
        send_templated_email(
            to=admin.email,
            template_prefix="guests/email/admins_told",
            context={
                "what": what,
                "url": settings.SITE_URL
                + reverse("guests:request", args=[request.network.slug, request.pk]),
            },
        )


@db_task()
def send_follow_up(*, request_id: int) -> None:
    request = _request(request_id)
    if request is not None:
        _to_guest(
            request,
            "follow_up",
            present=request.attendance == GuestRequest.Attendance.PRESENT,
        )


@db_task()
def send_reminder(*, request_id: int) -> None:
    request = _request(request_id)
    if request is None or request.meeting is None:
        return
    user = request.user
    with timezone.override(user.time_zone if user else request.meeting.group.time_zone):
        _to_guest(request, "reminder", meeting=request.meeting, attachments=[_ics(request)])


@db_task()
def send_guest_meeting_change(*, meeting_id: int, agenda: bool = False) -> None:
    """The guests' meeting moved, was cancelled or reinstated (or, with `agenda`, its agenda
    changed): each guest whose invitation went out and who is still expected is told, and of a
    cancellation the network's admins too, to offer the guest another date. A
    cancellation carries its CANCEL file (no venue or agenda in it); a change carries the
    updated file only for a guest who took the pledge, since the venue, link and agenda are
    theirs only then, and an agenda change reaches only them. The cached public page, whose
    dates changed, is dropped."""
    expected = (
        GuestRequest.objects.filter(meeting_id=meeting_id, status=GuestRequest.Status.INVITED)
        .exclude(
            chair_decision__in=[
                GuestRequest.ChairDecision.PENDING,
                GuestRequest.ChairDecision.REFUSED,
            ]
        )
        .values_list("pk", flat=True)
    )
    for pk in list(expected):
        request = _request(pk)
        if request is None or request.meeting is None:
            continue
        cancelled = request.meeting.is_cancelled
        pledged = request.pledge_accepted_at is not None
        if agenda and (cancelled or not pledged):
            continue
        attached = cancelled or pledged
        user = request.user
        with timezone.override(user.time_zone if user else request.meeting.group.time_zone):
            _to_guest(
                request,
                "meeting_changed",
                meeting=request.meeting,
                attached=attached,
                attachments=[_ics(request)] if attached else [],
            )
        if cancelled and not agenda:
            # The guest is told the organisers will be in touch about another date.
            _tell_admins(request, "cancelled")
    slug = (
        Network.objects.filter(groups__meetings__pk=meeting_id)
        .values_list("slug", flat=True)
        .first()
    )
    if slug:
        cache.delete(public_page_key(slug))


@db_periodic_task(crontab(hour="3", minute="40"))
def sweep_guest_requests() -> None:
    """Nightly: erase what is due (the network's retention period)."""
    from peerpower.guests.actions import retention_sweep  # noqa: PLC0415 - actions queue these tasks

    retention_sweep()


@db_periodic_task(crontab(minute="5"))
def guest_reminders_and_follow_ups() -> None:
    """Hourly: the day-before reminders and the day-after follow-ups."""
    from peerpower.guests.actions import (  # noqa: PLC0415 - actions queue these tasks
        follow_ups_send,
        reminders_send,
    )

    reminders_send()
    follow_ups_send()
