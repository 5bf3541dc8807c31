"""Business actions of the speaker bureau: profiles and contacts, bookings and their answers,
feedback, resources, and the network's bureau settings.

Each action that takes `by` asks `lib.rules.require` first (tests/speakers/test_refusals.py
fails for one that is missing from its table), validates, writes in one transaction and queues
its emails on commit.
"""

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from peerpower.accounts.actions import invitation_create
from peerpower.accounts.models import Invitation, User
from peerpower.lib.events import emit
from peerpower.lib.rules import require
from peerpower.meetings.models import Meeting
from peerpower.networks.models import AgendaSegmentKind, Network, NetworkRole, Organisation
from peerpower.speakers import files, tasks
from peerpower.speakers import rules as _rules  # noqa: F401 - registers the rules required here
from peerpower.speakers.models import (
    Booking,
    FeedbackGiven,
    FeedbackResponse,
    HeldFeedback,
    Resource,
    Speaker,
    SpeakerSettings,
    Topic,
)
from peerpower.speakers.queries import (
    attended,
    clash_message,
    feedback_closes,
    overlapping_booking,
    settings_for,
)
from peerpower.speakers.sealing import answered_tokens, seal, unseal

logger = logging.getLogger(__name__)
_shuffle = random.SystemRandom().shuffle


@dataclass
class Profile:
    """What a speaker's profile says (the form's cleaned data, by field)."""

    name: str
    headline: str = ""
    biography: str = ""
    topics: Sequence[Topic] = field(default_factory=list)
    tags: str = ""
    talks: str = ""
    format: str = Speaker.Format.BOTH
    regions: Sequence[str] = field(default_factory=list)
    fee: str = Speaker.Fee.PRO_BONO
    fee_notes: str = ""
    availability: str = ""
    email: str = ""
    phone: str = ""


def _apply(speaker: Speaker, profile: Profile) -> None:
    name = " ".join(profile.name.split())
    if not name:
        raise ValidationError({"name": "Give the speaker's name."})
    if any(t.network_id != speaker.network_id for t in profile.topics):
        raise ValidationError({"topics": "Choose topics from this network's list."})
    unknown = [r for r in profile.regions if r not in Organisation.Region.values]
    if unknown:
        raise ValidationError({"regions": "Choose regions from the list."})
    speaker.name = name
    speaker.headline = profile.headline.strip()
    speaker.biography = profile.biography.strip()
    speaker.tags = ", ".join(t.strip() for t in profile.tags.split(",") if t.strip())
    speaker.talks = "\n".join(t.strip() for t in profile.talks.splitlines() if t.strip())
    speaker.format = profile.format
    speaker.regions = f",{','.join(profile.regions)}," if profile.regions else ""
    speaker.fee = profile.fee
    speaker.fee_notes = profile.fee_notes.strip()
    speaker.availability = profile.availability.strip()
    speaker.email = profile.email.strip().lower()
    speaker.phone = profile.phone.strip()
    speaker.full_clean(exclude=["network", "user", "added_by"])


def speaker_add(*, network: Network, profile: Profile, by: User) -> Speaker:
    """Add a speaker with no log-in yet, as a contact (an admin or a chair of the network)."""
    require(by, "speakers.add_contact", network)
    speaker = Speaker(network=network, added_by=by)
    _apply(speaker, profile)
    with transaction.atomic():
        speaker.save()
        speaker.topics.set(profile.topics)
    return speaker


def speaker_update(*, speaker: Speaker, profile: Profile, by: User) -> Speaker:
    """Change a profile: the speaker's own, or any of the network's by its admins."""
    require(by, "speakers.edit_profile", speaker)
    _apply(speaker, profile)
    with transaction.atomic():
        speaker.save()
        speaker.topics.set(profile.topics)
    return speaker


def own_profile_start(*, network: Network, by: User) -> Speaker:
    """A speaker's own profile in the network, made (from their name and email) the first
    time they ask for it; the same profile every time after."""
    require(by, "speakers.write_own_profile", network)
    with transaction.atomic():
        existing = Speaker.objects.filter(network=network, user=by).first()
        if existing is not None:
            return existing
        contact = Speaker.objects.filter(network=network, user=None, email=by.email).first()
        if contact is not None:  # added as a contact before they were invited another way
            contact.user = by
            contact.save(update_fields=["user"])
            return contact
        return Speaker.objects.create(
            network=network, user=by, name=by.display_name, email=by.email, added_by=by
        )


def speaker_invite(*, speaker: Speaker, by: User) -> Invitation:
    """Invite a contact to log in as the network's speaker (the ordinary invitation), and tie
    the profile to their account, so it is theirs to edit once they accept."""
    require(by, "speakers.invite", speaker)
    if speaker.user_id is not None:
        raise ValidationError("This speaker already has a log-in.")
    if not speaker.email:
        raise ValidationError({"email": "Add the speaker's email address first."})
    with transaction.atomic():
        invitation = invitation_create(
            network=speaker.network,
            role=Invitation.Role.SPEAKER,
            email=speaker.email,
            name=speaker.name,
            by=by,
        )
        if Speaker.objects.filter(network=speaker.network, user=invitation.user).exists():
            raise ValidationError({"email": "Another speaker profile already has this email."})
        speaker.user = invitation.user
        speaker.save(update_fields=["user"])
    return invitation


def bureau_settings_update(
    *,
    network: Network,
    topics: Sequence[str],
    repeat_months: int,
    feedback_days: int,
    rating_threshold: Decimal,
    upload_max_mb: int,
    questions: Sequence[str],
    by: User,
) -> SpeakerSettings:
    """The network's topics list and bureau rules. Topics no longer listed are removed from
    profiles and bookings; one still named keeps its place."""
    require(by, "speakers.keep_bureau", network)
    names = list(dict.fromkeys(" ".join(t.split()) for t in topics if t.strip()))
    if any(len(n) > 80 for n in names):
        raise ValidationError({"topics": "Keep each topic under 80 characters."})
    asked = [" ".join(q.split()) for q in questions if q.strip()]
    if not 2 <= len(asked) <= 3:
        raise ValidationError({"questions": "Ask two or three questions."})
    settings = settings_for(network.pk)
    settings.repeat_months = repeat_months
    settings.feedback_days = feedback_days
    settings.rating_threshold = rating_threshold
    settings.upload_max_mb = upload_max_mb
    settings.question_1, settings.question_2 = asked[0], asked[1]
    settings.question_3 = asked[2] if len(asked) == 3 else ""
    settings.full_clean(exclude=["network"])
    with transaction.atomic():
        settings.save()
        Topic.objects.filter(network=network).exclude(name__in=names).delete()
        have = set(Topic.objects.filter(network=network).values_list("name", flat=True))
        Topic.objects.bulk_create([Topic(network=network, name=n) for n in names if n not in have])
    return settings


# --- bookings


def booking_create(
    *,
    meeting: Meeting,
    speaker: Speaker,
    talk_title: str,
    brief: str = "",
    topic: Topic | None = None,
    by: User,
) -> Booking:
    """Ask a speaker to take the meeting's speaker segment, and email them the request with
    its calendar file. Refused for a cancelled or past meeting, one without a speaker segment,
    one that already has a speaker asked, a speaker without a log-in, and a speaker booked for
    another meeting at an overlapping time. Locks the meeting and the speaker rows, so two
    chairs booking at once cannot both get the segment or the speaker."""
    require(by, "speakers.manage_booking", meeting)
    title = " ".join(talk_title.split())
    if not title:
        raise ValidationError({"talk_title": "Give the talk a title."})
    if speaker.network_id != meeting.group.network_id:
        raise ValidationError({"speaker": "That speaker is in another network's bureau."})
    if topic is not None and topic.network_id != speaker.network_id:
        raise ValidationError({"topic": "Choose a topic from this network's list."})
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update().select_related("group__network").get(pk=meeting.pk)
        )
        speaker = Speaker.objects.select_for_update().get(pk=speaker.pk)
        if meeting.is_cancelled:
            raise ValidationError({"meeting": "This meeting is cancelled; choose another."})
        if meeting.has_started():
            raise ValidationError({"meeting": "This meeting has already begun or taken place."})
        if not meeting.agenda_items.filter(kind=AgendaSegmentKind.SPEAKER).exists():
            raise ValidationError(
                {"meeting": "This meeting's agenda has no speaker segment; add one first."}
            )
        if Booking.objects.filter(meeting=meeting, status__in=Booking.LIVE).exists():
            raise ValidationError(
                {"meeting": "A speaker is already booked or asked for this meeting."}
            )
        if (
            speaker.user_id is None
            or not NetworkRole.objects.filter(
                network_id=speaker.network_id,
                user_id=speaker.user_id,
                role=NetworkRole.Role.SPEAKER,
            ).exists()
        ):
            raise ValidationError(
                {
                    "speaker": f"{speaker.name} has no log-in yet. Ask a network admin to invite"
                    " them; once they accept, they answer bookings from their own page."
                }
            )
        clash = overlapping_booking(
            [speaker.pk], meeting.starts_at, meeting.ends_at, besides=meeting.pk
        )
        if clash is not None:
            raise ValidationError({"speaker": clash_message(clash)})
        booking = Booking.objects.create(
            meeting=meeting,
            speaker=speaker,
            talk_title=title,
            topic=topic,
            brief=brief.strip(),
            booked_by=by,
        )
        _emit(booking, "booking.made")
        transaction.on_commit(lambda: tasks.send_booking_request(booking_id=booking.pk))
    return booking


def _emit(booking: Booking, event: str) -> None:
    """Tell other systems (webhooks), in the act's transaction: who speaks when, and the state
    (never a decline's reason, the brief or any feedback)."""
    emit(
        event,
        network_id=booking.meeting.group.network_id,
        data={
            "booking": booking.pk,
            "meeting": booking.meeting_id,
            "group": booking.meeting.group_id,
            "speaker": booking.speaker_id,
            "speaker_name": booking.speaker.name,
            "talk_title": booking.talk_title,
            "status": booking.status,
            "starts_at": booking.meeting.starts_at.isoformat(),
        },
    )


def _lock(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update()
        .select_related("meeting__group__network", "speaker")
        .get(pk=booking.pk)
    )


def booking_accept(*, booking: Booking, by: User) -> Booking:
    """The speaker says yes: the talk goes into the meeting's agenda, page and members'
    calendars, and the speaker's own calendar entry is sent again as confirmed with a higher
    SEQUENCE (the booking's revision rises), so it replaces the request. Locks the booking."""
    require(by, "speakers.answer", booking)
    with transaction.atomic():
        booking = _lock(booking)
        if booking.status != Booking.Status.PENDING:
            raise ValidationError(f"This booking is {booking.get_status_display()}, not waiting.")
        if booking.meeting.is_cancelled or booking.meeting.has_started():
            raise ValidationError("This meeting is cancelled or has already begun.")
        booking.status = Booking.Status.ACCEPTED
        booking.answered_at = timezone.now()
        booking.revision += 1
        booking.save(update_fields=["status", "answered_at", "revision"])
        _emit(booking, "booking.made")
        transaction.on_commit(lambda: tasks.send_booking_answer(booking_id=booking.pk))
    return booking


def booking_decline(
    *, booking: Booking, reason: str = "", other_dates: str = "", by: User
) -> Booking:
    """The speaker says no, with a reason and other dates that suit if they like; the chair
    is told, and the segment is free to book again. Locks the booking."""
    require(by, "speakers.answer", booking)
    if len(reason) > 300 or len(other_dates) > 300:
        raise ValidationError({"reason": "Keep it under 300 characters."})
    with transaction.atomic():
        booking = _lock(booking)
        if booking.status != Booking.Status.PENDING:
            raise ValidationError(f"This booking is {booking.get_status_display()}, not waiting.")
        booking.status = Booking.Status.DECLINED
        booking.decline_reason = reason.strip()
        booking.other_dates = other_dates.strip()
        booking.answered_at = timezone.now()
        booking.revision += 1
        booking.save(
            update_fields=["status", "decline_reason", "other_dates", "answered_at", "revision"]
        )
        _emit(booking, "booking.cancelled")
        transaction.on_commit(lambda: tasks.send_booking_answer(booking_id=booking.pk))
    return booking


def booking_withdraw(*, booking: Booking, by: User) -> Booking:
    """The chair takes back a booking (pending or confirmed, before the meeting): the speaker
    gets a CANCEL for the calendar entry. Locks the booking."""
    require(by, "speakers.manage_booking", booking)
    with transaction.atomic():
        booking = _lock(booking)
        if not booking.is_live:
            raise ValidationError(f"This booking is already {booking.get_status_display()}.")
        if booking.meeting.has_started():
            raise ValidationError("The meeting has begun; the booking stands as it is.")
        booking.status = Booking.Status.WITHDRAWN
        booking.revision += 1
        booking.save(update_fields=["status", "revision"])
        _emit(booking, "booking.cancelled")
        transaction.on_commit(lambda: tasks.send_booking_withdrawn(booking_id=booking.pk))
    return booking


# --- feedback


@sensitive_variables("scores", "comment", "answer")
def feedback_submit(
    *,
    booking: Booking,
    scores: Sequence[int | None],
    comment: str = "",
    anonymous: bool = True,
    by: User,
) -> None:
    """A member who came rates the talk, once, within the network's window.

    Nothing readable is written until the window closes: "has answered" is a keyed hash of
    the booking and the member (`sealing.answered_tokens`, the key outside the database) and
    the answer waits sealed and padded to one length (`HeldFeedback`), so two copies of the
    database either side of this answer differ by two rows that name nobody and say nothing.
    `feedback_release_due` writes the responses in one shuffled batch when the window closes.
    Refused once that has happened, whatever the network's window says now (it never opens
    again). Locks the booking row, so two answers from one member cannot both pass the check
    and an answer cannot slip in beside the release. Returns nothing: the caller has no handle
    on the row."""
    require(by, "speakers.rate", booking)
    settings = settings_for(booking.meeting.group.network_id)
    questions = settings.questions
    meeting = booking.meeting
    if booking.status != Booking.Status.ACCEPTED or meeting.is_cancelled:
        raise ValidationError("This talk did not take place, so it cannot be rated.")
    now = timezone.now()
    if not meeting.has_ended(now):
        raise ValidationError("You can rate the talk once the meeting is over.")
    if booking.feedback_released_at is not None:
        raise ValidationError("Feedback on this talk has closed.")
    if now > feedback_closes(booking, settings.feedback_days):
        raise ValidationError(f"Feedback closed {settings.feedback_days} days after the meeting.")
    if not attended(by, meeting):
        raise ValidationError("Only members recorded as present at the meeting can rate the talk.")
    given = list(scores)[: len(questions)]
    if len(given) < len(questions) or any(s is None for s in given):
        raise ValidationError({"scores": "Rate the talk on every question."})
    if any(not 1 <= int(s) <= 5 for s in given if s is not None):
        raise ValidationError({"scores": "Each rating is from 1 to 5."})
    if len(comment) > 2000:
        raise ValidationError({"comment": "Keep the comment under 2,000 characters."})
    ints = [int(s) for s in given if s is not None]
    answer = {
        "scores": ints,
        "comment": comment.strip(),
        "author": None if anonymous else by.pk,
    }
    tokens = answered_tokens(booking.uid, by.pk)
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.feedback_released_at is not None:
            raise ValidationError("Feedback on this talk has closed.")
        if FeedbackGiven.objects.filter(booking=booking, token__in=tokens).exists():
            raise ValidationError("You have already rated this talk; thank you.")
        FeedbackGiven.objects.create(booking=booking, token=tokens[0])
        HeldFeedback.objects.create(booking=booking, sealed=seal(answer))


def feedback_release(*, booking: Booking, now: datetime | None = None) -> bool:
    """Close one talk's feedback window: its held answers become responses, written in one
    batch in a random order with fresh random keys, and the window is marked closed for good.
    Locks the booking row and checks again under it, so a second run (another server's
    periodic task, a retry) does nothing. Returns whether this run closed it."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Booking.objects.select_for_update().filter(pk=booking.pk).first()
        if locked is None or locked.feedback_released_at is not None:
            return False
        held = list(HeldFeedback.objects.filter(booking=locked))
        rows = []
        unreadable = 0
        for item in held:
            answer = unseal(item.sealed)
            if answer is None:
                unreadable += 1
                continue
            scores = [*answer["scores"], None, None][:3]
            rows.append(
                FeedbackResponse(
                    booking=locked,
                    score_1=scores[0],
                    score_2=scores[1],
                    score_3=scores[2],
                    comment=answer["comment"],
                    author_id=answer["author"],
                )
            )
        _shuffle(rows)
        FeedbackResponse.objects.bulk_create(rows)
        HeldFeedback.objects.filter(booking=locked).delete()
        locked.feedback_released_at = now
        locked.save(update_fields=["feedback_released_at"])
    if unreadable:  # counts only: nothing of any answer goes to the log
        logger.warning(
            "%s held answers of booking %s could not be opened: was a key removed from"
            " PEERPOWER_FEEDBACK_KEY before the window closed?",
            unreadable,
            booking.pk,
        )
    return True


def feedback_release_due(*, now: datetime | None = None) -> int:
    """Close every feedback window that has run out (the periodic task `release_feedback`):
    confirmed talks whose meeting ended more than the network's window ago, and talks of
    cancelled meetings (nothing to release, but they stop being looked at). Safe on many
    servers at once (`feedback_release` locks and checks each booking). Returns how many this
    run closed."""
    now = now or timezone.now()
    due = (
        Booking.objects.filter(
            status=Booking.Status.ACCEPTED,
            feedback_released_at=None,
            meeting__ends_at__lt=now,
        )
        .select_related("meeting__group")
        .order_by("meeting__ends_at")
    )
    windows: dict[int, int] = {}
    closed = 0
    for booking in due:
        network_id = booking.meeting.group.network_id
        if network_id not in windows:
            windows[network_id] = settings_for(network_id).feedback_days
        if booking.meeting.is_cancelled or now > feedback_closes(booking, windows[network_id]):
            closed += feedback_release(booking=booking, now=now)
    return closed


# --- resources


def resource_upload(*, booking: Booking, upload: UploadedFile, by: User) -> Resource:
    """Attach slides or a handout to a booking. The type is read from the content (and must
    agree with the name's extension); the size is held to the network's limit; the name is
    cleaned and the file stored under a random name through Django's storage."""
    require(by, "speakers.upload", booking)
    if not booking.is_live:
        raise ValidationError(
            {"upload": "This booking was withdrawn or declined: nothing more can be attached."}
        )
    limit = settings_for(booking.meeting.group.network_id).upload_max_mb
    raw_name = upload.name or ""
    if files.has_path(raw_name):
        raise ValidationError({"upload": "The file name may not contain a folder (/ or \\)."})
    if (upload.size or 0) > limit * 1024 * 1024:
        raise ValidationError({"upload": f"The file is larger than {limit} MB."})
    if not upload.size:
        raise ValidationError({"upload": "The file is empty."})
    claimed = files.kind_of_name(raw_name)
    if claimed is None:
        raise ValidationError({"upload": f"Upload a {files.ALLOWED_TEXT} file."})
    actual = files.sniff(upload.file) if upload.file is not None else None
    if actual != claimed:
        raise ValidationError(
            {
                "upload": "The file's content is not what its name says"
                f" (.{raw_name.rpartition('.')[2].lower()}). Upload a {files.ALLOWED_TEXT} file."
            }
        )
    with transaction.atomic():
        resource = Resource(
            booking=booking,
            name=files.clean_name(raw_name),
            content_type=files.KINDS[actual][0],
            size=upload.size,
            uploaded_by=by,
        )
        resource.file.save("upload", upload, save=False)
        resource.save()
    return resource


def resource_delete(*, resource: Resource, by: User) -> str:
    """Remove a file from a booking: the chair or an admin any, the speaker their own while
    the booking stands. The row goes at once; the stored file once the transaction commits
    (so a rollback keeps both). Returns the file's shown name, for the page to say."""
    require(by, "speakers.delete_resource", resource)
    name = resource.name
    stored = resource.file.name
    storage = resource.file.storage
    with transaction.atomic():
        Resource.objects.filter(pk=resource.pk).delete()
        transaction.on_commit(lambda: storage.delete(stored))
    return name
