"""Values every page's navigation needs."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from peerpower.fees.queries import is_sponsor_contact
from peerpower.groups.access import access_for
from peerpower.guests.queries import is_guest_only
from peerpower.networks.models import NetworkRole


def navigation(request: HttpRequest) -> dict[str, object]:
    # Lazy: pages without the navigation bar (and anonymous ones) never ask; the networks come
    # from the request's access, so a page that also looked its network up asks once.
    return {
        "nav_networks": SimpleLazyObject(lambda: access_for(request.user).administered_networks()),
        # A guest's account reaches only the guest pages (guests.middleware).
        "nav_is_guest": SimpleLazyObject(lambda: is_guest_only(request.user)),
        # Groups, Commitments and Calendar are for people in a group (or running a network):
        # a coach's or speaker's menu does not offer three empty pages.
        "nav_in_groups": SimpleLazyObject(
            lambda: bool(
                access_for(request.user).current_group_ids()
                or access_for(request.user).administered_network_ids()
            )
        ),
        # Coaching: for coaches and people in a group (from the access already loaded).
        "nav_coaching": SimpleLazyObject(
            lambda: bool(
                access_for(request.user).current_group_ids()
                or any(
                    NetworkRole.Role.COACH in roles
                    for roles in access_for(request.user).roles.values()
                )
            )
        ),
        # A sponsor's contact finds their sponsor's page here. Asked only of someone with no
        # seat and no network role at all (base.html's elif), so a coach's, a speaker's or a
        # member's page asks nothing more.
        "nav_is_sponsor": SimpleLazyObject(
            lambda: (
                not access_for(request.user).seats
                and not access_for(request.user).roles
                and is_sponsor_contact(request.user)
            )
        ),
        # Networking: anyone in a network, from the access already loaded (no query).
        "nav_in_network": SimpleLazyObject(
            lambda: bool(
                access_for(request.user).current_group_ids()
                or any(access_for(request.user).roles.values())
            )
        ),
    }
