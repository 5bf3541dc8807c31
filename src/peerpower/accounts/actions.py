"""Business actions on accounts: invitations and their acceptance, the calendar secret."""

import secrets
from datetime import timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from peerpower.accounts import tasks
from peerpower.accounts.models import Invitation, User, hash_token, new_calendar_token
from peerpower.groups.models import Membership, PeerGroup
from peerpower.networks.models import Network, NetworkRole


def _user_for_email(email: str, name: str) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, name=name)
    elif name and not user.name:
        user.name = name
        user.save(update_fields=["name"])
    return user


def invitation_create(
    *,
    network: Network,
    role: str,
    email: str,
    name: str = "",
    group: PeerGroup | None = None,
    by: User | None,
) -> Invitation:
    """Invite someone by email to a network role or into a group, and queue the email.

    The person's account is created now (without a password) so that their group membership
    can exist, as `invited`, from the start; they choose a password when they accept.
    """
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": "Enter a valid email address, like name@example.org."}
        ) from None
    if role not in Invitation.Role.values:
        raise ValidationError({"role": "Choose a role."})
    is_group_role = role in Invitation.GROUP_ROLES
    if is_group_role != (group is not None):
        raise ValidationError(
            {"role": "Chairs and members are invited to a group; other roles to the network."}
        )
    if group is not None and group.network_id != network.pk:
        raise ValidationError("That group belongs to another network.")

    with transaction.atomic():
        user = _user_for_email(email, name.strip())
        if group is not None:
            membership = (
                Membership.objects.select_for_update().filter(group=group, user=user).first()
            )
            expired_invitation = (
                membership is not None
                and membership.status == Membership.Status.INVITED
                and not Invitation.objects.filter(
                    group=group, user=user, accepted_at=None, expires_at__gt=timezone.now()
                ).exists()
            )
            if expired_invitation:  # their link expired: this invitation replaces it
                Invitation.objects.filter(group=group, user=user, accepted_at=None).delete()
            elif membership is not None and membership.status != Membership.Status.LEFT:
                state = (
                    "has already been invited to"
                    if membership.status == Membership.Status.INVITED
                    else "is already in"
                )
                raise ValidationError({"email": f"{email} {state} {group.name}."})
            if (
                role == Membership.Role.CHAIR
                and Membership.objects.filter(
                    group=group,
                    role=Membership.Role.CHAIR,
                    status__in=["invited", "active", "paused"],
                )
                .exclude(user=user)
                .exists()
            ):
                raise ValidationError({"role": f"{group.name} already has a chair."})
            if membership is None:
                Membership.objects.create(group=group, user=user, role=role)
            elif expired_invitation:
                membership.role = role
                membership.save(update_fields=["role"])
            else:  # a former member coming back starts again as invited
                membership.role, membership.status = role, Membership.Status.INVITED
                membership.joined_on = membership.left_on = membership.pledge_accepted_at = None
                membership.save(
                    update_fields=["role", "status", "joined_on", "left_on", "pledge_accepted_at"]
                )
        else:
            if NetworkRole.objects.filter(network=network, user=user, role=role).exists():
                raise ValidationError(
                    {
                        "email": (
                            f"{email} is already a {Invitation.Role(role).label} of {network.name}."
                        )
                    }
                )
            if Invitation.objects.filter(
                network=network,
                group=None,
                user=user,
                role=role,
                accepted_at=None,
                expires_at__gt=timezone.now(),
            ).exists():
                raise ValidationError(
                    {"email": f"{email} has already been invited as {Invitation.Role(role).label}."}
                )
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        invitation = Invitation.objects.create(
            network=network,
            group=group,
            user=user,
            role=role,
            token_hash=hash_token(token),
            invited_by=by,
            created_at=now,
            expires_at=now + timedelta(days=settings.INVITATION_DAYS_VALID),
        )
        transaction.on_commit(
            lambda: tasks.send_invitation(invitation_id=invitation.pk, token=token)
        )
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("network", "group", "user", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def invitation_accept(*, invitation: Invitation, user: User, password: str | None = None) -> None:
    """Accept for `user` (who must be the invitee): set their password if they have none,
    trust their email (they proved it by following the link) and give them the role."""
    if invitation.user_id != user.pk:
        raise ValidationError("This invitation was sent to another email address.")
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been accepted.")
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            "This invitation has expired. Ask whoever invited you to send a new one."
        )
    with transaction.atomic():
        if password:
            user.set_password(password)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        if invitation.group_id is not None:
            membership = (
                Membership.objects.select_for_update(of=("self",))
                .select_related("group")
                .get(group_id=invitation.group_id, user=user)
            )
            if membership.status == Membership.Status.INVITED:
                membership.status = Membership.Status.ACTIVE
                # The date where the group meets, as meetings' days are (Meeting.day).
                membership.joined_on = timezone.localdate(
                    timezone=ZoneInfo(membership.group.time_zone)
                )
                membership.save(update_fields=["status", "joined_on"])
                group_id = invitation.group_id
                transaction.on_commit(
                    lambda: tasks.send_welcome_calendar(group_id=group_id, user_id=user.pk)
                )
        else:
            NetworkRole.objects.get_or_create(
                network_id=invitation.network_id, user=user, role=invitation.role
            )


def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    """Withdraw a pending invitation; a group invitation also removes the invited membership."""
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has been accepted; change the membership instead.")
    with transaction.atomic():
        if invitation.group_id is not None:
            Membership.objects.filter(
                group_id=invitation.group_id,
                user_id=invitation.user_id,
                status=Membership.Status.INVITED,
            ).delete()
        invitation.delete()


def calendar_token_rotate(*, user: User) -> str:
    """Replace the secret in the person's feed URL; the old URL stops working at once."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token
