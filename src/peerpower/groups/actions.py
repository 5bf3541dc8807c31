"""Business actions on groups: creating one with its chair and series, changing its pattern,
proposals, the chair's replacement, members' status and the confidentiality pledge.

Every action that takes `by` asks `groups.rules` first (check, then do).
"""

from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from peerpower.accounts.actions import invitation_create
from peerpower.accounts.invitations import issue_invitation
from peerpower.accounts.models import Invitation, User
from peerpower.accounts.tasks import send_welcome_calendar
from peerpower.groups import history, tasks
from peerpower.groups import rules as _rules  # noqa: F401 - registers the rules required here
from peerpower.groups.access import forget_access
from peerpower.groups.joining import (
    clean_email,
    close_unjoined,
    open_membership,
    refuse_self,
    user_for_email,
)
from peerpower.groups.models import CONFIDENTIALITY_PLEDGE, Membership, MembershipEvent, PeerGroup
from peerpower.issues.actions import issues_erase_own, issues_withdraw_open
from peerpower.issues.models import Protocol
from peerpower.lib.rules import require
from peerpower.meetings.actions import series_generate
from peerpower.meetings.tasks import send_calendar_withdrawal
from peerpower.networks.models import Network, Venue
from peerpower.privacy.consents import consent_record
from peerpower.privacy.models import Consent


class Unset:
    """Marks a nullable keyword left out (so None can mean "clear it")."""


UNSET = Unset()

PATTERN_FIELDS = ("week_of_month", "weekday", "start_time", "end_time", "series_start", "time_zone")


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
    """Create a group, invite its chair (never the admin creating it) and generate a year of
    meetings, all or nothing."""
    require(by, "groups.create", network)
    if chair_email.strip().lower() == by.email.lower():
        raise ValidationError(
            {"chair_email": "You cannot be the chair of a group you set up; invite someone else."}
        )
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


def group_update(
    *,
    group: PeerGroup,
    by: User,
    name: str | None = None,
    description: str | None = None,
    min_size: int | None = None,
    max_size: int | None = None,
    default_venue: Venue | Unset | None = UNSET,
    online_link: str | None = None,
    protocol: Protocol | Unset | None = UNSET,
    week_of_month: int | None = None,
    weekday: int | None = None,
    start_time: time | None = None,
    end_time: time | None = None,
    series_start: date | None = None,
    time_zone: str | None = None,
) -> PeerGroup:
    """Change the given details of a group (a field left out stays as it is); a changed
    pattern, default venue or online link regenerates its future meetings. Validates before it
    writes; the series regeneration locks the group row."""
    require(by, "groups.edit", group)
    changes: dict[str, object] = {
        field: value
        for field, value in {
            "name": name,
            "description": description,
            "min_size": min_size,
            "max_size": max_size,
            "online_link": online_link,
            "week_of_month": week_of_month,
            "weekday": weekday,
            "start_time": start_time,
            "end_time": end_time,
            "series_start": series_start,
            "time_zone": time_zone,
        }.items()
        if value is not None
    }
    if not isinstance(default_venue, Unset):
        changes["default_venue"] = default_venue
    if not isinstance(protocol, Unset):
        changes["protocol"] = protocol
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


def membership_propose(*, group: PeerGroup, email: str, name: str = "", by: User) -> Membership:
    """A network admin proposes a person (themselves included) as a member; nothing is sent to
    them until the group's chair approves. The chair is told by email. Locks the person's
    membership of the group, if they have one."""
    require(by, "groups.propose_member", group)
    email = clean_email(email)
    with transaction.atomic():
        user = user_for_email(email, name.strip())
        membership = open_membership(
            group=group,
            user=user,
            role=Membership.Role.MEMBER,
            status=Membership.Status.PROPOSED,
            proposed_by=by,
        )
        event = history.record(membership=membership, kind=MembershipEvent.Kind.PROPOSED, by=by)
        event_id = event.pk
        transaction.on_commit(lambda: tasks.send_proposal(event_id=event_id))
    return membership


def _locked_proposal(membership: Membership) -> Membership:
    locked = (
        Membership.objects.select_for_update()
        .select_related("group__network", "user")
        .get(pk=membership.pk)
    )
    if locked.status != Membership.Status.PROPOSED:
        raise ValidationError("This proposal has already been dealt with.")
    return locked


def membership_approve(*, membership: Membership, by: User) -> Invitation:
    """The chair approves a proposed person: they are invited (by the chair) and join when they
    accept, announced to the group then. Nobody approves their own joining. Locks the
    membership."""
    require(by, "groups.approve_member", membership)
    with transaction.atomic():
        locked = _locked_proposal(membership)
        locked.status = Membership.Status.INVITED
        locked.save(update_fields=["status"])
        history.record(
            membership=locked,
            kind=MembershipEvent.Kind.INVITED,
            by=by,
            approved_by=by,
            proposed_by=locked.proposed_by,
        )
        return issue_invitation(
            network=locked.group.network,
            group=locked.group,
            user=locked.user,
            role=Invitation.Role.MEMBER,
            by=by,
        )


def membership_decline(*, membership: Membership, by: User) -> None:
    """The chair declines a proposal; the person is not told and the history keeps the line.
    Locks the membership."""
    require(by, "groups.approve_member", membership)
    with transaction.atomic():
        locked = _locked_proposal(membership)
        history.record(
            membership=locked,
            kind=MembershipEvent.Kind.DECLINED,
            by=by,
            proposed_by=locked.proposed_by,
        )
        close_unjoined(membership=locked)


def chair_replace(
    *, group: PeerGroup, email: str, name: str = "", old_chair_becomes: str, by: User
) -> Invitation:
    """A network admin invites a new chair for a group that has one. When the new chair
    accepts, the old chair becomes a member or leaves (`old_chair_becomes`: "member" or
    "left"), and the group is told. The new chair must set up two-factor authentication before
    any page but their account's opens (accounts.middleware). Nobody replaces the chair with
    themselves. Locks the group's chair and the new chair's membership."""
    require(by, "groups.replace_chair", group)
    if old_chair_becomes not in ("member", "left"):
        raise ValidationError(
            {"old_chair_becomes": "Choose whether the chair stays as a member or leaves."}
        )
    email = clean_email(email)
    refuse_self(email, by)
    with transaction.atomic():
        old = (
            Membership.objects.select_for_update()
            .select_related("user")
            .get(group=group, role=Membership.Role.CHAIR, status__in=Membership.CURRENT)
        )
        if old.user.email.lower() == email:
            raise ValidationError({"email": f"{email} is already the chair of {group.name}."})
        if Invitation.objects.filter(
            group=group,
            role=Invitation.Role.CHAIR,
            accepted_at=None,
            expires_at__gt=timezone.now(),
        ).exists():
            raise ValidationError(
                "A new chair has already been invited; withdraw that invitation first."
            )
        user = user_for_email(email, name.strip())
        current = Membership.objects.filter(
            group=group, user=user, status__in=Membership.CURRENT
        ).first()
        membership = current or open_membership(
            group=group, user=user, role=Membership.Role.MEMBER, status=Membership.Status.INVITED
        )
        history.record(membership=membership, kind=MembershipEvent.Kind.INVITED, by=by)
        return issue_invitation(
            network=group.network,
            group=group,
            user=user,
            role=Invitation.Role.CHAIR,
            by=by,
            replaces_chair=old,
            old_chair_becomes=old_chair_becomes,
        )


def membership_set_status(
    *, membership: Membership, status: Membership.Status, by: User
) -> Membership:
    """Pause, resume or end a membership (an invitation is withdrawn, not set here). Someone
    who leaves stays in the group's history and in the access log."""
    require(by, "groups.set_status", membership)
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
    return _change_status(membership, status, by=by)


def _change_status(membership: Membership, status: Membership.Status, *, by: User) -> Membership:
    """Set the status, record it in the group's history, and update the member's calendar."""
    kind = {
        Membership.Status.ACTIVE: MembershipEvent.Kind.RESUMED,
        Membership.Status.PAUSED: MembershipEvent.Kind.PAUSED,
        Membership.Status.LEFT: MembershipEvent.Kind.LEFT,
    }[Membership.Status(status)]
    with transaction.atomic():
        membership.status = status
        if status == Membership.Status.LEFT:
            issues_withdraw_open(group=membership.group, presenter=membership.user)
            membership.left_on = max(
                timezone.localdate(), membership.joined_on or timezone.localdate()
            )
        membership.save(update_fields=["status", "left_on"])
        history.record(membership=membership, kind=kind, by=by)
        group_id, user_id = membership.group_id, membership.user_id
        if status == Membership.Status.ACTIVE:  # back: the year's meetings again
            transaction.on_commit(lambda: send_welcome_calendar(group_id=group_id, user_id=user_id))
        else:  # paused or gone: out of their calendar
            transaction.on_commit(
                lambda: send_calendar_withdrawal(group_id=group_id, user_id=user_id)
            )
    forget_access(membership.user)
    return membership


def pledge_accept(*, membership: Membership, by: User) -> Membership:
    """Record that the member accepted the group's confidentiality pledge (once), which opens
    the group's issues to them. Only after the group has been told they joined."""
    require(by, "groups.accept_pledge", membership)
    if membership.status not in Membership.CURRENT:
        raise ValidationError("Only a current member can accept the pledge.")
    if membership.announced_at is None:
        raise ValidationError("The group has not yet been told that you joined; try again soon.")
    if membership.pledge_accepted_at is None:
        with transaction.atomic():
            membership.pledge_accepted_at = timezone.now()
            membership.save(update_fields=["pledge_accepted_at"])
            consent_record(
                kind=Consent.Kind.PLEDGE,
                text=CONFIDENTIALITY_PLEDGE,
                network=membership.group.network,
                user=membership.user,
            )
    forget_access(by)
    return membership


def membership_leave(*, membership: Membership, by: User, erase_issues: bool = False) -> int:
    """A member leaves the group of their own accord, erasing their issues first if they ask.

    They stay in the group's history and its access log; their calendar entries are withdrawn.
    Returns how many issues were erased. All or nothing: if leaving fails, nothing is erased.
    """
    require(by, "groups.leave", membership)
    with transaction.atomic():
        erased = issues_erase_own(group=membership.group, by=by) if erase_issues else 0
        _change_status(membership, Membership.Status.LEFT, by=by)
    return erased
