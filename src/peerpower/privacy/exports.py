"""Everything Peer Power holds about one person, section by section: for their own download
(the right of access), and for a network admin answering a request on their behalf.

What the person said in confidence (their issues, commitments, check-ins, which issues they
supported and read, the organisations they will not share a room with) is theirs to download
and nobody else's: the admin's copy leaves those sections out and says so, as it leaves out the
reasons a member gave for an apology, which admins never see. Other people's words are in
neither: not the notes taken on someone's issue, not other people's issues the person supported
(only that they did), not anonymous feedback (by design, it is linked to nobody).

A new app that stores something about a person adds its section here, and
tests/privacy/test_exports.py fails until every model with a link to a user is either in a
section or named in NOT_EXPORTED with the reason.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.timezone import localtime

from peerpower.accounts.models import Invitation, User
from peerpower.api.models import AccessToken
from peerpower.audit.models import AuditEntry
from peerpower.coaching.models import (
    CoachProfile,
    Engagement,
    Goal,
    GoalUpdate,
    Session,
    SessionNote,
)
from peerpower.fees.models import Bursary, Place, Sponsor
from peerpower.groups.models import Membership, MembershipEvent
from peerpower.guests.models import GuestRequest, OrganisationToAvoid
from peerpower.impact import models as impact
from peerpower.issues.models import Backing, Commitment, Issue, IssueView, MonthlyUpdate
from peerpower.meetings.models import Participation
from peerpower.networking.models import Introduction, Opportunity, OpportunityReply, Profile
from peerpower.networks.models import Network, NetworkRole
from peerpower.privacy.models import Consent
from peerpower.speakers.models import Booking, FeedbackResponse, Speaker


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: Callable[[User], QuerySet[Any]]
    fields: tuple[str, ...]
    # The lookup from a row to its network, for the admin's copy (None: the person's own row).
    network: str | None
    # Only in the person's own copy: what they said in confidence.
    confidential: bool = False
    # Fields left out of the admin's copy.
    private_fields: tuple[str, ...] = ()


SECTIONS: tuple[Section, ...] = (
    Section(
        "account",
        "Account",
        lambda u: User.objects.filter(pk=u.pk),
        (
            "email",
            "name",
            "time_zone",
            "date_joined",
            "last_login",
            "is_active",
            "remind_week_before",
            "remind_day_before",
            "remind_coaching_day_before",
            "remind_coaching_hour_before",
        ),
        network=None,
    ),
    Section(
        "network_roles",
        "Roles in networks",
        lambda u: NetworkRole.objects.filter(user=u).order_by("created_at"),
        ("network__name", "role", "created_at"),
        network="network",
    ),
    Section(
        "memberships",
        "Places in groups",
        lambda u: Membership.objects.filter(user=u).order_by("invited_at"),
        (
            "group__name",
            "group__network__name",
            "role",
            "status",
            "organisation__name",
            "invited_at",
            "joined_on",
            "left_on",
            "pledge_accepted_at",
        ),
        network="group__network",
    ),
    Section(
        "membership_history",
        "History in groups",
        lambda u: MembershipEvent.objects.filter(user=u).order_by("at"),
        ("group__name", "kind", "role", "at"),
        network="group__network",
    ),
    Section(
        "invitations",
        "Invitations",
        lambda u: Invitation.objects.filter(user=u).order_by("created_at"),
        ("network__name", "group__name", "role", "created_at", "expires_at", "accepted_at"),
        network="network",
    ),
    Section(
        "replies",
        "Replies to meetings, and attendance",
        lambda u: Participation.objects.filter(user=u).order_by("meeting__starts_at"),
        (
            "meeting__group__name",
            "meeting__starts_at",
            "rsvp",
            "apology_reason",
            "responded_at",
            "attendance",
        ),
        network="meeting__group__network",
        private_fields=("apology_reason",),
    ),
    Section(
        "issues",
        "Issues brought to a meeting",
        lambda u: Issue.objects.filter(presenter=u).order_by("created_at"),
        (
            "group__name",
            "meeting__starts_at",
            "question",
            "why_now",
            "tried",
            "help_wanted",
            "urgency",
            "status",
            "created_at",
        ),
        network="group__network",
        confidential=True,
    ),
    Section(
        "commitments",
        "Commitments",
        lambda u: Commitment.objects.filter(member=u).order_by("created_at"),
        ("issue__group__name", "text", "due_on", "status", "report", "reported_at"),
        network="issue__group__network",
        confidential=True,
    ),
    Section(
        "check_ins",
        "Check-ins",
        lambda u: MonthlyUpdate.objects.filter(user=u).order_by("created_at"),
        ("meeting__group__name", "meeting__starts_at", "work", "personal", "comment"),
        network="meeting__group__network",
        confidential=True,
    ),
    Section(
        "support",
        "Issues supported (someone else's, so only the meeting is named)",
        lambda u: Backing.objects.filter(user=u).order_by("created_at"),
        ("issue__group__name", "issue__meeting__starts_at", "created_at"),
        network="issue__group__network",
        confidential=True,
    ),
    Section(
        "issue_reads",
        "Days an issue was read (the group's access log)",
        lambda u: IssueView.objects.filter(user=u).order_by("day"),
        ("issue__group__name", "issue__meeting__starts_at", "day"),
        network="issue__group__network",
        confidential=True,
    ),
    Section(
        "organisations_to_avoid",
        "Organisations not to share a room with",
        lambda u: OrganisationToAvoid.objects.filter(user=u).order_by("pk"),
        ("name",),
        network=None,
        confidential=True,
    ),
    Section(
        "speaker_profiles",
        "Speaker profiles",
        lambda u: Speaker.objects.filter(user=u).order_by("created_at"),
        (
            "network__name",
            "name",
            "headline",
            "biography",
            "tags",
            "talks",
            "format",
            "regions",
            "fee",
            "fee_notes",
            "availability",
            "email",
            "phone",
            "created_at",
        ),
        network="network",
    ),
    Section(
        "talks",
        "Talks",
        lambda u: Booking.objects.filter(speaker__user=u).order_by("created_at"),
        (
            "meeting__group__name",
            "meeting__starts_at",
            "talk_title",
            "status",
            "decline_reason",
            "other_dates",
            "created_at",
            "answered_at",
        ),
        network="speaker__network",
    ),
    Section(
        "networking_profiles",
        "Networking profiles",
        lambda u: Profile.objects.filter(user=u).order_by("pk"),
        (
            "network__name",
            "enabled",
            "name_visibility",
            "organisation__name",
            "organisation_visibility",
            "photo",
            "photo_visibility",
            "headline",
            "headline_visibility",
            "biography",
            "biography_visibility",
            "help_text",
            "help_visibility",
            "seek_text",
            "seek_visibility",
            "website",
            "linkedin",
            "links_visibility",
            "phone",
            "introductions_open",
            "digest",
            "updated_at",
        ),
        network="network",
        # An admin sees of a profile only what its owner shows the whole network: the
        # admin's copy keeps the choices and leaves the words out.
        private_fields=(
            "photo",
            "headline",
            "biography",
            "help_text",
            "seek_text",
            "website",
            "linkedin",
            "phone",
        ),
    ),
    Section(
        "introductions_asked",
        "Introductions you asked for (your own answer only: nobody is told of a no)",
        lambda u: Introduction.objects.filter(requester=u).order_by("created_at"),
        (
            "network__name",
            "recipient__name",
            "introduced_by__name",
            "reason",
            "created_at",
            "requester_accepted_at",
            "requester_declined_at",
        ),
        network="network",
        private_fields=("reason",),
    ),
    Section(
        "introductions_received",
        "Introductions asked of you (your own answer only; the reason is the asker's words)",
        lambda u: Introduction.objects.filter(recipient=u).order_by("created_at"),
        (
            "network__name",
            "requester__name",
            "introduced_by__name",
            "created_at",
            "recipient_accepted_at",
            "recipient_declined_at",
        ),
        network="network",
    ),
    Section(
        "introductions_made",
        "Introductions you made as a chair (never whether either said no)",
        lambda u: Introduction.objects.filter(introduced_by=u).order_by("created_at"),
        ("network__name", "requester__name", "recipient__name", "reason", "created_at"),
        network="network",
        private_fields=("reason",),
    ),
    Section(
        "opportunities_posted",
        "Opportunities you posted",
        lambda u: Opportunity.objects.filter(poster=u).order_by("created_at"),
        (
            "network__name",
            "kind",
            "title",
            "description",
            "closes_on",
            "extended_from",
            "closed_at",
            "region",
            "created_at",
        ),
        network="network",
    ),
    Section(
        "opportunity_replies",
        "Your replies to opportunities (to their posters only)",
        lambda u: OpportunityReply.objects.filter(sender=u).order_by("created_at"),
        ("opportunity__network__name", "opportunity__title", "message", "created_at"),
        network="opportunity__network",
        private_fields=("message",),
    ),
    Section(
        "guest_requests",
        "Requests to visit a group as a guest",
        lambda u: GuestRequest.objects.filter(Q(user=u) | Q(email__iexact=u.email)).order_by(
            "created_at"
        ),
        (
            "network__name",
            "status",
            "name",
            "email",
            "job_title",
            "organisation",
            "registered_number",
            "sector",
            "income_band",
            "region",
            "reason",
            "preferred_area",
            "heard_from",
            "created_at",
            "confirmed_at",
            "meeting__starts_at",
            "visited_at",
            "usefulness",
            "would_join",
            "held_back",
            "held_back_other",
            "hopes",
            "time_commitment",
            "trustees_view",
            "applied_at",
        ),
        network="network",
    ),
    Section(
        "coach_profiles",
        "Coach profiles",
        lambda u: CoachProfile.objects.filter(user=u).order_by("pk"),
        (
            "network__name",
            "biography",
            "time_zone",
            "buffer_minutes",
            "notice_hours",
            "horizon_days",
            "lengths",
            "where",
            "where_detail",
        ),
        network="network",
    ),
    Section(
        "coaching_engagements",
        "Coaching engagements",
        lambda u: Engagement.objects.filter(Q(member=u) | Q(coach__user=u)).order_by("pk"),
        (
            "network__name",
            "coach__user__name",
            "member__name",
            "unit",
            "allowance",
            "starts_on",
            "ends_on",
            "status",
        ),
        network="network",
    ),
    Section(
        "coaching_sessions",
        "Coaching sessions",
        lambda u: Session.objects.filter(Q(member=u) | Q(coach=u)).order_by("starts_at"),
        (
            "coach__name",
            "member__name",
            "starts_at",
            "ends_at",
            "status",
            "late",
            "waived",
            "agenda",
        ),
        network="engagement__network",
        # What the member wants to work on is the coach's and the member's only.
        private_fields=("agenda",),
    ),
    Section(
        "coaching_notes",
        "Notes you wrote on coaching sessions",
        lambda u: SessionNote.objects.filter(author=u).order_by("created_at"),
        ("session__starts_at", "kind", "text", "created_at"),
        network="session__engagement__network",
        confidential=True,
    ),
    Section(
        "coaching_goals",
        "Your coaching goals",
        lambda u: Goal.objects.filter(engagement__member=u).order_by("created_at"),
        ("title", "commitment__text", "commitment__due_on", "created_at"),
        network="engagement__network",
        confidential=True,
    ),
    Section(
        "coaching_progress",
        "Your progress on coaching goals",
        lambda u: GoalUpdate.objects.filter(by=u).order_by("created_at"),
        ("goal__title", "text", "rating", "created_at"),
        network="goal__engagement__network",
        confidential=True,
    ),
    Section(
        "fee_places",
        "Places on a fee plan",
        lambda u: Place.objects.filter(membership__user=u).order_by("starts_on"),
        (
            "membership__group__name",
            "plan__name",
            "band_label",
            "price_pence",
            "bursary_pence",
            "sponsor_pence",
            "starts_on",
            "ends_on",
        ),
        network="membership__group__network",
    ),
    Section(
        "bursaries",
        "Bursary applications",
        lambda u: Bursary.objects.filter(applicant=u).order_by("created_at"),
        (
            "network__name",
            "income_pounds",
            "reasons",
            "can_pay_pence",
            "status",
            "amount_pence",
            "decision_reason",
            "created_at",
            "decided_at",
        ),
        network="network",
    ),
    Section(
        "sponsor_pages",
        "Sponsors whose page you see",
        lambda u: Sponsor.objects.filter(contacts=u).order_by("name"),
        ("network__name", "name"),
        network="network",
    ),
    Section(
        "consents",
        "What you agreed to, and the words you saw",
        lambda u: Consent.objects.filter(Q(user=u) | Q(guest_request__user=u)).order_by(
            "given_at", "pk"
        ),
        ("given_at", "network__name", "kind", "words__version", "words__text"),
        network="network",
    ),
    Section(
        "audit_entries",
        "What the audit log holds of what you did",
        lambda u: AuditEntry.objects.filter(actor=u).order_by("at", "pk"),
        ("at", "network__name", "rule", "outcome", "target_type", "target_id"),
        network="network",
    ),
    Section(
        "survey_invitations",
        "Surveys you were sent",
        lambda u: impact.Invitation.objects.filter(user=u).order_by("round__opens_at"),
        (
            "round__survey__title",
            "round__group__name",
            "round__opens_at",
            "round__closes_at",
            "sent_at",
            "reminded_at",
        ),
        network="round__network",
    ),
    Section(
        "survey_answers",
        "Your named survey answers (anonymous ones are linked to nobody, so they are not here)",
        lambda u: impact.Response.objects.filter(respondent=u).order_by("round__opens_at"),
        ("survey__title", "round__opens_at", "answers", "may_quote", "updated_at"),
        network="round__network",
        # What a member says about themselves is theirs: the network sees only figures.
        confidential=True,
    ),
    Section(
        "business_cases",
        "Your business case for your board, as you worded it",
        lambda u: impact.BusinessCase.objects.filter(user=u).order_by("pk"),
        ("network__name", "paragraphs", "updated_at"),
        network="network",
        confidential=True,
    ),
    Section(
        "speaker_feedback",
        "Talks you rated under your name",
        # Only the named ones: an anonymous response has no author, by design, and cannot be
        # found for anyone.
        lambda u: FeedbackResponse.objects.filter(author=u).order_by(
            "booking__meeting__starts_at", "id"
        ),
        (
            "booking__talk_title",
            "booking__meeting__starts_at",
            "score_1",
            "score_2",
            "score_3",
            "comment",
        ),
        network="booking__meeting__group__network",
    ),
    Section(
        "api_tokens",
        "API tokens",
        # Only the fingerprint of a token is held, and it is left out: it opens nothing.
        lambda u: AccessToken.objects.filter(user=u).order_by("created_at", "pk"),
        (
            "name",
            "network__name",
            "access",
            "created_at",
            "expires_at",
            "revoked_at",
            "last_used_at",
        ),
        network="network",
    ),
)

# Models with a link to a person that no section exports, and why (the test holds every model
# with a user link to be in a section or here).
NOT_EXPORTED: dict[str, str] = {
    "formation.Run": "who started a formation run: the network's own record",
    "formation.CompetitorDecision": "who decided on two candidates: the network's own record",
    "fees.Invoice": "who issued an invoice: the network's own record (the invoice is the payer's)",
    "fees.Payment": "who recorded a payment: the network's own record",
    "webhooks.Endpoint": "who set up a webhook: the network's own record",
    "issues.Note": "notes are the scribe's record of what others said about an issue",
    "issues.RoomState": "the live room's state (who is scribe) is the group's, not the person's",
    "speakers.FeedbackGiven": "a keyed hash of who answered: it names nobody without the key",
    "meetings.ReminderSent": "a record that a reminder email went out",
    "meetings.ReplyLink": "one-click reply links: a secret, not information about the person",
    "networks.ReplyReminder": "a record that a chair reminded the group",
    "speakers.Resource": "a talk's slides and handouts: the speaker downloads them from the talk",
    "guests.ConflictFinding": "an admin's decision on a guest's possible conflict (who decided)",
    "coaching.SessionReminder": "a record that a coaching reminder email went out",
    "networking.Suggestion": "conversations suggested for one meeting, worked out from the "
    "profiles (exported above) and rebuilt whenever a reply or a profile changes",
}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def label(field: str) -> str:
    """A field's lookup as words: "group__network__name" is "network", "meeting__starts_at" is
    "meeting starts at"."""
    parts = field.split("__")
    if len(parts) > 1 and parts[-1] == "name":
        return parts[-2].replace("_", " ")
    return " ".join(parts[-2:]).replace("_", " ")


def _shown(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return date_format(localtime(value), "j F Y, H:i")
    if isinstance(value, date):
        return date_format(value, "j F Y")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@dataclass(frozen=True)
class Export:
    user: User
    network: Network | None  # the admin's copy is of one network
    sections: list[tuple[Section, list[dict[str, Any]]]]
    left_out: list[Section]  # confidential sections the admin's copy does not hold

    def as_json(self) -> dict[str, Any]:
        return {
            "person": self.user.email,
            "network": self.network.name if self.network else None,
            "sections": {
                section.key: [{k: _plain(v) for k, v in row.items()} for row in rows]
                for section, rows in self.sections
            },
            "left_out": [section.key for section in self.left_out],
        }

    def for_page(self) -> list[tuple[Section, list[list[tuple[str, str]]]]]:
        """Each section's rows as (words, value as shown) pairs, for the readable page."""
        return [
            (section, [[(label(k), _shown(v)) for k, v in row.items()] for row in rows])
            for section, rows in self.sections
        ]


def personal_data(user: User, *, for_network: Network | None = None) -> Export:
    """The person's own copy (`for_network` None): every section, everything in it. An admin's
    copy (`for_network` set): only that network's rows, without the confidential sections and
    private fields."""
    sections, left_out = [], []
    for section in SECTIONS:
        if for_network is not None and section.confidential:
            left_out.append(section)
            continue
        fields = section.fields
        rows = section.rows(user)
        if for_network is not None:
            fields = tuple(f for f in fields if f not in section.private_fields)
            if section.network is not None:
                rows = rows.filter(**{section.network: for_network})
        sections.append((section, list(rows.values(*fields))))
    return Export(user, for_network, sections, left_out)


def people_of(network: Network) -> QuerySet[User]:
    """Whom a network's admins may answer an access request for: anyone with a place in one of
    its groups (ever), a role in it, or a guest request to it."""
    return User.objects.filter(
        Q(memberships__group__network=network)
        | Q(network_roles__network=network)
        | Q(guest_requests__network=network)
    ).distinct()


def networks_of(user: User) -> QuerySet[Network]:
    """The networks the person has a place, a role or a guest request in."""
    return (
        Network.objects.filter(
            Q(groups__memberships__user=user) | Q(roles__user=user) | Q(guest_requests__user=user)
        )
        .distinct()
        .order_by("name")
    )
