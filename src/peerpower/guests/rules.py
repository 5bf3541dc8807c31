"""Who may do what with guests: the network's admins triage and edit the public page; the
chair of the group a guest is proposed to approves them (where the network asks) and records
their attendance; the guest acts only on their own request; members list organisations they
would rather not meet.

Every action in guests.actions that takes `by` asks one of these first;
tests/guests/test_refusals.py fails for an action that does not. Who *sees* a request is not a
rule here but `guests.queries.requests_visible_to`, which every page showing one goes through.
"""

import rules

from peerpower.groups.access import access_for
from peerpower.groups.models import PeerGroup
from peerpower.guests.models import ConflictFinding, GuestRequest, OrganisationToAvoid
from peerpower.lib.rules import rule
from peerpower.meetings.models import Meeting
from peerpower.networks.rules import administers_network


@rules.predicate
def administers_group_network(user: object, group: PeerGroup) -> bool:
    return access_for(user).administers(group.network_id)


@rules.predicate
def administers_finding_network(user: object, finding: ConflictFinding) -> bool:
    return access_for(user).administers(finding.request.network_id)


@rules.predicate
def chairs_proposed_group(user: object, request: GuestRequest) -> bool:
    """The active chair of the group whose meeting the guest is invited to."""
    return request.meeting_id is not None and access_for(user).is_chair(
        request.meeting.group_id  # type: ignore[union-attr]
    )


@rules.predicate
def runs_the_meeting(user: object, meeting: Meeting) -> bool:
    access = access_for(user)
    return access.is_chair(meeting.group_id) or access.administers(meeting.group.network_id)


@rules.predicate
def is_the_guest(user: object, request: GuestRequest) -> bool:
    return getattr(user, "pk", None) is not None and request.user_id == getattr(user, "pk", None)


@rules.predicate
def is_a_current_member(user: object) -> bool:
    return bool(access_for(user).current_group_ids())


@rules.predicate
def owns_avoid_entry(user: object, entry: OrganisationToAvoid) -> bool:
    return getattr(user, "pk", None) == entry.user_id


ADMINS = "Only the network's admins can do this."

rule("guests.edit_page", administers_network, refusal=ADMINS, audited=True)
rule("guests.edit_group", administers_group_network, refusal=ADMINS, audited=True)
rule(
    "guests.triage",
    administers_network,
    refusal="Only the network's admins see requests.",
    audited=True,
)
rule("guests.decide_finding", administers_finding_network, refusal=ADMINS, audited=True)
rule(
    "guests.chair_decide",
    chairs_proposed_group,
    refusal="Only the chair of the group the guest is invited to can approve them.",
    audited=True,
)
rule(
    "guests.record_attendance",
    runs_the_meeting,
    refusal="Only the group's chair or its network's admins can record attendance.",
    audited=True,
)
rule(
    "guests.visit",
    is_the_guest,
    refusal="Only the guest can do this for their own visit.",
)
rule(
    "guests.avoid",
    is_a_current_member,
    refusal="Only members of a group can list organisations they would rather not meet.",
)
rule(
    "guests.avoid_remove",
    owns_avoid_entry,
    refusal="Only the member who added it can remove it.",
)
