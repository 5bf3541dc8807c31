"""Erasing a person at their request (the right to erasure), by an admin of their network.

The account is anonymised rather than deleted, so the group's record stays whole (erasure.py
says what happens to each kind of row). Refused for someone who also belongs to another
network (that network's admins answer for it), holds a role in the network, chairs a group or
is in the speaker bureau: those are undone first, each through its own page.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q

from peerpower.accounts.models import Invitation, User, new_calendar_token
from peerpower.api.models import AccessToken
from peerpower.coaching.models import CoachProfile, Goal, GoalUpdate, Session, SessionNote
from peerpower.fees.models import Bursary
from peerpower.formation.models import Candidate
from peerpower.groups.actions import membership_set_status
from peerpower.groups.models import Membership
from peerpower.guests.models import GuestRequest, OrganisationToAvoid
from peerpower.impact.actions import erase_words_of
from peerpower.issues.models import Backing, Issue, MonthlyUpdate, RoomState
from peerpower.lib.rules import require
from peerpower.meetings.models import Participation, ReplyLink
from peerpower.networking.models import (
    Introduction,
    Opportunity,
    OpportunityReply,
    Profile,
    Suggestion,
)
from peerpower.networks.models import Network, NetworkRole
from peerpower.privacy import rules as _rules  # noqa: F401 - registers the rules required here
from peerpower.privacy.erasure import ERASED_NAME
from peerpower.privacy.exports import people_of
from peerpower.speakers.models import FeedbackResponse, Speaker

ERASED = "[erased]"


def _other_networks(person: User, network: Network) -> bool:
    return (
        Membership.objects.filter(user=person).exclude(group__network=network).exists()
        or NetworkRole.objects.filter(user=person).exclude(network=network).exists()
        or GuestRequest.objects.filter(user=person).exclude(network=network).exists()
        or Profile.objects.filter(user=person).exclude(network=network).exists()
    )


def erasure_blockers(person: User, network: Network) -> list[str]:
    """Why this person cannot be erased yet, each a sentence saying what to do first."""
    reasons = []
    if _other_networks(person, network):
        reasons.append(
            "They also belong to another network on this site: its admins answer for what it "
            "holds, so ask the site's operator to erase the account."
        )
    if NetworkRole.objects.filter(user=person, network=network).exists():
        reasons.append(
            "They hold a role in the network (admin, coach or speaker): remove it first."
        )
    if Membership.objects.filter(
        user=person,
        role=Membership.Role.CHAIR,
        status__in=(Membership.Status.ACTIVE, Membership.Status.PAUSED),
    ).exists():
        reasons.append("They chair a group: replace the chair first.")
    if CoachProfile.objects.filter(user=person).exists():
        reasons.append("They are a coach: remove their coach profile first.")
    if Speaker.objects.filter(user=person).exists():
        reasons.append("They are in the speaker bureau: take them out of it first.")
    return reasons


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def person_erase(*, person: User, network: Network, by: User) -> User:
    """Erase a person of the network (erasure.py says what happens to each kind of row). All or
    nothing. The person's sessions end, since an inactive account cannot log in."""
    require(by, "privacy.erase", network)
    if person.pk == by.pk:
        raise ValidationError("You cannot erase yourself: another admin of the network can.")
    if not people_of(network).filter(pk=person.pk).exists():
        raise ValidationError("This person is not one of the network's people.")
    blockers = erasure_blockers(person, network)
    if blockers:
        raise ValidationError(blockers)
    photos: list[str] = []
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        for membership in Membership.objects.filter(
            user=person, status__in=(Membership.Status.ACTIVE, Membership.Status.PAUSED)
        ):
            membership_set_status(membership=membership, status=Membership.Status.LEFT, by=by)
        Membership.objects.filter(
            user=person, status__in=(Membership.Status.PROPOSED, Membership.Status.INVITED)
        ).delete()
        Invitation.objects.filter(user=person).delete()
        AccessToken.objects.filter(user=person).delete()
        own_issues = Issue.objects.filter(presenter=person)
        RoomState.objects.filter(issue__in=own_issues).update(
            issue=None, step=0, step_started_at=None, version=F("version") + 1
        )
        own_issues.delete()
        Backing.objects.filter(user=person).delete()
        MonthlyUpdate.objects.filter(user=person).delete()
        # An apology keeps a reason (a check constraint), so it says only that it is erased.
        Participation.objects.filter(user=person).exclude(apology_reason="").update(
            apology_reason=ERASED
        )
        ReplyLink.objects.filter(user=person).delete()
        GuestRequest.objects.filter(user=person).update(
            name=ERASED_NAME,
            email=f"erased-{person.pk}@erased.invalid",
            job_title="",
            organisation=ERASED,
            registered_number="",
            reason=ERASED,
            preferred_area="",
            heard_from="",
            pending_update=None,
        )
        OrganisationToAvoid.objects.filter(user=person).delete()
        # Their entries in the network's formation pool (by address: a pool entry need not
        # have an account).
        Candidate.objects.filter(network=network, email__iexact=person.email).delete()
        SessionNote.objects.filter(Q(session__member=person) | Q(author=person)).delete()
        Session.objects.filter(member=person).update(agenda="")
        Goal.objects.filter(engagement__member=person).update(title=ERASED)
        GoalUpdate.objects.filter(by=person).delete()
        Bursary.objects.filter(applicant=person).update(reasons=ERASED, income_pounds=0)
        erase_words_of(person)
        # A talk's named rating: the scores stay in the speaker's figures, like anyone's.
        FeedbackResponse.objects.filter(author=person).update(author=None, comment="")
        person.sponsor_of.clear()
        profiles = Profile.objects.filter(user=person)
        photos = [name for name in profiles.values_list("photo", flat=True) if name]
        Profile.objects.filter(user=person).delete()
        Introduction.objects.filter(
            Q(requester=person) | Q(recipient=person) | Q(introduced_by=person)
        ).delete()
        OpportunityReply.objects.filter(sender=person).delete()
        Suggestion.objects.filter(Q(seeker=person) | Q(helper=person)).delete()
        Opportunity.objects.filter(poster=person).delete()  # with the replies to them
        EmailAddress.objects.filter(user=person).delete()
        Authenticator.objects.filter(user=person).delete()
        person.name = ERASED_NAME
        person.email = f"erased-{person.pk}@erased.invalid"
        person.set_unusable_password()
        person.is_active = False
        person.calendar_token = new_calendar_token()
        person.save()
        transaction.on_commit(lambda: _delete_files(photos))
    return person
