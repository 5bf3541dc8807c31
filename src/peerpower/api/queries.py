"""Which tokens a person sees, which networks they may make one for, and the one lookup that
turns a presented token into its row."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from peerpower.accounts.models import User, hash_token
from peerpower.api.models import AccessToken
from peerpower.groups.access import access_for
from peerpower.networks.models import Network


def tokens_of(user: User) -> QuerySet[AccessToken]:
    """The person's own tokens, newest first (revoked and expired ones too, marked so)."""
    return AccessToken.objects.filter(user=user).select_related("network")


def networks_for_tokens(user: User) -> QuerySet[Network]:
    """Networks the person has a current place or a role in (rule api.create_token)."""
    access = access_for(user)
    ids = set(access.roles) | {s.network_id for s in access.seats.values() if s.is_current}
    return Network.objects.filter(pk__in=ids).order_by("name")


def token_for(raw: str) -> AccessToken | None:
    """The usable token presented as `raw`: not revoked, not expired, its owner active.
    Asked on every API request, so a revocation or an expiry holds from the next one."""
    if not raw.startswith(AccessToken.PREFIX):
        return None
    return (
        AccessToken.objects.select_related("user", "network")
        .filter(
            Q(revoked_at__isnull=True),
            token_hash=hash_token(raw),
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )
