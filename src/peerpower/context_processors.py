"""Values every page's navigation needs."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from peerpower.networks.queries import networks_administered_by


def navigation(request: HttpRequest) -> dict[str, object]:
    # Lazy: pages without the navigation bar (and anonymous ones) never run the query.
    return {"nav_networks": SimpleLazyObject(lambda: list(networks_administered_by(request.user)))}
