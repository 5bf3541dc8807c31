"""Who may change a network's set-up: its own admins, and nobody else (not a superuser, not
an admin of another network). A member may set their own organisation in networks they belong to.

Every rule takes the network, or a row that belongs to one (`network_id`), as its object;
`networks.remind_replies` takes a meeting.
"""

from typing import Protocol

import rules
from django.contrib.auth.models import AnonymousUser

from peerpower.accounts.models import User
from peerpower.groups.access import access_for
from peerpower.lib.rules import rule
from peerpower.meetings.models import Meeting
from peerpower.networks.models import Network


class InNetwork(Protocol):
    network_id: int | None


def _network_id(obj: Network | InNetwork) -> int | None:
    return obj.pk if isinstance(obj, Network) else obj.network_id


@rules.predicate
def administers_network(user: User | AnonymousUser, obj: Network | InNetwork) -> bool:
    network_id = _network_id(obj)
    return (
        user.is_authenticated
        and network_id is not None
        and access_for(user).administers(network_id)
    )


@rules.predicate
def belongs_to_network(user: User | AnonymousUser, network: Network) -> bool:
    """A current member (active or paused, chair included) of one of the network's groups."""
    return user.is_authenticated and any(
        seat.network_id == network.pk and seat.is_current
        for seat in access_for(user).seats.values()
    )


@rules.predicate
def runs_meeting(user: User | AnonymousUser, meeting: Meeting) -> bool:
    """The active chair of the meeting's group, or an admin of its network."""
    if not user.is_authenticated:
        return False
    access = access_for(user)
    return access.is_chair(meeting.group_id) or access.administers(meeting.group.network_id)


ADMINS_ONLY = "Only the network's admins can change this."

rule("networks.manage_venues", administers_network, refusal=ADMINS_ONLY, audited=True)
rule("networks.manage_partners", administers_network, refusal=ADMINS_ONLY, audited=True)
rule("networks.manage_organisations", administers_network, refusal=ADMINS_ONLY, audited=True)
rule("networks.manage_agenda", administers_network, refusal=ADMINS_ONLY, audited=True)
rule("networks.manage_protocols", administers_network, refusal=ADMINS_ONLY, audited=True)
rule("networks.change_settings", administers_network, refusal=ADMINS_ONLY, audited=True)
rule(
    "networks.set_own_organisation",
    belongs_to_network,
    refusal="Only members of the network's groups can say which organisation they lead.",
)
rule(
    "networks.remind_replies",
    runs_meeting,
    refusal="Only the group's chair and the network's admins can chase replies.",
    audited=True,
)
