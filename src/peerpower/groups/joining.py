"""How people come into a group, and how its chair changes hands.

These are the steps the actions share (`accounts.actions` for invitations and their
acceptance, `groups.actions` for proposals and replacing a chair); the actions check who may,
first. Whoever joins, and whoever becomes chair, is announced to the group in the transaction
that lets them in (see `groups.history`).
"""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from peerpower.accounts.models import Invitation, User
from peerpower.accounts.tasks import send_welcome_calendar
from peerpower.groups import history
from peerpower.groups.access import access_for
from peerpower.groups.models import Membership, MembershipEvent, PeerGroup
from peerpower.meetings.models import Meeting
from peerpower.meetings.tasks import send_calendar_withdrawal


def clean_email(email: str) -> str:
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": "Enter a valid email address, like name@example.org."}
        ) from None
    return email


def refuse_self(email: str, by: User) -> None:
    if email == by.email.lower():
        raise ValidationError(
            {"email": "You cannot invite or propose yourself; ask someone else to."}
        )


def user_for_email(email: str, name: str) -> User:
    """The person with this address, created now (without a password) if they are new."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, name=name)
    elif name and not user.name:
        user.name = name
        user.save(update_fields=["name"])
    return user


def open_membership(
    *,
    group: PeerGroup,
    user: User,
    role: str,
    status: Membership.Status,
    proposed_by: User | None = None,
) -> Membership:
    """Make the person's membership of `group` proposed or invited, or refuse if they already
    hold a place. Takes a row lock on an existing membership; call inside a transaction.

    A former member coming back keeps the record of their last period (joined and left) until
    they accept; the pledge and the announcement start again.
    """
    membership = Membership.objects.select_for_update().filter(group=group, user=user).first()
    if membership is None:
        return Membership.objects.create(
            group=group, user=user, role=role, status=status, proposed_by=proposed_by
        )
    expired = (
        membership.status == Membership.Status.INVITED
        and not Invitation.objects.filter(
            group=group, user=user, accepted_at=None, expires_at__gt=timezone.now()
        ).exists()
    )
    if expired:  # their link expired: this replaces it
        Invitation.objects.filter(group=group, user=user, accepted_at=None).delete()
    elif membership.status != Membership.Status.LEFT:
        state = {
            Membership.Status.PROPOSED: "has already been proposed for",
            Membership.Status.INVITED: "has already been invited to",
        }.get(Membership.Status(membership.status), "is already in")
        raise ValidationError({"email": f"{user.email} {state} {group.name}."})
    membership.role, membership.status = role, status
    membership.proposed_by = proposed_by
    membership.pledge_accepted_at = membership.announced_at = None
    membership.save(
        update_fields=["role", "status", "proposed_by", "pledge_accepted_at", "announced_at"]
    )
    return membership


def close_unjoined(*, membership: Membership) -> None:
    """An invitation or proposal that came to nothing: a former member is former again,
    someone new leaves no membership (the history keeps the line)."""
    if membership.status not in (Membership.Status.PROPOSED, Membership.Status.INVITED):
        return
    if membership.left_on is not None:
        membership.status = Membership.Status.LEFT
        membership.proposed_by = None
        membership.save(update_fields=["status", "proposed_by"])
    else:
        membership.delete()


def join(*, invitation: Invitation, user: User) -> Membership:
    """Let the invitee in: an invited membership becomes active from today (where the group
    meets) and the group is told; a chair's invitation also hands the chair over.

    Locks the invitee's membership and, for a chair, the current chair's.
    """
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("group")
        .get(group_id=invitation.group_id, user=user)
    )
    group = membership.group
    _require_invitation_still_stands(invitation, membership)
    today = timezone.localdate(timezone=ZoneInfo(group.time_zone))
    newcomer = membership.status == Membership.Status.INVITED
    if newcomer:
        membership.status = Membership.Status.ACTIVE
        membership.joined_on, membership.left_on = first_day_for_newcomer(group, today), None
        membership.save(update_fields=["status", "joined_on", "left_on"])
        group_id, user_id = group.pk, user.pk
        transaction.on_commit(lambda: send_welcome_calendar(group_id=group_id, user_id=user_id))
    if invitation.role == Invitation.Role.CHAIR:
        _hand_over_chair(invitation=invitation, membership=membership, today=today)
        history.announce(
            membership=membership,
            kind=MembershipEvent.Kind.BECAME_CHAIR,
            by=user,
            approved_by=invitation.invited_by,
        )
    elif newcomer:
        history.announce(
            membership=membership,
            kind=MembershipEvent.Kind.JOINED,
            by=user,
            approved_by=invitation.invited_by,
            proposed_by=membership.proposed_by,
        )
    return membership


def first_day_for_newcomer(group: PeerGroup, today: date) -> date:
    """The first meeting day a person joining now may see: today, unless a meeting of the group
    today has already begun (by the clock or the room), whose session they were not part of."""
    now = timezone.now()
    begun_today = Meeting.objects.filter(group=group, day=today).filter(
        Q(started_at__isnull=False) | Q(starts_at__lte=now)
    )
    return today + timedelta(days=1) if begun_today.exists() else today


def _require_invitation_still_stands(invitation: Invitation, membership: Membership) -> None:
    """An invitation is only as good as its sender's standing when it is accepted: a member's
    must come from the group's chair as they are now, a chair's from one of the network's
    admins; and a chair's invitation to an existing member needs them still active."""
    sender = invitation.invited_by
    group = membership.group
    if invitation.role == Invitation.Role.CHAIR:
        stands = sender is not None and access_for(sender).administers(group.network_id)
        if membership.status not in (Membership.Status.INVITED, Membership.Status.ACTIVE):
            stands = False
    else:
        stands = sender is not None and access_for(sender).is_chair(group.pk)
    if not stands:
        raise ValidationError(
            "This invitation no longer stands: whoever sent it can no longer invite you, or "
            "your place in the group has changed. Ask the group's chair or the network's admins."
        )


def _hand_over_chair(*, invitation: Invitation, membership: Membership, today: date) -> None:
    """The group's current chair (if any) becomes a member or leaves, as the admin chose;
    then `membership` becomes the chair."""
    old = (
        Membership.objects.select_for_update()
        .filter(
            group_id=membership.group_id,
            role=Membership.Role.CHAIR,
            status__in=Membership.HOLDS_PLACE,
        )
        .exclude(pk=membership.pk)
        .first()
    )
    if old is not None:
        old.role = Membership.Role.MEMBER
        by = invitation.invited_by
        history.record(membership=old, kind=MembershipEvent.Kind.STEPPED_DOWN, by=by)
        if invitation.old_chair_becomes == "left":
            old.status = Membership.Status.LEFT
            old.left_on = max(today, old.joined_on or today)
            history.record(membership=old, kind=MembershipEvent.Kind.LEFT, by=by)
            group_id, user_id = old.group_id, old.user_id
            transaction.on_commit(
                lambda: send_calendar_withdrawal(group_id=group_id, user_id=user_id)
            )
        old.save(update_fields=["role", "status", "left_on"])
    membership.role = Membership.Role.CHAIR
    membership.save(update_fields=["role"])
