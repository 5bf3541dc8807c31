"""What a network's admins see of its webhooks."""

from django.db.models import QuerySet

from peerpower.networks.models import Network
from peerpower.webhooks.models import Delivery, Endpoint


def endpoints_of(network: Network) -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(network=network)


def deliveries_of(endpoint: Endpoint) -> QuerySet[Delivery]:
    return Delivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-pk")
