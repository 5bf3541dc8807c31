"""Who may do what to a group, answered from the person's access (see groups.access).

A rule set, not Django permissions: a superuser flag must not bypass a group's
confidentiality (see lib.rules).
"""

import rules

from peerpower.groups.access import access_for
from peerpower.groups.models import PeerGroup
from peerpower.lib.rules import rule


@rules.predicate
def can_view_group(user: object, group: PeerGroup) -> bool:
    return access_for(user).can_view_group(group.pk, group.network_id)


@rules.predicate
def can_manage_group(user: object, group: PeerGroup) -> bool:
    return access_for(user).can_manage_group(group.pk, group.network_id)


@rules.predicate
def is_active_member(user: object, group: PeerGroup) -> bool:
    return access_for(user).is_active(group.pk)


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
