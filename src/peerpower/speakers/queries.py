"""What the bureau shows and to whom: the directory with its ratings, a person's bookings, the
programme of a group and of a network, and a talk's feedback summary.

Ratings are shown only from `MIN_RESPONSES` responses up; below that a page says "not enough
responses yet", so nobody can work out what one or two members said.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.access import access_for
from peerpower.groups.models import Membership, PeerGroup
from peerpower.meetings.models import AgendaItem, Meeting, Participation
from peerpower.networks.models import AgendaSegmentKind, Network, NetworkRole
from peerpower.speakers.models import (
    Booking,
    FeedbackGiven,
    FeedbackResponse,
    Speaker,
    SpeakerSettings,
)
from peerpower.speakers.sealing import answered_tokens

MIN_RESPONSES = 3
RATING_MONTHS = 24
PROGRAMME_MONTHS = 12
GAP_WEEKS = 8


def months_ago(now: datetime, months: int) -> datetime:
    return now - timedelta(days=round(months * 365.25 / 12))


def settings_for(network_id: int) -> SpeakerSettings:
    """The network's bureau settings, or the defaults (unsaved) if it never changed them."""
    return SpeakerSettings.objects.filter(network_id=network_id).first() or SpeakerSettings(
        network_id=network_id
    )


# --- the directory


def _one(rows: QuerySet[Any], value: Any, output: Any) -> Subquery:
    return Subquery(rows.annotate(v=value).values("v")[:1], output_field=output)


def with_ratings(speakers: QuerySet[Speaker], now: datetime | None = None) -> QuerySet[Speaker]:
    """Each speaker with `rating_count`, `avg_1`..`avg_3` and `rating` (the mean of every score)
    from talks of the last 24 months, `shown_rating` (None below MIN_RESPONSES) and
    `last_booked` (the latest meeting of a confirmed booking)."""
    now = now or timezone.now()
    # Only talks that themselves have MIN_RESPONSES responses count: otherwise a talk with one
    # response could be read off by subtracting a talk's own summary from the directory's.
    enough = (
        FeedbackResponse.objects.order_by()
        .values("booking_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=MIN_RESPONSES)
        .values("booking_id")
    )
    rows = (
        FeedbackResponse.objects.filter(
            booking__speaker_id=OuterRef("pk"),
            booking__status=Booking.Status.ACCEPTED,
            booking__meeting__starts_at__gte=months_ago(now, RATING_MONTHS),
            booking_id__in=enough,
        )
        .order_by()
        .values("booking__speaker_id")
    )
    answered = (
        Value(1)
        + Case(When(score_2__isnull=False, then=1), default=0)
        + Case(When(score_3__isnull=False, then=1), default=0)
    )
    total = F("score_1") + Coalesce("score_2", 0) + Coalesce("score_3", 0)
    mean = Cast(total, FloatField()) / Cast(answered, FloatField())
    booked = (
        Booking.objects.filter(speaker_id=OuterRef("pk"), status=Booking.Status.ACCEPTED)
        .order_by()
        .values("speaker_id")
    )
    return speakers.annotate(
        rating_count=Coalesce(_one(rows, Count("pk"), IntegerField()), 0),
        avg_1=_one(rows, Avg("score_1"), FloatField()),
        avg_2=_one(rows, Avg("score_2"), FloatField()),
        avg_3=_one(rows, Avg("score_3"), FloatField()),
        rating=_one(rows, Avg(mean), FloatField()),
        last_booked=_one(booked, Max("meeting__starts_at"), Meeting._meta.get_field("starts_at")),
    ).annotate(
        shown_rating=Case(
            When(rating_count__gte=MIN_RESPONSES, then=F("rating")),
            default=None,
            output_field=FloatField(),
        )
    )


@dataclass(frozen=True)
class DirectoryFilter:
    q: str = ""
    topic: int | None = None
    region: str = ""
    format: str = ""
    fee: str = ""
    min_rating: float | None = None
    sort: str = "rating"


def directory(network: Network, chosen: DirectoryFilter) -> QuerySet[Speaker]:
    """The network's speakers, filtered and sorted, with their ratings and topics."""
    speakers = with_ratings(Speaker.objects.filter(network=network)).prefetch_related("topics")
    if chosen.q:
        words = Q()
        for word in chosen.q.split()[:6]:
            words &= (
                Q(name__icontains=word)
                | Q(headline__icontains=word)
                | Q(biography__icontains=word)
                | Q(tags__icontains=word)
                | Q(talks__icontains=word)
            )
        speakers = speakers.filter(words)
    if chosen.topic:
        speakers = speakers.filter(
            Exists(
                Speaker.topics.through.objects.filter(
                    speaker_id=OuterRef("pk"), topic_id=chosen.topic
                )
            )
        )
    if chosen.region:
        speakers = speakers.filter(regions__contains=f",{chosen.region},")
    if chosen.format in (Speaker.Format.IN_PERSON, Speaker.Format.ONLINE):
        speakers = speakers.filter(format__in=[chosen.format, Speaker.Format.BOTH])
    elif chosen.format == Speaker.Format.BOTH:
        speakers = speakers.filter(format=Speaker.Format.BOTH)
    if chosen.fee:
        speakers = speakers.filter(fee=chosen.fee)
    if chosen.min_rating is not None:
        speakers = speakers.filter(Q(shown_rating__gte=chosen.min_rating))
    if chosen.sort == "last_booked":
        return speakers.order_by(F("last_booked").desc(nulls_last=True), "name", "pk")
    if chosen.sort == "name":
        return speakers.order_by("name", "pk")
    return speakers.order_by(F("shown_rating").desc(nulls_last=True), "name", "pk")


def speaker_with_ratings(speaker_id: int) -> Speaker | None:
    return (
        with_ratings(Speaker.objects.filter(pk=speaker_id))
        .select_related("network", "user")
        .prefetch_related("topics")
        .first()
    )


def own_profiles(user: User | AnonymousUser) -> QuerySet[Speaker]:
    """The person's own profiles, in the networks where they hold the speaker role."""
    if not user.is_authenticated:
        return Speaker.objects.none()
    access = access_for(user)
    networks = [n for n, roles in access.roles.items() if NetworkRole.Role.SPEAKER in roles]
    return Speaker.objects.filter(user=user, network_id__in=networks)


# --- bookings


def bookings_visible_to(user: User | AnonymousUser) -> QuerySet[Booking]:
    """Bookings the person may open: as the booked speaker (holding the role), or as the chair
    of the meeting's group or an admin of its network. Members of the group are not here:
    they see the confirmed talk on the meeting page, through the meeting's own rules."""
    if not user.is_authenticated:
        return Booking.objects.none()
    access = access_for(user)
    speaks = [n for n, roles in access.roles.items() if NetworkRole.Role.SPEAKER in roles]
    return Booking.objects.filter(
        Q(speaker__user=user, speaker__network_id__in=speaks)
        | Q(meeting__group_id__in=access.chaired_group_ids())
        | Q(meeting__group__network_id__in=access.administered_network_ids())
    ).select_related("meeting__group__network", "meeting__venue", "speaker", "topic")


def with_attending(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    """Each booking with `attending`: how many have said they will come to its meeting."""
    replies = (
        Participation.objects.filter(
            meeting_id=OuterRef("meeting_id"), rsvp=Participation.Rsvp.ATTENDING
        )
        .order_by()
        .values("meeting_id")
    )
    return bookings.annotate(attending=Coalesce(_one(replies, Count("pk"), IntegerField()), 0))


def speaker_home(user: User) -> list[Booking]:
    """The speaker's bookings, soonest meeting first, with their agendas and reply counts."""
    access = access_for(user)
    speaks = [n for n, roles in access.roles.items() if NetworkRole.Role.SPEAKER in roles]
    return list(
        with_attending(
            # Withdrawn and declined bookings are not the speaker's business any more: their
            # meeting's venue, link and agenda may change after.
            Booking.objects.filter(
                speaker__user=user, speaker__network_id__in=speaks, status__in=Booking.LIVE
            )
            .select_related("meeting__group__network", "meeting__venue", "speaker", "topic")
            .prefetch_related(
                Prefetch("meeting__agenda_items", queryset=AgendaItem.objects.order_by("position"))
            )
        ).order_by("-meeting__starts_at")
    )


def bookable_meetings(
    user: User, network: Network, now: datetime | None = None
) -> QuerySet[Meeting]:
    """Meetings the person may book a speaker for in this network: upcoming, scheduled, with
    a speaker segment and no speaker asked yet."""
    access = access_for(user)
    groups = PeerGroup.objects.filter(network=network).filter(
        Q(id__in=access.chaired_group_ids()) | Q(network_id__in=access.administered_network_ids())
    )
    return (
        Meeting.objects.filter(
            group__in=groups, status=Meeting.Status.SCHEDULED, starts_at__gt=now or timezone.now()
        )
        .filter(
            Exists(
                AgendaItem.objects.filter(meeting_id=OuterRef("pk"), kind=AgendaSegmentKind.SPEAKER)
            )
        )
        .exclude(Exists(Booking.objects.filter(meeting_id=OuterRef("pk"), status__in=Booking.LIVE)))
        .select_related("group")
        .order_by("starts_at")
    )


def overlapping_booking(
    speaker_ids: Sequence[int], starts_at: datetime, ends_at: datetime, *, besides: int
) -> Booking | None:
    """A live booking of one of these speakers at a scheduled meeting, other than meeting
    `besides`, that overlaps the time from `starts_at` to `ends_at`."""
    if not speaker_ids:
        return None
    return (
        Booking.objects.filter(
            speaker_id__in=speaker_ids,
            status__in=Booking.LIVE,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__lt=ends_at,
            meeting__ends_at__gt=starts_at,
        )
        .exclude(meeting_id=besides)
        .select_related("meeting__group", "speaker")
        .order_by("meeting__starts_at")
        .first()
    )


def lock_speakers_of(meeting: Meeting) -> list[int]:
    """The speakers with a live booking for the meeting, their rows locked until the
    transaction ends (as `booking_create` locks them): their ids."""
    ids = list(
        Booking.objects.filter(meeting_id=meeting.pk, status__in=Booking.LIVE).values_list(
            "speaker_id", flat=True
        )
    )
    if ids:
        list(Speaker.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    return ids


def clash_message(clash: Booking, *, moving: bool = False) -> str:
    """What a chair is told when a speaker would be in two places at once."""
    when = f"{timezone.localtime(clash.meeting.starts_at):%-d %B %Y at %H:%M}"
    where = f"{clash.speaker.name} is already booked for {clash.meeting.group.name} on {when}"
    if moving:
        return (
            f"{where}, which this new time would overlap. Choose another time, or withdraw"
            " the speaker's booking first."
        )
    return f"{where}, which overlaps this meeting."


def answer_recipients(booking: Booking) -> list[User]:
    """Who hears a speaker's yes or no: whoever booked them while they still look after the
    group's bookings (its active chair or a network admin); otherwise the group's active
    chair now, so a former chair is told nothing more of the group."""
    meeting = booking.meeting
    booked_by = booking.booked_by
    if (
        booked_by is not None
        and booked_by.is_active
        and access_for(booked_by).can_manage_group(meeting.group_id, meeting.group.network_id)
    ):
        return [booked_by]
    chairs = Membership.objects.filter(
        group_id=meeting.group_id,
        role=Membership.Role.CHAIR,
        status=Membership.Status.ACTIVE,
        user__is_active=True,
    ).select_related("user")
    return [m.user for m in chairs]


def live_booking_of(meeting: Meeting) -> Booking | None:
    return (
        Booking.objects.filter(meeting=meeting, status__in=Booking.LIVE)
        .select_related("speaker")
        .first()
    )


def has_responded(user: User, booking: Booking) -> bool:
    tokens = answered_tokens(booking.uid, user.pk)
    return FeedbackGiven.objects.filter(booking=booking, token__in=tokens).exists()


def attended(user: User, meeting: Meeting) -> bool:
    return Participation.objects.filter(
        meeting=meeting, user=user, attendance=Participation.Attendance.PRESENT
    ).exists()


def feedback_closes(booking: Booking, window_days: int) -> datetime:
    return booking.meeting.ends_at + timedelta(days=window_days)


# --- feedback


@dataclass(frozen=True)
class Comment:
    text: str
    name: str  # "" when anonymous


@dataclass(frozen=True)
class FeedbackSummary:
    count: int
    questions: list[tuple[str, float | None]]
    comments: list[Comment] = field(default_factory=list)

    @property
    def enough(self) -> bool:
        return self.count >= MIN_RESPONSES


def feedback_summary(booking: Booking, questions: Sequence[str]) -> FeedbackSummary | None:
    """A talk's averages per question and its comments (names only where members chose to
    be named), in one query; below MIN_RESPONSES, the count alone. None while the feedback
    window is open: nothing is shown until every answer is in, so watching the figures never
    tells what the latest answer said."""
    if booking.feedback_released_at is None:
        return None
    rows = list(
        FeedbackResponse.objects.filter(booking=booking).values_list(
            "score_1", "score_2", "score_3", "comment", "author__name"
        )
    )
    if len(rows) < MIN_RESPONSES:
        return FeedbackSummary(count=len(rows), questions=[(q, None) for q in questions])
    averages = []
    for i, question in enumerate(questions):
        scores = [v for row in rows if isinstance(v := row[i], int)]
        averages.append((question, sum(scores) / len(scores) if scores else None))
    comments = sorted(
        # A named response whose author gave no name says "a member": never their email (a
        # contact detail). Anonymous ones (no author: None) carry no name at all.
        (Comment(text=r[3], name="" if r[4] is None else r[4] or "A member") for r in rows if r[3]),
        key=lambda c: c.text,
    )
    return FeedbackSummary(count=len(rows), questions=averages, comments=comments)


# --- the programme


@dataclass
class ProgrammeRow:
    meeting: Meeting
    booking: Booking | None
    status: str  # none, pending, confirmed, held, cancelled
    gap: bool = False
    warnings: list[str] = field(default_factory=list)


def _status(meeting: Meeting, booking: Booking | None, now: datetime) -> str:
    if meeting.is_cancelled:
        return "cancelled"
    if booking is None:
        return "none"
    if booking.status == Booking.Status.PENDING:
        return "pending"
    return "held" if meeting.has_ended(now) else "confirmed"


def group_programme(group: PeerGroup, now: datetime | None = None) -> list[ProgrammeRow]:
    """The group's meetings a year behind and ahead with their speaker, status, gaps (no
    confirmed speaker within GAP_WEEKS) and repeats within the network's period (two queries
    and the settings)."""
    now = now or timezone.now()
    window = settings_for(group.network_id).repeat_months
    start = months_ago(now, PROGRAMME_MONTHS)
    end = now + timedelta(days=366)
    meetings = list(
        Meeting.objects.filter(group=group, starts_at__gte=start, starts_at__lte=end).order_by(
            "starts_at"
        )
    )
    bookings = list(
        Booking.objects.filter(
            meeting__group=group,
            status__in=Booking.LIVE,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__gte=months_ago(start, window),
            meeting__starts_at__lte=end,
        )
        .select_related("speaker", "topic", "meeting")
        .order_by("meeting__starts_at")
    )
    by_meeting = {b.meeting_id: b for b in bookings}
    rows = []
    for meeting in meetings:
        booking = by_meeting.get(meeting.pk)
        status = _status(meeting, booking, now)
        row = ProgrammeRow(meeting=meeting, booking=booking, status=status)
        row.gap = (
            status in ("none", "pending")
            and meeting.starts_at > now
            and meeting.starts_at <= now + timedelta(weeks=GAP_WEEKS)
        )
        if booking is not None and status != "cancelled":
            row.warnings = _repeats(booking, bookings, window)
        rows.append(row)
    return rows


def _repeats(booking: Booking, bookings: list[Booking], months: int) -> list[str]:
    warnings = []
    reach = timedelta(days=round(months * 365.25 / 12))
    for other in bookings:
        if other.pk == booking.pk or other.meeting.starts_at >= booking.meeting.starts_at:
            continue
        if booking.meeting.starts_at - other.meeting.starts_at > reach:
            continue
        when = f"{other.meeting.starts_at:%B %Y}"
        if other.speaker_id == booking.speaker_id:
            warnings.append(f"{booking.speaker.name} also spoke to this group in {when}.")
        elif booking.topic_id and other.topic_id == booking.topic_id:
            warnings.append(f"The topic {booking.topic} was also covered in {when}.")
    return warnings


def network_programme(network: Network, now: datetime | None = None) -> list[Booking]:
    """Every group's live bookings a year behind and ahead, by speaker: who is booked where."""
    now = now or timezone.now()
    return list(
        Booking.objects.filter(
            meeting__group__network=network,
            status__in=Booking.LIVE,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__gte=months_ago(now, PROGRAMME_MONTHS),
            meeting__starts_at__lte=now + timedelta(days=366),
        )
        .select_related("speaker", "topic", "meeting__group")
        .order_by("speaker__name", "speaker_id", "meeting__starts_at")
    )


def held_status(booking: Booking, now: datetime | None = None) -> str:
    return _status(booking.meeting, booking if booking.is_live else None, now or timezone.now())


def speaker_networks(user: User) -> list[Network]:
    """The networks where the person holds the speaker role."""
    access = access_for(user)
    ids = [n for n, roles in access.roles.items() if NetworkRole.Role.SPEAKER in roles]
    return list(Network.objects.filter(id__in=ids).order_by("name")) if ids else []


@dataclass(frozen=True)
class TalkPanel:
    """What the meeting page shows of its speaker: the live booking (its status only for
    managers), the files once members may read them, and whether the viewer may rate."""

    booking: Booking | None
    resources: list[Any]
    can_rate: bool
    manages: bool


def talk_panel(user: User, meeting: Meeting, manages: bool) -> TalkPanel:
    booking = (
        Booking.objects.filter(meeting=meeting, status__in=Booking.LIVE)
        .select_related("speaker")
        .first()
    )
    if booking is None or (booking.status != Booking.Status.ACCEPTED and not manages):
        return TalkPanel(
            booking=booking if manages else None, resources=[], can_rate=False, manages=manages
        )
    started = meeting.has_started() and not meeting.is_cancelled
    resources = list(booking.resources.all()) if manages or started else []
    # As the `speakers.rate` rule (an active member who is not the speaker) on a confirmed
    # talk whose meeting is over; attendance and the window are the action's to say.
    can_rate = (
        access_for(user).is_active(meeting.group_id)
        and booking.speaker.user_id != user.pk
        and booking.status == Booking.Status.ACCEPTED
        and meeting.has_ended()
        and not meeting.is_cancelled
    )
    return TalkPanel(booking=booking, resources=resources, can_rate=can_rate, manages=manages)
