"""Who may do what to a group, answered from the person's access (see groups.access).

A rule set, not Django permissions: a superuser flag must not bypass a group's
confidentiality (see lib.rules). Joining is the chair's to control: only the chair invites
members or approves a network admin's proposal, and nobody approves their own joining. A
network admin invites a group's chair (never themselves) and may replace one.
"""

import rules

from peerpower.groups.access import access_for
from peerpower.groups.models import Membership, PeerGroup
from peerpower.lib.rules import rule
from peerpower.networks.models import Network


@rules.predicate
def can_view_group(user: object, group: PeerGroup) -> bool:
    return access_for(user).can_view_group(group.pk, group.network_id)


@rules.predicate
def can_manage_group(user: object, group: PeerGroup) -> bool:
    return access_for(user).can_manage_group(group.pk, group.network_id)


@rules.predicate
def is_active_member(user: object, group: PeerGroup) -> bool:
    return access_for(user).is_active(group.pk)


@rules.predicate
def is_group_chair(user: object, group: PeerGroup) -> bool:
    return access_for(user).is_chair(group.pk)


@rules.predicate
def administers_group_network(user: object, group: PeerGroup) -> bool:
    return access_for(user).administers(group.network_id)


@rules.predicate
def administers_network(user: object, network: Network) -> bool:
    return access_for(user).administers(network.pk)


def _has_chair(group: PeerGroup, statuses: tuple[str, ...]) -> bool:
    return Membership.objects.filter(
        group=group, role=Membership.Role.CHAIR, status__in=statuses
    ).exists()


@rules.predicate
def group_has_no_chair(user: object, group: PeerGroup) -> bool:
    return not _has_chair(group, Membership.HOLDS_PLACE)


@rules.predicate
def group_has_current_chair(user: object, group: PeerGroup) -> bool:
    return _has_chair(group, Membership.CURRENT)


@rules.predicate
def chairs_membership_group(user: object, membership: Membership) -> bool:
    return access_for(user).is_chair(membership.group_id)


@rules.predicate
def is_someone_else(user: object, membership: Membership) -> bool:
    return getattr(user, "pk", None) != membership.user_id


@rules.predicate
def manages_membership_group(user: object, membership: Membership) -> bool:
    group = membership.group
    return access_for(user).can_manage_group(group.pk, group.network_id)


@rules.predicate
def is_the_member(user: object, membership: Membership) -> bool:
    return getattr(user, "pk", None) == membership.user_id


@rules.predicate
def is_current_plain_member(user: object, membership: Membership) -> bool:
    """The person's own current membership as a member (a chair hands over first)."""
    seat = access_for(user).seat(membership.group_id)
    return (
        getattr(user, "pk", None) == membership.user_id
        and seat is not None
        and seat.is_current
        and seat.role == Membership.Role.MEMBER
    )


rule(
    "groups.view",
    can_view_group,
    refusal="Only the group's members and its network's admins can see it.",
)
rule(
    "groups.manage",
    can_manage_group,
    refusal="Only the group's chair or its network's admins can do this.",
)
rule("groups.attend", is_active_member, refusal="Only the group's active members can do this.")
rule(
    "groups.create",
    administers_network,
    refusal="Only the network's admins can set up a group.",
    audited=True,
)
rule(
    "groups.edit",
    can_manage_group,
    refusal="Only the group's chair or its network's admins can change the group.",
    audited=True,
)
rule(
    "groups.invite_member",
    is_group_chair,
    refusal="Only the group's chair invites members. A network admin can propose someone.",
    audited=True,
)
rule(
    "groups.propose_member",
    administers_group_network,
    refusal="Only the network's admins can propose a member; the chair invites directly.",
)
rule(
    "groups.approve_member",
    chairs_membership_group & is_someone_else,
    refusal="Only the group's chair can approve a proposal, and nobody approves their own.",
    audited=True,
)
rule(
    "groups.invite_chair",
    administers_group_network & group_has_no_chair,
    refusal="Only the network's admins invite a chair, and only to a group without one.",
    audited=True,
)
rule(
    "groups.replace_chair",
    administers_group_network & group_has_current_chair,
    refusal="Only the network's admins can replace a group's chair.",
    audited=True,
)
rule(
    "groups.set_status",
    manages_membership_group,
    refusal="Only the group's chair or its network's admins can change a membership.",
    audited=True,
)
rule(
    "groups.accept_pledge",
    is_the_member,
    refusal="Only the member can accept the pledge for themselves.",
)
rule(
    "groups.leave",
    is_current_plain_member,
    refusal="Only the member can leave the group for themselves; a chair is replaced first.",
)
