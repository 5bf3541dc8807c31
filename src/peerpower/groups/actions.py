"""Business actions on groups: creating one with its chair and series, changing its pattern,
members' status and the confidentiality pledge."""

from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from peerpower.accounts.actions import invitation_create
from peerpower.accounts.models import Invitation, User
from peerpower.accounts.tasks import send_welcome_calendar
from peerpower.groups.models import Membership, PeerGroup
from peerpower.issues.models import Protocol
from peerpower.meetings.actions import series_generate
from peerpower.meetings.tasks import send_calendar_withdrawal
from peerpower.networks.models import Network, Venue

PATTERN_FIELDS = ("week_of_month", "weekday", "start_time", "end_time", "series_start", "time_zone")
EDITABLE_FIELDS = (
    "name",
    "description",
    "min_size",
    "max_size",
    "default_venue",
    "online_link",
    "protocol",
    *PATTERN_FIELDS,
)


def _validate(group: PeerGroup) -> None:
    errors: dict[str, str] = {}
    if group.start_time and group.end_time and group.end_time <= group.start_time:
        errors["end_time"] = (
            f"The meeting must end after it starts ({group.start_time:%H:%M}); "
            "choose a later end time."
        )
    if (
        group.min_size is not None
        and group.max_size is not None
        and group.max_size < group.min_size
    ):
        errors["max_size"] = "The largest size cannot be below the smallest."
    if (
        group.default_venue_id
        and not Venue.objects.filter(
            pk=group.default_venue_id, network_id=group.network_id
        ).exists()
    ):
        errors["default_venue"] = "Choose one of this network's venues."
    if (
        group.protocol_id
        and not Protocol.objects.filter(
            Q(network=None) | Q(network_id=group.network_id), pk=group.protocol_id
        ).exists()
    ):
        errors["protocol"] = "Choose one of the network's protocols."
    if errors:
        raise ValidationError(errors)
    group.full_clean(exclude=["network", "default_venue", "protocol"], validate_constraints=False)


def group_create(
    *,
    network: Network,
    name: str,
    week_of_month: int,
    weekday: int,
    start_time: time,
    end_time: time,
    series_start: date,
    time_zone: str,
    chair_email: str,
    chair_name: str = "",
    default_venue: Venue | None = None,
    online_link: str = "",
    min_size: int = 8,
    max_size: int = 16,
    description: str = "",
    protocol: Protocol | None = None,
    by: User,
) -> PeerGroup:
    """Create a group, invite its chair and generate a year of meetings, all or nothing."""
    group = PeerGroup(
        network=network,
        name=name.strip(),
        description=description,
        week_of_month=week_of_month,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        series_start=series_start,
        time_zone=time_zone,
        default_venue=default_venue,
        online_link=online_link,
        min_size=min_size,
        max_size=max_size,
        protocol=protocol,
    )
    _validate(group)
    if PeerGroup.objects.filter(network=network, name__iexact=group.name).exists():
        raise ValidationError({"name": f"{network.name} already has a group called {group.name}."})
    with transaction.atomic():
        group.save()
        invitation_create(
            network=network,
            group=group,
            role=Invitation.Role.CHAIR,
            email=chair_email,
            name=chair_name,
            by=by,
        )
        series_generate(group=group)
    return group


def group_update(*, group: PeerGroup, by: User, **changes: object) -> PeerGroup:
    """Change a group's details; a changed pattern regenerates its future meetings."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    pattern_changed = any(getattr(group, f) != v for f, v in changes.items() if f in PATTERN_FIELDS)
    venue_changed = any(
        getattr(group, f) != v for f, v in changes.items() if f in ("default_venue", "online_link")
    )
    for field, value in changes.items():
        setattr(group, field, value)
    _validate(group)
    if (
        PeerGroup.objects.filter(network_id=group.network_id, name__iexact=group.name)
        .exclude(pk=group.pk)
        .exists()
    ):
        raise ValidationError({"name": f"This network already has a group called {group.name}."})
    with transaction.atomic():
        group.save()
        if pattern_changed or venue_changed:
            series_generate(group=group)
    return group


def membership_set_status(*, membership: Membership, status: str, by: User) -> Membership:
    """Pause, resume or end a membership (an invitation is withdrawn, not set here)."""
    allowed = {
        Membership.Status.ACTIVE: {Membership.Status.PAUSED, Membership.Status.LEFT},
        Membership.Status.PAUSED: {Membership.Status.ACTIVE, Membership.Status.LEFT},
    }
    if membership.role == Membership.Role.CHAIR:
        raise ValidationError("The chair's membership is changed by the network's admins.")
    if status not in allowed.get(Membership.Status(membership.status), set()):
        raise ValidationError(
            f"A membership that is {membership.get_status_display()} cannot be set to {status}."
        )
    with transaction.atomic():
        membership.status = status
        if status == Membership.Status.LEFT:
            membership.left_on = max(
                timezone.localdate(), membership.joined_on or timezone.localdate()
            )
        membership.save(update_fields=["status", "left_on"])
        group_id, user_id = membership.group_id, membership.user_id
        if status == Membership.Status.ACTIVE:  # back: the year's meetings again
            transaction.on_commit(lambda: send_welcome_calendar(group_id=group_id, user_id=user_id))
        else:  # paused or gone: out of their calendar
            transaction.on_commit(
                lambda: send_calendar_withdrawal(group_id=group_id, user_id=user_id)
            )
    return membership


def pledge_accept(*, membership: Membership) -> Membership:
    """Record that the member accepted the group's confidentiality pledge (once)."""
    if membership.status not in (Membership.Status.ACTIVE, Membership.Status.PAUSED):
        raise ValidationError("Only a current member can accept the pledge.")
    if membership.pledge_accepted_at is None:
        membership.pledge_accepted_at = timezone.now()
        membership.save(update_fields=["pledge_accepted_at"])
    return membership
