"""Who may make, revoke and use a personal access token.

A token is made for a network the person has a place in (a current membership of one of its
groups) or a role in (admin, coach, speaker): it can reach nothing the person could not reach
on the pages. Only its owner revokes it. Writing through the API needs a read/write token and,
then, whatever rule the action itself requires (meetings.rsvp for a reply).
"""

import rules
from django.contrib.auth.models import AnonymousUser

from peerpower.accounts.models import User
from peerpower.api.models import AccessToken
from peerpower.groups.access import access_for
from peerpower.lib.rules import rule
from peerpower.networks.models import Network


@rules.predicate
def has_place_in_network(user: User | AnonymousUser, network: Network) -> bool:
    if not user.is_authenticated:
        return False
    access = access_for(user)
    return bool(access.roles.get(network.pk)) or any(
        seat.network_id == network.pk and seat.is_current for seat in access.seats.values()
    )


@rules.predicate
def owns_token(user: User | AnonymousUser, token: AccessToken) -> bool:
    return user.is_authenticated and token.user_id == user.pk


@rules.predicate
def token_writes(user: User | AnonymousUser, token: AccessToken) -> bool:
    return token.can_write


rule(
    "api.create_token",
    has_place_in_network,
    refusal="You can make a token only for a network you belong to.",
)
rule("api.revoke_token", owns_token, refusal="Only the token's owner can revoke it.")
rule(
    "api.write",
    owns_token & token_writes,
    refusal="This token can only read. Make a read and write token to change anything.",
)
