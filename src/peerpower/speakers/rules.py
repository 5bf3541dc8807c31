"""Who may do what in the speaker bureau, answered from the person's access (groups.access).

The bureau is the network's: its admins and the current members of its groups read it; admins
and chairs add contacts and see contact details; a speaker edits their own profile and answers
their own bookings. A speaker holds no seat in any group, so every group page (and every issues
page) stays a 404 to them.
"""

from typing import Any

import rules

from peerpower.groups.access import access_for
from peerpower.lib.rules import rule
from peerpower.meetings.models import Meeting
from peerpower.networks.models import Network, NetworkRole
from peerpower.speakers.models import Booking, Resource, Speaker


def _network_id(obj: Any) -> int:
    return int(obj.pk if isinstance(obj, Network) else obj.network_id)


def is_member_in(user: object, network_id: int) -> bool:
    access = access_for(user)
    return any(s.is_current and s.network_id == network_id for s in access.seats.values())


def chairs_in(user: object, network_id: int) -> bool:
    access = access_for(user)
    return any(s.is_chair and s.network_id == network_id for s in access.seats.values())


def speaks_for(user: object, network_id: int) -> bool:
    return access_for(user).has_role(network_id, NetworkRole.Role.SPEAKER)


@rules.predicate
def can_see_bureau(user: object, network: Network) -> bool:
    access = access_for(user)
    return access.administers(network.pk) or is_member_in(user, network.pk)


@rules.predicate
def admin_or_chair(user: object, obj: Network | Speaker) -> bool:
    network_id = _network_id(obj)
    return access_for(user).administers(network_id) or chairs_in(user, network_id)


@rules.predicate
def administers(user: object, obj: Network | Speaker) -> bool:
    return access_for(user).administers(_network_id(obj))


@rules.predicate
def is_the_speaker(user: object, speaker: Speaker) -> bool:
    return (
        speaker.user_id is not None
        and speaker.user_id == getattr(user, "pk", None)
        and speaks_for(user, speaker.network_id)
    )


@rules.predicate
def can_see_profile(user: object, speaker: Speaker) -> bool:
    return bool(is_the_speaker(user, speaker)) or bool(can_see_bureau(user, speaker.network))


@rules.predicate
def manages_meeting(user: object, meeting: Meeting) -> bool:
    group = meeting.group
    return access_for(user).can_manage_group(group.pk, group.network_id)


@rules.predicate
def manages_booking(user: object, booking: Booking) -> bool:
    return bool(manages_meeting(user, booking.meeting))


@rules.predicate
def manages_bookings(user: object, obj: Network | Meeting | Booking) -> bool:
    """Who books, withdraws and looks after speakers' bookings: for a booking or a meeting,
    its group's active chair and its network's admins; for a network (the booking page,
    before a meeting is chosen), its admins and the chairs of its groups."""
    if isinstance(obj, Booking):
        return bool(manages_booking(user, obj))
    if isinstance(obj, Meeting):
        return bool(manages_meeting(user, obj))
    return bool(admin_or_chair(user, obj))


@rules.predicate
def can_delete_resource(user: object, resource: Resource) -> bool:
    """Whoever manages the booking removes any of its files; the speaker, while the booking
    stands, the ones they attached."""
    booking = resource.booking
    if manages_booking(user, booking):
        return True
    return (
        booking.is_live
        and bool(is_booked_speaker(user, booking))
        and resource.uploaded_by_id == getattr(user, "pk", None)
    )


@rules.predicate
def is_booked_speaker(user: object, booking: Booking) -> bool:
    return bool(is_the_speaker(user, booking.speaker))


@rules.predicate
def is_not_the_speaker(user: object, booking: Booking) -> bool:
    return booking.speaker.user_id != getattr(user, "pk", None)


@rules.predicate
def is_active_member_of_booking(user: object, booking: Booking) -> bool:
    return access_for(user).is_active(booking.meeting.group_id)


@rules.predicate
def can_read_resource(user: object, resource: Resource) -> bool:
    """The booking's speaker and managers; the group's members once the talk has begun."""
    booking = resource.booking
    # A withdrawn or declined speaker keeps no access to the talk's files.
    if (booking.is_live and is_booked_speaker(user, booking)) or manages_booking(user, booking):
        return True
    meeting = booking.meeting
    return (
        access_for(user).is_current(meeting.group_id)
        and booking.status == Booking.Status.ACCEPTED
        and not meeting.is_cancelled
        and meeting.has_started()
    )


@rules.predicate
def sees_network_programme(user: object, network: Network) -> bool:
    return bool(admin_or_chair(user, network))


MANAGE = "Only the group's chair or its network's admins can book speakers for its meetings."

rule(
    "speakers.see_bureau",
    can_see_bureau,
    refusal="Only the network's admins and its groups' members can see its speakers.",
)
rule("speakers.see_profile", can_see_profile, refusal="You cannot see this speaker.")
rule(
    "speakers.see_contact",
    admin_or_chair,
    refusal="Only the network's admins and its groups' chairs see speakers' contact details.",
)
rule(
    "speakers.add_contact",
    admin_or_chair,
    refusal="Only the network's admins and its groups' chairs can add a speaker.",
    audited=True,
)
rule(
    "speakers.edit_profile",
    is_the_speaker | administers,
    refusal="Only the speaker and the network's admins can change this profile.",
)


@rules.predicate
def is_speaker_of(user: object, network: Network) -> bool:
    return speaks_for(user, network.pk)


@rules.predicate
def manages_group(user: object, group: Any) -> bool:
    return access_for(user).can_manage_group(group.pk, group.network_id)


rule(
    "speakers.write_own_profile",
    is_speaker_of,
    refusal="Only the network's speakers have a profile of their own to write.",
)
rule(
    "speakers.invite",
    administers,
    refusal="Only the network's admins can invite a speaker to log in.",
    audited=True,
)
rule(
    "speakers.keep_bureau",
    administers,
    refusal="Only the network's admins keep the bureau's topics and settings.",
    audited=True,
)
# One rule for booking a speaker, withdrawing a booking, and every page and button of it.
rule("speakers.manage_booking", manages_bookings, refusal=MANAGE, audited=True)
rule(
    "speakers.answer",
    is_booked_speaker,
    refusal="Only the speaker who was asked can answer this booking.",
)
rule(
    "speakers.see_booking",
    is_booked_speaker | manages_booking,
    refusal="Only the speaker and the group's chair and admins can see this booking.",
)
rule(
    "speakers.upload",
    is_booked_speaker | manages_booking,
    refusal="Only the speaker and the group's chair and admins can attach files to this talk.",
)
rule(
    "speakers.delete_resource",
    can_delete_resource,
    refusal="Only the group's chair and admins, and the speaker for their own files, can remove"
    " this file.",
)
rule(
    "speakers.read_resource",
    can_read_resource,
    refusal="You cannot open this file.",
)
rule(
    "speakers.rate",
    is_active_member_of_booking & is_not_the_speaker,
    refusal="Only the group's members can rate its speakers, and not their own talk.",
)
rule(
    "speakers.see_feedback",
    is_booked_speaker | manages_booking,
    refusal="Only the speaker and the group's chair and admins see the feedback.",
)
rule(
    "speakers.see_programme",
    manages_group,
    refusal="Only the group's chair and its network's admins see its speaker programme.",
)
rule(
    "speakers.see_network_programme",
    sees_network_programme,
    refusal="Only the network's admins and chairs see the network's programme.",
)
