"""Issuing an invitation: the token, the row and the email. The checks of who may invite whom
are the callers' (accounts.actions and groups.actions), which call `require` first."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from peerpower.accounts import tasks
from peerpower.accounts.models import Invitation, User, hash_token
from peerpower.groups.models import Membership, PeerGroup
from peerpower.networks.models import Network


def issue_invitation(
    *,
    network: Network,
    group: PeerGroup | None,
    user: User,
    role: str,
    by: User,
    replaces_chair: Membership | None = None,
    old_chair_becomes: str = "",
) -> Invitation:
    """Create the invitation (only the token's hash is stored) and queue its email on commit."""
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
        replaces_chair=replaces_chair,
        old_chair_becomes=old_chair_becomes,
    )
    transaction.on_commit(lambda: tasks.send_invitation(invitation_id=invitation.pk, token=token))
    return invitation
