"""Permission predicates for groups, built on the visibility queries.

A django-rules rule set, not Django permissions: a superuser flag must not bypass a group's
confidentiality.
"""

import rules

from peerpower.accounts.models import User
from peerpower.groups.models import Membership, PeerGroup
from peerpower.groups.queries import groups_managed_by, groups_visible_to


@rules.predicate
def can_view_group(user: User, group: PeerGroup) -> bool:
    return groups_visible_to(user).filter(pk=group.pk).exists()


@rules.predicate
def can_manage_group(user: User, group: PeerGroup) -> bool:
    return groups_managed_by(user).filter(pk=group.pk).exists()


@rules.predicate
def is_active_member(user: User, group: PeerGroup) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(
            user=user, group=group, status=Membership.Status.ACTIVE
        ).exists()
    )


rules.add_rule("groups.view", can_view_group)
rules.add_rule("groups.manage", can_manage_group)
rules.add_rule("groups.attend", is_active_member)
