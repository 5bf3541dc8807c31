"""Business actions for guests: the public request and its confirmation, triage with the
conflict check, the invitation to a meeting, the visit under the pledge, feedback, the
application and the retention sweep.

Each action that takes `by` asks its rule first (guests.rules). Emails go out on commit
(guests.tasks); each carries a link that withdraws the request and erases it.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from peerpower.accounts.models import User, hash_token
from peerpower.formation.models import Candidate
from peerpower.groups.access import forget_access
from peerpower.groups.actions import membership_propose
from peerpower.groups.joining import clean_email
from peerpower.groups.models import Membership, PeerGroup
from peerpower.guests import rules as _rules  # noqa: F401 - registers the rules required here
from peerpower.guests import spam, tasks
from peerpower.guests.models import (
    GUEST_PLEDGE,
    GUEST_PLEDGE_VERSION,
    ConflictFinding,
    GroupGuestSettings,
    GuestRequest,
    GuestSettings,
    OrganisationToAvoid,
)
from peerpower.guests.queries import (
    application_groups,
    contact_consent_text,
    expected_guests,
    find_conflicts,
    is_listed,
    listed_groups,
    places_left,
    settings_of,
)
from peerpower.lib.events import emit
from peerpower.lib.rules import require
from peerpower.meetings.models import Meeting
from peerpower.networks.models import Network, NetworkRole
from peerpower.privacy.consents import consent_record
from peerpower.privacy.models import Consent

public_page_key = tasks.public_page_key
CONFIRM_SALT = tasks.CONFIRM_SALT
WITHDRAW_SALT = tasks.WITHDRAW_SALT
CONFIRM_DAYS = 7
# A second request from the same address within this many days updates the first.
SAME_REQUEST_DAYS = 90
# The fields a request form sets; a second request replaces them all.
REQUEST_FIELDS = (
    "name",
    "job_title",
    "organisation",
    "registered_number",
    "sector",
    "income_band",
    "region",
    "reason",
    "preferred_group",
    "preferred_area",
    "heard_from",
    "consent",
)
# What the conflict check compares: a change to any of them needs the check run again.
CHECKED_FIELDS = ("organisation", "registered_number", "sector", "income_band", "region")
# What withdrawing blanks out at once: everything the person told us about themselves, their
# organisation and their visit. Only the dates (and the group) stay for the funnel, with
# nothing personal, until the sweep.
PERSONAL_FIELDS = (
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
    "would_join",
    "held_back",
    "held_back_other",
    "hopes",
    "time_commitment",
    "trustees_view",
    "application_decline_reason",
    "invite_token_hash",
)
# What belongs to one invitation to one meeting: a new invitation starts them afresh, so a
# pledge, reminder or attendance mark of an earlier meeting never counts for the next.
VISIT_MARKS: dict[str, Any] = {
    "accepted_at": None,
    "pledge_accepted_at": None,
    "pledge_version": "",
    "reminded_at": None,
    "attendance": GuestRequest.Attendance.UNRECORDED,
    "visited_at": None,
    "followed_up_at": None,
    "invite_token_hash": "",
}


def forget_public_page(network_id: int) -> None:
    """Drop the cached public page: its groups, dates or places changed."""
    slug = Network.objects.filter(pk=network_id).values_list("slug", flat=True).first()
    if slug:
        transaction.on_commit(lambda: cache.delete(public_page_key(slug)))


def confirm_token(request: GuestRequest) -> str:
    """The signed token of a request's confirmation link (valid for CONFIRM_DAYS)."""
    return signing.dumps(request.pk, salt=CONFIRM_SALT)


def withdraw_token(request: GuestRequest) -> str:
    """The signed token of the withdraw-and-erase link in every email to the guest."""
    return signing.dumps(request.pk, salt=WITHDRAW_SALT)


# --- the network's settings


def guest_settings_update(*, network: Network, values: dict[str, Any], by: User) -> GuestSettings:
    """Save the public page's text and the network's guest settings; the public page shows them
    at once (its cache is dropped on commit)."""
    require(by, "guests.edit_page", network)
    current = settings_of(network)
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean()
    with transaction.atomic():
        current.save()
        forget_public_page(network.pk)
    return current


def group_guest_settings_update(
    *, group: PeerGroup, listed: bool, places: int, area: str, by: User
) -> GroupGuestSettings:
    """Whether the group appears on the public page, its guest places per meeting and its
    area."""
    require(by, "guests.edit_group", group)
    current = GroupGuestSettings.objects.filter(group=group).first() or GroupGuestSettings(
        group=group
    )
    current.listed, current.places, current.area = listed, places, area.strip()
    current.full_clean()
    with transaction.atomic():
        current.save()
        forget_public_page(group.network_id)
    return current


# --- the public request


@dataclass(frozen=True)
class Submitted:
    request: GuestRequest
    updated: bool  # an earlier request from the same address will be updated


def request_submit(
    *,
    network: Network,
    values: dict[str, Any],
    ip: str,
    form_token: str,
    honeypot: str = "",
    now: datetime | None = None,
) -> Submitted:
    """Take a request from the public form. Refused, with nothing stored, when the honeypot is
    filled, the form token is not ours, stale, too fresh or used before, or the address or
    email has sent too many lately. A second request from the same email within 90 days
    updates the first, once its confirmation link is followed; a first one waits for its
    link too. Either way the confirmation email goes out on commit."""
    now = now or timezone.now()
    if honeypot:
        raise spam.SpamRefused("Your request could not be sent. Please leave the last field empty.")
    spam.check_form_token(form_token)
    email = clean_email(values.get("email", ""))
    spam.check_rate(ip=ip, email=email)
    if not values.get("consent"):
        raise ValidationError({"consent": "We need your agreement to contact you about a visit."})
    group = values.get("preferred_group")
    if group is not None and (group.network_id != network.pk or not is_listed(group)):
        raise ValidationError({"preferred_group": "Choose one of the groups that take guests."})
    since = now - relativedelta(days=SAME_REQUEST_DAYS)
    with transaction.atomic():
        earlier = (
            GuestRequest.objects.select_for_update()
            .filter(network=network, email=email, created_at__gte=since)
            .exclude(status__in=[GuestRequest.Status.WITHDRAWN, GuestRequest.Status.EXPIRED])
            .order_by("-created_at")
            .first()
        )
        if earlier is not None:
            pending = {
                name: (
                    values[name].pk if name == "preferred_group" and values[name] else values[name]
                )
                for name in REQUEST_FIELDS
                if name in values
            }
            earlier.pending_update = pending
            earlier.last_activity_at = now
            earlier.save(update_fields=["pending_update", "last_activity_at"])
            request, updated = earlier, True
        else:
            request = GuestRequest(
                network=network, email=email, created_at=now, last_activity_at=now
            )
            for name in REQUEST_FIELDS:
                if name in values:
                    setattr(request, name, values[name])
            request.full_clean()
            request.save()
            updated = False
        consent_record(
            kind=Consent.Kind.GUEST_CONTACT,
            text=contact_consent_text(network),
            network=network,
            guest_request=request,
        )
        request_id = request.pk
        transaction.on_commit(
            lambda: tasks.send_confirmation(request_id=request_id, updated=updated)
        )
    return Submitted(request, updated)


def request_for_confirm_token(token: str) -> GuestRequest | None:
    """The request a confirmation link opens, if it is ours and less than a week old."""
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_DAYS * 86400)
    except signing.BadSignature:
        return None
    return GuestRequest.objects.select_related("network").filter(pk=pk).first()


def request_confirm(*, token: str, now: datetime | None = None) -> GuestRequest:
    """Follow the confirmation link: a new request reaches the network's admins; an update
    waiting from a second request replaces what the first said (and, where it changes the
    organisation, drops the conflict check's findings, so the next invitation runs the check
    again). Following it again changes nothing. Locks the request."""
    now = now or timezone.now()
    found = request_for_confirm_token(token)
    if found is None or found.status in (
        GuestRequest.Status.WITHDRAWN,
        GuestRequest.Status.EXPIRED,
    ):
        raise ValidationError(
            "This link has expired or is no longer valid. You can send a new request."
        )
    with transaction.atomic():
        request = GuestRequest.objects.select_for_update().get(pk=found.pk)
        if request.pending_update:
            before = [getattr(request, name) for name in CHECKED_FIELDS]
            for name, value in request.pending_update.items():
                if name == "preferred_group":
                    request.preferred_group = (
                        listed_groups(request.network).filter(pk=value).first()
                    )
                else:
                    setattr(request, name, value)
            request.pending_update = None
            if [getattr(request, name) for name in CHECKED_FIELDS] != before:
                # The check's findings (dismissed ones too) were about the old organisation.
                request.findings.all().delete()
        received = request.status == GuestRequest.Status.NEW
        if received:
            request.status = GuestRequest.Status.CONFIRMED
            request.confirmed_at = now
        request.last_activity_at = now
        request.save()
        if received:  # other systems (webhooks) hear of it once: no name, no address
            emit(
                "guest_request.received",
                network_id=request.network_id,
                data={
                    "guest_request": request.pk,
                    "preferred_group": request.preferred_group_id,
                    "sector": request.sector,
                    "region": request.region,
                    "received_at": now.isoformat(),
                },
            )
    return request


def request_withdraw(*, token: str) -> None:
    """The link in every email: the request is withdrawn and everything the person told us is
    erased at once: their details, their organisation's sector, region and income, their
    feedback and application, the conflict check's findings, and the guest account made for
    the visit (unless the person has other ties here: a membership, a role, another request).
    The guest place is freed. The dates stay, with nothing personal, until the retention sweep.
    Locks the request."""
    try:
        pk = signing.loads(token, salt=WITHDRAW_SALT)
    except signing.BadSignature:
        raise ValidationError("This link is not valid.") from None
    with transaction.atomic():
        request = GuestRequest.objects.select_for_update().filter(pk=pk).first()
        if request is None or request.status == GuestRequest.Status.WITHDRAWN:
            return
        _erase_personal(request)
        request.status = GuestRequest.Status.WITHDRAWN
        request.last_activity_at = timezone.now()
        request.save()
        forget_public_page(request.network_id)


def _erase_personal(request: GuestRequest) -> None:
    for name in PERSONAL_FIELDS:
        setattr(request, name, "")
    request.pending_update = None
    request.usefulness = None
    request.consent = False
    user_id, request.user = request.user_id, None
    request.findings.all().delete()
    _leave_pool(request)
    if user_id is not None:
        _erase_guest_account(user_id, keep=request.pk)


def _leave_pool(request: GuestRequest) -> None:
    """Take the person out of the network's formation pool, where their application put them
    (formation.actions.pool_import copies its name, address and organisation): a withdrawn or
    declined application places nobody in a group."""
    Candidate.objects.filter(guest_request=request).delete()


def _erase_guest_account(user_id: int, *, keep: int | None = None) -> None:
    """Delete an account made only for guest visits: no membership of any kind, no network
    role, not staff, and no guest request but `keep` (being erased). Anyone else keeps theirs."""
    user = User.objects.filter(pk=user_id, is_staff=False, is_superuser=False).first()
    if user is None:
        return
    if (
        Membership.objects.filter(user_id=user_id).exists()
        or NetworkRole.objects.filter(user_id=user_id).exists()
        or GuestRequest.objects.filter(user_id=user_id).exclude(pk=keep or 0).exists()
    ):
        return
    forget_access(user)
    user.delete()


# --- triage


def conflict_check(*, request: GuestRequest, group: PeerGroup, by: User) -> list[ConflictFinding]:
    """Check the request against the group's members and keep each finding (a finding already
    decided keeps its decision). Returns the request's findings for the group."""
    require(by, "guests.triage", request.network)
    _same_network(request, group)
    found = find_conflicts(request, group)
    with transaction.atomic():
        for finding in found:
            ConflictFinding.objects.get_or_create(
                request=request,
                membership=finding.membership,
                kind=finding.kind,
                defaults={"group": group, "reason": finding.reason},
            )
    return list(ConflictFinding.objects.filter(request=request, group=group))


def finding_decide(*, finding: ConflictFinding, confirm: bool, by: User) -> ConflictFinding:
    """Confirm a finding (a real conflict: the guest is not invited to that group) or dismiss
    it."""
    require(by, "guests.decide_finding", finding)
    finding.state = ConflictFinding.State.CONFIRMED if confirm else ConflictFinding.State.DISMISSED
    finding.decided_by = by
    finding.decided_at = timezone.now()
    finding.save(update_fields=["state", "decided_by", "decided_at"])
    return finding


def _same_network(request: GuestRequest, group: PeerGroup) -> None:
    if group.network_id != request.network_id:
        raise ValidationError("That group belongs to another network.")


def request_invite(*, request: GuestRequest, meeting: Meeting, by: User) -> GuestRequest:
    """Invite a confirmed guest to an upcoming meeting with a guest place left, once the
    conflict check for its group has been run and every finding dismissed. Where the network
    asks for it, the chair approves first and the guest hears and sees nothing of the meeting
    until then. A guest invited again (to another date) starts afresh: the earlier link stops
    working and they accept and take the pledge again. Locks the meeting's row, so two admins
    cannot fill the last place twice."""
    require(by, "guests.triage", request.network)
    _same_network(request, meeting.group)
    if request.status not in (GuestRequest.Status.CONFIRMED, GuestRequest.Status.INVITED):
        raise ValidationError(f"A {request.get_status_display()} request cannot be invited.")
    if (
        request.cannot_come_at is None
        and request.status == GuestRequest.Status.INVITED
        and (request.meeting_id == meeting.pk)
    ):
        raise ValidationError({"meeting": "The guest is already invited to this meeting."})
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
        if meeting.is_cancelled:
            raise ValidationError({"meeting": "That meeting is cancelled."})
        if meeting.has_started():
            raise ValidationError({"meeting": "That meeting has already taken place."})
        if places_left(meeting) <= 0:
            raise ValidationError({"meeting": "That meeting has no guest place left."})
        checked = ConflictFinding.objects.filter(request=request, group=meeting.group)
        if not checked.exists():
            conflict_check(request=request, group=meeting.group, by=by)
        if checked.filter(state=ConflictFinding.State.OPEN).exists():
            raise ValidationError(
                {"meeting": "Confirm or dismiss each finding of the conflict check first."}
            )
        if checked.filter(state=ConflictFinding.State.CONFIRMED).exists():
            raise ValidationError(
                {"meeting": "The conflict check found a conflict with this group."}
            )
        request = GuestRequest.objects.select_for_update().get(pk=request.pk)
        needs_chair = settings_of(request.network).chair_approval
        # A new invitation: nothing of an earlier one (its link, the pledge, the reminder,
        # attendance) carries over, so the guest accepts, pledges and is reminded afresh.
        for name, value in VISIT_MARKS.items():
            setattr(request, name, value)
        request.meeting = meeting
        request.status = GuestRequest.Status.INVITED
        request.invited_at = timezone.now()
        request.invited_by = by
        request.cannot_come_at = None
        request.last_activity_at = request.invited_at
        request.chair_decision = (
            GuestRequest.ChairDecision.PENDING
            if needs_chair
            else GuestRequest.ChairDecision.NOT_NEEDED
        )
        request.save()
        forget_public_page(request.network_id)
        request_id = request.pk
        if needs_chair:
            transaction.on_commit(lambda: tasks.send_chair_asked(request_id=request_id))
        else:
            _send_guest_invitation(request)
    return request


def _send_guest_invitation(request: GuestRequest) -> None:
    """A fresh link (only its hash is kept) by email, on commit. The caller holds the row."""
    token = secrets.token_urlsafe(32)
    request.invite_token_hash = hash_token(token)
    request.save(update_fields=["invite_token_hash"])
    request_id = request.pk
    transaction.on_commit(lambda: tasks.send_invitation(request_id=request_id, token=token))


def chair_decide(*, request: GuestRequest, approve: bool, by: User) -> GuestRequest:
    """The chair approves a guest proposed for their meeting (the guest is then invited) or
    refuses (the place is freed, the request goes back to the admins with no meeting, so the
    chair no longer sees it, and the admins are told). Locks the request."""
    require(by, "guests.chair_decide", request)
    with transaction.atomic():
        locked = GuestRequest.objects.select_for_update().get(pk=request.pk)
        if locked.chair_decision != GuestRequest.ChairDecision.PENDING:
            raise ValidationError("This guest has already been decided on.")
        locked.last_activity_at = timezone.now()
        if approve:
            locked.chair_decision = GuestRequest.ChairDecision.APPROVED
            locked.save()
            _send_guest_invitation(locked)
        else:
            # Back with the admins, tied to no meeting: the chair who refused no longer sees it.
            locked.chair_decision = GuestRequest.ChairDecision.REFUSED
            locked.status = GuestRequest.Status.CONFIRMED
            locked.meeting = None
            locked.save()
            request_id = locked.pk
            transaction.on_commit(
                lambda: tasks.send_admins_told(request_id=request_id, what="refused")
            )
        forget_public_page(locked.network_id)
    return locked


def request_decline(*, request: GuestRequest, by: User) -> GuestRequest:
    """Decline with the network's kind message (sent on commit)."""
    require(by, "guests.triage", request.network)
    if request.status not in (GuestRequest.Status.CONFIRMED, GuestRequest.Status.INVITED):
        raise ValidationError(f"A {request.get_status_display()} request cannot be declined.")
    with transaction.atomic():
        request.status = GuestRequest.Status.DECLINED
        request.declined_at = request.last_activity_at = timezone.now()
        request.meeting = None
        request.invite_token_hash = ""
        request.save()
        forget_public_page(request.network_id)
        request_id = request.pk
        transaction.on_commit(lambda: tasks.send_declined(request_id=request_id))
    return request


# --- the visit


def request_for_invite_token(token: str) -> GuestRequest | None:
    """The request an invitation link opens (tokens are stored only as their hash), if any."""
    return (
        GuestRequest.objects.select_related("network", "meeting__group", "user")
        .filter(invite_token_hash=hash_token(token))
        .exclude(invite_token_hash="")
        .first()
    )


def guest_join(
    *, request: GuestRequest, user: User | None, name: str = "", password: str = ""
) -> User:
    """Accept the invitation to a meeting. A new person gets a guest account (email log-in,
    the password they choose; their address is proven by the link); someone with an account
    must be logged in as the invited address. Accepting twice is refused. Locks the request."""
    with transaction.atomic():
        locked = GuestRequest.objects.select_for_update().get(pk=request.pk)
        if locked.accepted_at is not None:
            raise ValidationError(
                "This invitation has already been accepted. Log in to see your visit."
            )
        if locked.status != GuestRequest.Status.INVITED or not locked.invitation_sent:
            raise ValidationError("This invitation is no longer open.")
        if user is None:
            user = User.objects.filter(email__iexact=locked.email).first()
            if user is not None and user.has_usable_password():
                raise ValidationError("You already have an account. Log in to accept.")
            if user is None:
                user = User.objects.create_user(email=locked.email, name=name.strip())
            if not password:
                raise ValidationError({"password1": "Choose a password."})
            user.set_password(password)
            user.name = name.strip() or user.name
            user.save(update_fields=["password", "name"])
        elif user.email.lower() != locked.email.lower():
            raise ValidationError(f"This invitation is for {locked.email}.")
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        locked.user = user
        locked.accepted_at = locked.last_activity_at = timezone.now()
        locked.save(update_fields=["user", "accepted_at", "last_activity_at"])
        forget_access(user)
    return user


def guest_pledge_accept(*, request: GuestRequest, by: User) -> GuestRequest:
    """Record the guest's acceptance of the group's confidentiality pledge: when, and which
    text (its version). Once, for an invitation that was sent and accepted, to a meeting still
    to come; the meeting's details open after it."""
    require(by, "guests.visit", request)
    meeting = request.meeting
    if (
        request.status != GuestRequest.Status.INVITED
        or not request.invitation_sent
        or request.accepted_at is None
        or meeting is None
        or meeting.is_cancelled
        or meeting.has_ended()
    ):
        raise ValidationError("There is no visit waiting for your pledge.")
    if request.pledge_accepted_at is None:
        with transaction.atomic():
            request.pledge_accepted_at = request.last_activity_at = timezone.now()
            request.pledge_version = GUEST_PLEDGE_VERSION
            request.save(update_fields=["pledge_accepted_at", "pledge_version", "last_activity_at"])
            consent_record(
                kind=Consent.Kind.GUEST_PLEDGE,
                text=GUEST_PLEDGE,
                network=request.network,
                user=request.user,
                guest_request=request,
            )
    return request


def guest_cannot_come(*, request: GuestRequest, by: User) -> GuestRequest:
    """The guest can no longer come: the place is freed and the network's admins are told.
    The request goes back to confirmed, ready for another date."""
    require(by, "guests.visit", request)
    with transaction.atomic():
        locked = (
            GuestRequest.objects.select_for_update(of=("self",))
            .select_related("meeting")
            .get(pk=request.pk)
        )
        if locked.status != GuestRequest.Status.INVITED or locked.meeting is None:
            raise ValidationError("You are not expected at a meeting.")
        if locked.meeting.has_started():
            raise ValidationError("The meeting has already begun.")
        locked.status = GuestRequest.Status.CONFIRMED
        locked.cannot_come_at = locked.last_activity_at = timezone.now()
        locked.meeting = None
        locked.chair_decision = GuestRequest.ChairDecision.NOT_NEEDED
        locked.invite_token_hash = ""
        locked.save()
        forget_public_page(locked.network_id)
        request_id = locked.pk
        transaction.on_commit(
            lambda: tasks.send_admins_told(request_id=request_id, what="cannot_come")
        )
    return locked


def guest_attendance_record(*, meeting: Meeting, marks: dict[int, str], by: User) -> None:
    """Record which guests came (by request id), once the meeting has begun: only guests whose
    invitation went out and who have not applied since (not one waiting for the chair, refused,
    withdrawn or gone on to apply). A guest marked present has visited; the follow-up the next
    day invites them to apply."""
    require(by, "guests.record_attendance", meeting)
    if meeting.is_cancelled:
        raise ValidationError("This meeting was cancelled; there is no attendance to record.")
    if not meeting.has_started():
        raise ValidationError("Attendance can be recorded once the meeting has started.")
    if any(mark not in GuestRequest.Attendance.values for mark in marks.values()):
        raise ValidationError("Mark each guest present or absent.")
    now = timezone.now()
    with transaction.atomic():
        rows = {
            r.pk: r
            for r in expected_guests(meeting)
            .filter(
                pk__in=list(marks),
                status__in=[GuestRequest.Status.INVITED, GuestRequest.Status.VISITED],
            )
            .select_for_update()
        }
        if set(marks) - set(rows):
            raise ValidationError("Attendance can only be recorded for this meeting's guests.")
        for pk, mark in marks.items():
            request = rows[pk]
            request.attendance = mark
            if mark == GuestRequest.Attendance.PRESENT:
                if request.status == GuestRequest.Status.INVITED:
                    request.status = GuestRequest.Status.VISITED
                request.visited_at = request.visited_at or now
            elif request.status == GuestRequest.Status.VISITED:
                request.status = GuestRequest.Status.INVITED
                request.visited_at = None
            request.last_activity_at = now
            request.save(update_fields=["attendance", "status", "visited_at", "last_activity_at"])


# --- afterwards


def feedback_give(
    *,
    request: GuestRequest,
    usefulness: int,
    would_join: str,
    held_back: str,
    held_back_other: str,
    by: User,
) -> GuestRequest:
    """The guest's short feedback after the meeting they accepted (once it has ended; never
    for a cancelled one)."""
    require(by, "guests.visit", request)
    meeting = request.meeting
    if meeting is None or not request.invitation_sent or request.accepted_at is None:
        raise ValidationError("Feedback is for a meeting you were invited to.")
    if meeting.is_cancelled:
        raise ValidationError("That meeting was cancelled; there is nothing to give feedback on.")
    if not meeting.has_ended():
        raise ValidationError("Feedback opens once the meeting is over.")
    if not 1 <= usefulness <= 5:
        raise ValidationError({"usefulness": "Choose from 1 to 5."})
    if held_back == GuestRequest.HeldBack.OTHER and not held_back_other.strip():
        raise ValidationError({"held_back_other": "Tell us what held you back."})
    request.usefulness, request.would_join = usefulness, would_join
    request.held_back, request.held_back_other = held_back, held_back_other.strip()
    request.feedback_at = request.last_activity_at = timezone.now()
    request.save()
    return request


def application_submit(
    *,
    request: GuestRequest,
    hopes: str,
    time_commitment: str,
    trustees_view: str,
    group: PeerGroup,
    by: User,
) -> GuestRequest:
    """The guest applies to join, if the chair recorded them as present, to a group that
    takes guests or the one they visited."""
    require(by, "guests.visit", request)
    if request.attendance != GuestRequest.Attendance.PRESENT:
        raise ValidationError("Only guests who came to a meeting can apply.")
    if request.status != GuestRequest.Status.VISITED:
        raise ValidationError("You have already applied.")
    _same_network(request, group)
    if not application_groups(request).filter(pk=group.pk).exists():
        raise ValidationError({"group": "Choose one of the groups that take guests."})
    errors = {
        name: "Please answer this."
        for name, value in (
            ("hopes", hopes),
            ("time_commitment", time_commitment),
            ("trustees_view", trustees_view),
        )
        if not value.strip()
    }
    if errors:
        raise ValidationError(errors)
    request.hopes, request.time_commitment = hopes.strip(), time_commitment.strip()
    request.trustees_view, request.application_group = trustees_view.strip(), group
    request.status = GuestRequest.Status.APPLIED
    request.applied_at = request.last_activity_at = timezone.now()
    request.save()
    return request


def application_accept(
    *, request: GuestRequest, by: User, group: PeerGroup | None = None
) -> Membership:
    """Accept an application: the guest is proposed to the group they chose (or `group`, the
    one group formation placed them in), and the chair's approval sends the usual member
    invitation (only a chair invites members). The membership is linked to the request, so
    the funnel counts them when they join."""
    require(by, "guests.triage", request.network)
    group = group or request.application_group
    if request.status != GuestRequest.Status.APPLIED or group is None:
        raise ValidationError("Only an application can be accepted.")
    _same_network(request, group)
    with transaction.atomic():
        membership = membership_propose(group=group, email=request.email, name=request.name, by=by)
        request.membership = membership
        request.status = GuestRequest.Status.MEMBER
        request.member_at = request.last_activity_at = timezone.now()
        request.save(update_fields=["membership", "status", "member_at", "last_activity_at"])
    return membership


def application_decline(*, request: GuestRequest, reason: str, by: User) -> GuestRequest:
    """Decline an application with a reason, which the guest is sent; the person leaves the
    formation pool their application brought them into."""
    require(by, "guests.triage", request.network)
    if request.status != GuestRequest.Status.APPLIED:
        raise ValidationError("Only an application can be declined.")
    if not reason.strip():
        raise ValidationError({"reason": "Give the guest a reason."})
    with transaction.atomic():
        request.status = GuestRequest.Status.DECLINED
        request.application_decline_reason = reason.strip()
        request.application_declined_at = request.last_activity_at = timezone.now()
        request.save()
        _leave_pool(request)
        request_id = request.pk
        transaction.on_commit(lambda: tasks.send_application_declined(request_id=request_id))
    return request


# --- members' organisations to avoid


def avoid_add(*, name: str, registered_number: str, by: User) -> OrganisationToAvoid:
    """A member names an organisation they would rather not meet in their group."""
    require(by, "guests.avoid")
    if not name.strip():
        raise ValidationError({"name": "Name the organisation."})
    return OrganisationToAvoid.objects.create(
        user=by, name=name.strip(), registered_number=registered_number.strip()
    )


def avoid_remove(*, entry: OrganisationToAvoid, by: User) -> None:
    """The member takes an organisation off their list."""
    require(by, "guests.avoid_remove", entry)
    entry.delete()


# --- nightly


def retention_sweep(*, now: datetime | None = None) -> int:
    """Erase requests that did not lead to membership, a network's retention period after their
    last activity, with the guest accounts made only for them; unconfirmed requests expire
    when their link does. Returns how many were erased. Requests that led to membership are
    kept."""
    now = now or timezone.now()
    GuestRequest.objects.filter(
        status=GuestRequest.Status.NEW,
        last_activity_at__lt=now - relativedelta(days=CONFIRM_DAYS),
    ).update(status=GuestRequest.Status.EXPIRED)
    erased = 0
    months = dict(GuestSettings.objects.values_list("network_id", "retention_months"))
    for network_id in GuestRequest.objects.values_list("network_id", flat=True).distinct():
        cutoff = now - relativedelta(
            months=months.get(network_id, settings.GUESTS_RETENTION_MONTHS)
        )
        due = GuestRequest.objects.filter(
            network_id=network_id, last_activity_at__lt=cutoff
        ).exclude(status=GuestRequest.Status.MEMBER)
        accounts = set(due.exclude(user=None).values_list("user_id", flat=True))
        erased += due.delete()[1].get("guests.GuestRequest", 0)
        for user_id in accounts:
            _erase_guest_account(user_id)
    return erased


def follow_ups_send(*, now: datetime | None = None) -> int:
    """The day after their meeting, each guest who was expected gets the feedback form (and,
    if present, the invitation to apply); not after a cancelled meeting. Each once: the row is
    claimed before the email."""
    now = now or timezone.now()
    due = list(
        GuestRequest.objects.filter(
            followed_up_at=None,
            accepted_at__isnull=False,
            meeting__ends_at__lte=now - relativedelta(days=1),
            meeting__status=Meeting.Status.SCHEDULED,
            status__in=[GuestRequest.Status.INVITED, GuestRequest.Status.VISITED],
        )
        .exclude(
            chair_decision__in=[
                GuestRequest.ChairDecision.PENDING,
                GuestRequest.ChairDecision.REFUSED,
            ]
        )
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in due:
        if GuestRequest.objects.filter(pk=pk, followed_up_at=None).update(followed_up_at=now):
            tasks.send_follow_up(request_id=pk)
            sent += 1
    return sent


def reminders_send(*, now: datetime | None = None) -> int:
    """The day before their meeting, each guest who accepted and took the pledge gets a
    reminder with the calendar file (the venue, link and agenda are shown to a guest only after
    the pledge, as on the visit page). Each once for the meeting's time: the row is claimed
    before the email, and a reminder sent before the day ahead of the meeting's present time
    was for an earlier one, so a meeting moved after its reminder gets a new one (as members'
    reminders do)."""
    now = now or timezone.now()
    due = list(
        GuestRequest.objects.filter(
            Q(reminded_at=None) | Q(reminded_at__lt=F("meeting__starts_at") - timedelta(days=1)),
            accepted_at__isnull=False,
            pledge_accepted_at__isnull=False,
            status=GuestRequest.Status.INVITED,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__gt=now,
            meeting__starts_at__lte=now + relativedelta(days=1),
        )
        .exclude(
            chair_decision__in=[
                GuestRequest.ChairDecision.PENDING,
                GuestRequest.ChairDecision.REFUSED,
            ]
        )
        .values_list("pk", "reminded_at")
    )
    sent = 0
    for pk, reminded_at in due:
        # Only one run wins the claim: the update matches the mark it read.
        if GuestRequest.objects.filter(pk=pk, reminded_at=reminded_at).update(reminded_at=now):
            tasks.send_reminder(request_id=pk)
            sent += 1
    return sent
