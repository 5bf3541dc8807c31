"""A group's membership history, and telling the group when someone joins or becomes chair.

Each change of membership adds a `MembershipEvent` (the line on the group page). A newcomer or
a new chair is also announced by email to the group's current members, in the same transaction
that lets them in: `Membership.announced_at` is set then, and the pledge (and so everything
confidential) needs it, down to a database constraint.
"""

from django.db import transaction

from peerpower.accounts.models import User
from peerpower.groups import tasks
from peerpower.groups.models import Membership, MembershipEvent
from peerpower.lib.events import emit


def record(
    *,
    membership: Membership,
    kind: MembershipEvent.Kind,
    by: User | None,
    approved_by: User | None = None,
    proposed_by: User | None = None,
) -> MembershipEvent:
    """Add a line to the group's history (never changed or removed afterwards), and tell
    other systems (webhooks) in the same transaction: every change of membership passes here."""
    event = MembershipEvent.objects.create(
        group_id=membership.group_id,
        user_id=membership.user_id,
        kind=kind,
        role=membership.role,
        by=by,
        approved_by=approved_by,
        proposed_by=proposed_by,
    )
    emit(
        "membership.changed",
        network_id=membership.group.network_id,
        data={
            "membership": membership.pk,
            "group": membership.group_id,
            "person": membership.user_id,
            "name": membership.user.display_name,
            "change": kind,
            "role": membership.role,
            "status": membership.status,
        },
    )
    return event


def announce(
    *,
    membership: Membership,
    kind: MembershipEvent.Kind,
    by: User | None,
    approved_by: User | None = None,
    proposed_by: User | None = None,
) -> MembershipEvent:
    """Record a newcomer or new chair and queue the email to the group's current members.

    Call it inside the transaction that lets the person in; it saves `announced_at` on the
    membership, so the pledge can be accepted only once the group has been told.
    """
    event = record(
        membership=membership, kind=kind, by=by, approved_by=approved_by, proposed_by=proposed_by
    )
    membership.announced_at = event.at
    membership.save(update_fields=["announced_at"])
    event_id = event.pk
    transaction.on_commit(lambda: tasks.send_announcement(event_id=event_id))
    return event
