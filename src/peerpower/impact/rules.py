"""Who may do what with surveys and the evidence drawn from them.

- `impact.answer`: the person invited, and nobody else (an invitation is one person's);
- `impact.manage_surveys`: the network's admins edit its surveys (a new version once sent);
- `impact.see_group_health`: the group's active chair and the network's admins;
- `impact.see_outcomes`: the network's admins;
- `impact.make_case`: a current or invited member of one of the network's groups, or a guest
  who came to one of its meetings and may join (their own trustee business case).

Every action in impact.actions that takes `by` asks one of these first;
tests/impact/test_refusals.py fails for an action that does not.
"""

from typing import Any

import rules

from peerpower.groups.access import access_for
from peerpower.groups.models import PeerGroup
from peerpower.guests.queries import considering_joining
from peerpower.impact.models import Invitation
from peerpower.lib.rules import rule
from peerpower.networks.models import Network
from peerpower.networks.rules import administers_network


@rules.predicate
def is_the_invited(user: Any, invitation: Invitation) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and invitation.user_id == user.pk


@rules.predicate
def chairs_or_administers(user: Any, group: PeerGroup) -> bool:
    access = access_for(user)
    return access.is_chair(group.pk) or access.administers(group.network_id)


@rules.predicate
def in_a_network_group_or_applying(user: Any, network: Network) -> bool:
    """A current member (or chair) of one of the network's groups, one invited to one, or an
    applicant: a guest who came to one of its meetings and may join (before joining is when the
    trustees' permission is asked)."""
    if any(
        seat.network_id == network.pk and seat.status in ("invited", "active", "paused")
        for seat in access_for(user).seats.values()
    ):
        return True
    return considering_joining(user, network) is not None


rule("impact.answer", is_the_invited, refusal="This survey was sent to someone else.")
rule(
    "impact.manage_surveys",
    administers_network,
    refusal="Only the network's admins can change its surveys.",
)
rule(
    "impact.see_group_health",
    chairs_or_administers,
    refusal="Only the group's chair and the network's admins see the group's health.",
)
rule(
    "impact.see_outcomes",
    administers_network,
    refusal="Only the network's admins see the network's outcomes.",
)
rule(
    "impact.make_case",
    in_a_network_group_or_applying,
    refusal="The business case is for members of the network's groups and those applying.",
)
