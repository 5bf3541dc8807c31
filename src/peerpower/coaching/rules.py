"""Who may do what in coaching, answered from the person's access (groups.access).

The network's admins give and change engagements and read utilisation, never a session's
agenda, a note or a goal. The member books, moves and cancels their own sessions and keeps
their goals; the coach keeps their profile and hours, moves and cancels, waives a late
cancellation, marks a session held or a no-show and writes notes. A coach whose role was taken
away is no one's coach any more.
"""

from typing import Any

import rules

from peerpower.coaching.models import CoachProfile, Engagement, Goal, Session
from peerpower.groups.access import access_for
from peerpower.lib.rules import rule
from peerpower.networks.models import Network, NetworkRole


def _network_id(obj: Any) -> int:
    return int(obj.pk if isinstance(obj, Network) else obj.network_id)


def _coaches_in(user: object, network_id: int) -> bool:
    return access_for(user).has_role(network_id, NetworkRole.Role.COACH)


@rules.predicate
def administers(user: object, obj: Network | Engagement) -> bool:
    return access_for(user).administers(_network_id(obj))


@rules.predicate
def is_coach_in(user: object, network: Network) -> bool:
    return _coaches_in(user, network.pk)


@rules.predicate
def owns_profile(user: object, profile: CoachProfile) -> bool:
    return profile.user_id == getattr(user, "pk", None) and _coaches_in(user, profile.network_id)


@rules.predicate
def is_member_of(user: object, engagement: Engagement) -> bool:
    return engagement.member_id == getattr(user, "pk", None)


@rules.predicate
def is_coach_of(user: object, engagement: Engagement) -> bool:
    return engagement.coach.user_id == getattr(user, "pk", None) and _coaches_in(
        user, engagement.network_id
    )


@rules.predicate
def is_open(user: object, engagement: Engagement) -> bool:
    return engagement.status == Engagement.Status.ACTIVE


@rules.predicate
def session_member(user: object, session: Session) -> bool:
    return bool(is_member_of(user, session.engagement))


@rules.predicate
def session_coach(user: object, session: Session) -> bool:
    return bool(is_coach_of(user, session.engagement))


@rules.predicate
def goal_member(user: object, goal: Goal) -> bool:
    return bool(is_member_of(user, goal.engagement))


@rules.predicate
def goal_party(user: object, goal: Goal) -> bool:
    return bool(is_member_of(user, goal.engagement) or is_coach_of(user, goal.engagement))


ADMINS = "Only the network's admins can do that."

rule("coaching.manage", administers, refusal=ADMINS, audited=True)
rule(
    "coaching.edit_profile",
    owns_profile,
    refusal="Only the coach can change their own profile and hours.",
)
rule(
    "coaching.see_engagement",
    is_member_of | is_coach_of | administers,
    refusal="This engagement is between its coach and member.",
)
rule("coaching.coach_in", is_coach_in, refusal="Only the network's coaches have a coach profile.")
rule("coaching.coach_engagement", is_coach_of, refusal="Only the coach can do that.")
rule(
    "coaching.book",
    is_member_of & is_open,
    refusal="Only the member can book sessions of an active engagement.",
)
rule(
    "coaching.see_session",
    session_member | session_coach,
    refusal="A session is between its coach and member.",
)
rule(
    "coaching.change_session",
    session_member | session_coach,
    refusal="Only the coach and the member can move or cancel a session.",
)
rule(
    "coaching.coach_session",
    session_coach,
    refusal="Only the coach can do that.",
)
rule(
    "coaching.set_goals",
    is_member_of | is_coach_of,
    refusal="Goals are kept by the coach and the member.",
)
rule(
    "coaching.update_goal",
    goal_member,
    refusal="Only the member rates their progress and links their commitments.",
)
rule(
    "coaching.see_goal",
    goal_party,
    refusal="Goals are kept by the coach and the member.",
)
