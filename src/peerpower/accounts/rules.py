"""Who may do what with invitations and accounts (see lib.rules and groups.rules).

A group's members are invited by its chair, its chair by the network's admins; network roles
by the network's admins. Only the invitee accepts, and never an invitation they sent
themselves.
"""

import rules

from peerpower.accounts.models import Invitation
from peerpower.groups.access import access_for
from peerpower.lib.rules import rule
from peerpower.networks.models import Network


@rules.predicate
def administers_network(user: object, network: Network) -> bool:
    return access_for(user).administers(network.pk)


@rules.predicate
def may_withdraw(user: object, invitation: Invitation) -> bool:
    access = access_for(user)
    if invitation.group_id is not None and invitation.role == Invitation.Role.MEMBER:
        return access.is_chair(invitation.group_id)
    return access.administers(invitation.network_id)


@rules.predicate
def is_the_invitee(user: object, invitation: Invitation) -> bool:
    return getattr(user, "pk", None) == invitation.user_id


@rules.predicate
def did_not_send_it(user: object, invitation: Invitation) -> bool:
    return getattr(user, "pk", None) != invitation.invited_by_id


rule(
    "accounts.invite_to_network",
    administers_network,
    refusal="Only the network's admins can invite people to it.",
    audited=True,
)
rule(
    "accounts.withdraw_invitation",
    may_withdraw,
    refusal="Only whoever may send this invitation can withdraw it.",
    audited=True,
)
rule(
    "accounts.accept_invitation",
    is_the_invitee,
    refusal="This invitation was sent to another email address.",
)
rule(
    "accounts.accept_invitation_from_another",
    did_not_send_it,
    refusal="You cannot accept an invitation you sent yourself; ask someone else to invite you.",
)
