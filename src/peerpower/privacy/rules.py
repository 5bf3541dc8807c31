"""Who may read a copy of a person's data: the person, always; a network's admins, for people
of their network (and then never the confidential sections: exports.py)."""

import rules
from django.contrib.auth.models import AnonymousUser

from peerpower.accounts.models import User
from peerpower.groups.access import access_for
from peerpower.lib.rules import rule
from peerpower.networks.models import Network
from peerpower.networks.rules import administers_network, belongs_to_network


@rules.predicate
def is_self(user: User | AnonymousUser, person: User) -> bool:
    return user.is_authenticated and user.pk == person.pk


@rules.predicate
def has_role_in_network(user: User | AnonymousUser, network: Network) -> bool:
    return user.is_authenticated and bool(access_for(user).roles.get(network.pk))


rule(
    "privacy.see_retention",
    belongs_to_network | has_role_in_network,
    refusal="Only the network's people can read how long it keeps what.",
)
rule(
    "privacy.download_own",
    is_self,
    refusal="Only the person themselves can download their own data.",
)
rule(
    "privacy.answer_request",
    administers_network,
    refusal="Only the network's admins can answer a request for a person's data.",
)
rule(
    "privacy.erase",
    administers_network,
    refusal="Only the network's admins can erase a person.",
    audited=True,
)
