"""Business actions on accounts: invitations and their acceptance, the calendar secret.

Who may invite whom is in `accounts.rules` and `groups.rules`: a group's members are invited
by its chair, its chair by the network's admins, network roles by the network's admins; nobody
invites themselves, and nobody accepts an invitation they sent.
"""

from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from peerpower.accounts import rules as _rules  # noqa: F401 - registers the rules required here
from peerpower.accounts.invitations import issue_invitation
from peerpower.accounts.models import Invitation, User, hash_token, new_calendar_token
from peerpower.groups import history
from peerpower.groups import rules as _group_rules  # noqa: F401 - registers the group rules
from peerpower.groups.access import forget_access
from peerpower.groups.joining import (
    clean_email,
    close_unjoined,
    join,
    open_membership,
    refuse_self,
    user_for_email,
)
from peerpower.groups.models import Membership, MembershipEvent, PeerGroup
from peerpower.lib.rules import require
from peerpower.lib.undo import Undo
from peerpower.networks.models import Network, NetworkRole


def invitation_create(
    *,
    network: Network,
    role: str,
    email: str,
    name: str = "",
    group: PeerGroup | None = None,
    by: User,
) -> Invitation:
    """Invite someone by email to a network role, or into a group, and queue the email.

    Into a group: a member only by the group's chair; a chair only by the network's admins, to
    a group that has none (`groups.actions.chair_replace` replaces a chair). The person's
    account is created now (without a password) so that their membership can exist, as
    `invited`, from the start; they choose a password when they accept. Locks the person's
    membership of the group, if they have one.
    """
    if role not in Invitation.Role.values:
        raise ValidationError({"role": "Choose a role."})
    is_group_role = role in Invitation.GROUP_ROLES
    if is_group_role != (group is not None):
        raise ValidationError(
            {"role": "Chairs and members are invited to a group; other roles to the network."}
        )
    if group is None:
        require(by, "accounts.invite_to_network", network)
    elif role == Invitation.Role.MEMBER:
        require(by, "groups.invite_member", group)
    else:
        require(by, "groups.invite_chair", group)
    if group is not None and group.network_id != network.pk:
        raise ValidationError("That group belongs to another network.")
    email = clean_email(email)
    refuse_self(email, by)

    with transaction.atomic():
        user = user_for_email(email, name.strip())
        if group is not None:
            membership = open_membership(
                group=group, user=user, role=role, status=Membership.Status.INVITED
            )
            history.record(membership=membership, kind=MembershipEvent.Kind.INVITED, by=by)
        else:
            label = Invitation.Role(role).label
            if NetworkRole.objects.filter(network=network, user=user, role=role).exists():
                raise ValidationError({"email": f"{email} is already a {label} of {network.name}."})
            if Invitation.objects.filter(
                network=network,
                group=None,
                user=user,
                role=role,
                accepted_at=None,
                expires_at__gt=timezone.now(),
            ).exists():
                raise ValidationError({"email": f"{email} has already been invited as {label}."})
        return issue_invitation(network=network, group=group, user=user, role=role, by=by)


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token opens (tokens are stored only as their hash), if any."""
    return (
        Invitation.objects.select_related("network", "group", "user", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def invitation_accept(*, invitation: Invitation, user: User, password: str | None = None) -> None:
    """Accept for `user` (who must be the invitee, and not the one who sent it): set their
    password if they have none, trust their email (they proved it by following the link) and
    give them the role. Joining a group announces them to it first (`groups.joining.join`)."""
    require(user, "accounts.accept_invitation", invitation)
    require(user, "accounts.accept_invitation_from_another", invitation)
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
            join(invitation=invitation, user=user)
        else:
            NetworkRole.objects.get_or_create(
                network_id=invitation.network_id, user=user, role=invitation.role
            )
    forget_access(user)


def invitation_revoke(*, invitation: Invitation, by: User) -> dict[str, Any]:
    """Withdraw a pending invitation. A group invitation also closes the invited membership (a
    former member is former again); the group's history keeps the line.

    Returns what `invitation_restore` needs to put it back (for `lib.undo`): the invitation's
    fields, its token's hash among them (never the token), and the membership it closed."""
    require(by, "accounts.withdraw_invitation", invitation)
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has been accepted; change the membership instead.")
    kept: dict[str, Any] = {
        name: getattr(invitation, name)
        for name in (*_INVITATION_KEPT, "replaces_chair_id", "invited_by_id")
    }
    kept["id"] = invitation.pk
    kept["created_at"] = invitation.created_at.isoformat()
    kept["expires_at"] = invitation.expires_at.isoformat()
    kept["membership"] = None
    with transaction.atomic():
        if invitation.group_id is not None:
            membership = (
                Membership.objects.select_for_update()
                .filter(group_id=invitation.group_id, user_id=invitation.user_id)
                .first()
            )
            if membership is not None:
                if membership.status in (Membership.Status.PROPOSED, Membership.Status.INVITED):
                    kept["membership"] = {
                        "role": membership.role,
                        "status": membership.status,
                        "proposed_by_id": membership.proposed_by_id,
                    }
                history.record(membership=membership, kind=MembershipEvent.Kind.WITHDRAWN, by=by)
                close_unjoined(membership=membership)
        invitation.delete()
    return kept


# The fields `invitation_revoke` keeps for an undo, as they are.
_INVITATION_KEPT = (
    "network_id",
    "group_id",
    "user_id",
    "role",
    "token_hash",
    "old_chair_becomes",
)


def invitation_restore(*, undo: Undo, by: User) -> Invitation:
    """Undo a withdrawal (`lib.undo`): the person who withdrew it, within the undo minutes, and
    only while they may still send it and it has not expired. The same link works again (the
    same token's hash), so nothing is emailed; the invited membership opens again and the
    group's history says so. Refused if the person has been invited again, or has joined, since.
    Locks the person's membership of the group, if they have one."""
    data = undo.data
    invitation = Invitation(
        **{name: data[name] for name in _INVITATION_KEPT},
        invited_by_id=data["invited_by_id"],
        created_at=datetime.fromisoformat(data["created_at"]),
        expires_at=datetime.fromisoformat(data["expires_at"]),
    )
    require(by, "accounts.withdraw_invitation", invitation)
    undo.require_open(by.pk)
    if invitation.expires_at <= timezone.now():
        raise ValidationError("This invitation has expired meanwhile; send a new one.")
    with transaction.atomic():
        if Invitation.objects.filter(token_hash=invitation.token_hash).exists():
            raise ValidationError("This invitation is already back.")
        if data["replaces_chair_id"] is not None:
            invitation.replaces_chair = Membership.objects.filter(
                pk=data["replaces_chair_id"]
            ).first()
        kept = data["membership"]
        if invitation.group_id is not None and kept is not None:
            try:
                membership = open_membership(
                    group=PeerGroup.objects.get(pk=invitation.group_id),
                    user=User.objects.get(pk=invitation.user_id),
                    role=kept["role"],
                    status=Membership.Status(kept["status"]),
                    proposed_by=User.objects.filter(pk=kept["proposed_by_id"]).first(),
                )
            except ValidationError as taken:
                raise ValidationError(
                    f"{taken.message_dict['email'][0]} Their new invitation stands."
                ) from taken
            history.record(membership=membership, kind=MembershipEvent.Kind.INVITED, by=by)
        elif invitation.group_id is None and (
            Invitation.objects.filter(
                network_id=invitation.network_id,
                group=None,
                user_id=invitation.user_id,
                role=invitation.role,
                accepted_at=None,
            ).exists()
            or NetworkRole.objects.filter(
                network_id=invitation.network_id, user_id=invitation.user_id, role=invitation.role
            ).exists()
        ):
            raise ValidationError("They have been invited again since; that invitation stands.")
        # Back under its own id where that is free, so an email still queued for it (withdrawn
        # before the worker sent it) goes out after all.
        if data.get("id") and not Invitation.objects.filter(pk=data["id"]).exists():
            invitation.pk = data["id"]
        invitation.save()
    return invitation


def calendar_token_rotate(*, user: User) -> str:
    """Replace the secret in the person's feed URL; the old URL stops working at once."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token
