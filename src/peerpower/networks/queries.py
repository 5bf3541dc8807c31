"""Which networks a person runs."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from peerpower.accounts.models import User
from peerpower.networks.models import Network, NetworkRole


def networks_administered_by(user: User | AnonymousUser) -> QuerySet[Network]:
    if not user.is_authenticated:
        return Network.objects.none()
    return Network.objects.filter(
        id__in=NetworkRole.objects.filter(user=user, role=NetworkRole.Role.ADMIN).values(
            "network_id"
        )
    )


def is_network_admin(user: User, network_id: int) -> bool:
    return (
        user.is_authenticated
        and NetworkRole.objects.filter(
            user=user, network_id=network_id, role=NetworkRole.Role.ADMIN
        ).exists()
    )
