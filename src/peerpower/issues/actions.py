"""Business actions of the issues session.

Each validates, writes in one transaction and queues any email on commit. Emails and logs never
carry what a member wrote: only that there is something to look at. Functions that handle
members' words are marked `sensitive_variables`, so an error report shows none of them.
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import partial

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from peerpower.accounts.models import User
from peerpower.groups.models import Membership
from peerpower.groups.queries import is_active_chair
from peerpower.issues import tasks
from peerpower.issues.models import (
    NOTE_MAX,
    QUESTION_MAX,
    TEXT_MAX,
    Backing,
    Commitment,
    Issue,
    IssueView,
    MonthlyUpdate,
    Note,
    Protocol,
    RoomState,
)
from peerpower.issues.queries import can_enter_room
from peerpower.meetings.models import Meeting
from peerpower.networks.models import Network


def _is_chair(user: User, meeting: Meeting) -> bool:
    return is_active_chair(user, meeting.group_id)


def _require_seat(user: User, meeting: Meeting) -> None:
    if not can_enter_room(user, meeting):
        raise ValidationError("Only the group's members who have accepted its pledge can do this.")


@sensitive_variables("fields", "cleaned")
def _clean_text(fields: dict[str, str]) -> dict[str, str]:
    cleaned = {name: (value or "").strip() for name, value in fields.items()}
    errors = {}
    if not cleaned.get("question"):
        errors["question"] = "Say what you want to work on, as a question: “How do I…?”"
    elif len(cleaned["question"]) > QUESTION_MAX:
        errors["question"] = f"Keep the question to {QUESTION_MAX} characters; put detail below."
    for name in ("why_now", "tried", "help_wanted"):
        if len(cleaned.get(name, "")) > TEXT_MAX:
            errors[name] = f"Keep this to {TEXT_MAX} characters."
    if errors:
        raise ValidationError(errors)
    return cleaned


def _require_before_start(meeting: Meeting, verb: str) -> None:
    if meeting.is_cancelled:
        raise ValidationError("This meeting is cancelled.")
    if meeting.starts_at <= timezone.now():
        raise ValidationError(f"The meeting has started; issues can no longer be {verb}.")


# The check-in round is for this month: open from two weeks before a meeting to two weeks after.
CHECK_IN_OPENS = timedelta(days=14)


@sensitive_variables("question", "why_now", "tried", "help_wanted", "text")
def issue_submit(
    *,
    meeting: Meeting,
    presenter: User,
    question: str,
    why_now: str = "",
    tried: str = "",
    help_wanted: str = "",
    urgency: int = Issue.Urgency.SOON,
    by: User | None = None,
) -> Issue:
    """A member brings an issue to a meeting; the chair may add one for a member during it."""
    by = by or presenter
    _require_seat(presenter, meeting)
    by_chair = _is_chair(by, meeting)
    if by.pk != presenter.pk and not by_chair:
        raise ValidationError("Only the chair can add an issue for another member.")
    if meeting.is_cancelled:
        raise ValidationError("This meeting is cancelled.")
    if not by_chair:
        _require_before_start(meeting, "added (ask the chair)")
    elif meeting.ends_at <= timezone.now():
        raise ValidationError("This meeting is over; bring the issue to the next one.")
    if urgency not in Issue.Urgency.values:
        raise ValidationError({"urgency": "Choose how urgent it is."})
    text = _clean_text(
        {"question": question, "why_now": why_now, "tried": tried, "help_wanted": help_wanted}
    )
    during = by_chair and meeting.starts_at <= timezone.now()
    with transaction.atomic():
        return Issue.objects.create(
            group_id=meeting.group_id,
            meeting=meeting,
            presenter=presenter,
            urgency=urgency,
            # Added in the room: straight into the queue, after what is there.
            status=Issue.Status.QUEUED if during else Issue.Status.PROPOSED,
            position=next_position(meeting) if during else None,
            **text,
        )


@sensitive_variables("question", "why_now", "tried", "help_wanted", "text")
def issue_update(
    *,
    issue: Issue,
    by: User,
    question: str,
    why_now: str,
    tried: str,
    help_wanted: str,
    urgency: int,
) -> Issue:
    if issue.presenter_id != by.pk:
        raise ValidationError("Only the member who brought an issue can change it.")
    _require_seat(by, issue.meeting)
    _require_before_start(issue.meeting, "changed")
    if urgency not in Issue.Urgency.values:
        raise ValidationError({"urgency": "Choose how urgent it is."})
    text = _clean_text(
        {"question": question, "why_now": why_now, "tried": tried, "help_wanted": help_wanted}
    )
    with transaction.atomic():
        for name, value in text.items():
            setattr(issue, name, value)
        issue.urgency = urgency
        issue.save(update_fields=[*text, "urgency", "updated_at"])
    return issue


def issue_withdraw(*, issue: Issue, by: User) -> Issue:
    if issue.presenter_id != by.pk:
        raise ValidationError("Only the member who brought an issue can withdraw it.")
    _require_before_start(issue.meeting, "withdrawn")
    issue.status = Issue.Status.WITHDRAWN
    issue.position = None
    issue.save(update_fields=["status", "position", "updated_at"])
    return issue


def issue_delete(*, issue: Issue, by: User) -> None:
    """The presenter erases their issue with its notes, backing, commitment and access log."""
    if issue.presenter_id != by.pk:
        raise ValidationError("Only the member who brought an issue can delete it.")
    with transaction.atomic():
        RoomState.objects.filter(issue=issue).update(issue=None, step=0, step_started_at=None)
        issue.delete()


def issue_back(*, issue: Issue, user: User) -> Backing:
    _require_seat(user, issue.meeting)
    _require_before_start(issue.meeting, "backed")
    if issue.presenter_id == user.pk:
        raise ValidationError("You cannot back your own issue; the others will.")
    if issue.status not in (Issue.Status.PROPOSED, Issue.Status.PARKED, Issue.Status.QUEUED):
        raise ValidationError("This issue is no longer open for backing.")
    try:
        with transaction.atomic():
            return Backing.objects.create(issue=issue, user=user)
    except IntegrityError:  # the unique row: a second click, however close
        raise ValidationError("You already back this issue.") from None


def issue_unback(*, issue: Issue, user: User) -> None:
    _require_before_start(issue.meeting, "changed")
    Backing.objects.filter(issue=issue, user=user).delete()


def issues_that_fit(meeting: Meeting, protocol: Protocol) -> int:
    """How many issues the issues-session time holds at the protocol's length."""
    session = sum(item.minutes for item in meeting.agenda_items.all() if item.kind == "issues")
    per_issue = protocol.total_minutes
    return session // per_issue if per_issue else 0


def _next_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(
            group_id=meeting.group_id,
            status=Meeting.Status.SCHEDULED,
            starts_at__gt=meeting.starts_at,
        )
        .order_by("starts_at")
        .first()
    )


def queue_fix(*, meeting: Meeting, order: Sequence[int], by: User) -> list[Issue]:
    """The chair fixes the session's order. Issues left out are parked and carried over to
    the group's next meeting, where they are offered again.

    Only before the meeting starts: nothing worked in a room (notes, discussion) may move to a
    later meeting, whose members may include people who were not there.
    """
    if not _is_chair(by, meeting):
        raise ValidationError("Only the chair can fix the order.")
    _require_before_start(meeting, "reordered; add any new issue from the room")
    open_statuses = (Issue.Status.PROPOSED, Issue.Status.PARKED, Issue.Status.QUEUED)
    with transaction.atomic():
        issues = {
            i.pk: i
            for i in Issue.objects.select_for_update().filter(
                meeting=meeting, status__in=open_statuses
            )
        }
        unknown = [pk for pk in order if pk not in issues]
        if unknown or len(set(order)) != len(order):
            raise ValidationError("The order names issues that are not open in this meeting.")
        later = _next_meeting(meeting)
        queued = []
        for position, pk in enumerate(order):
            issue = issues.pop(pk)
            issue.status, issue.position = Issue.Status.QUEUED, position
            queued.append(issue)
        for issue in issues.values():
            issue.status, issue.position = Issue.Status.PARKED, None
            if later is not None:
                issue.meeting = later
        now = timezone.now()  # bulk_update does not apply auto_now
        for issue in [*queued, *issues.values()]:
            issue.updated_at = now
        Issue.objects.bulk_update(
            [*queued, *issues.values()], ["status", "position", "meeting", "updated_at"]
        )
    return queued


# --- the live room -------------------------------------------------------------------------

ROOM_ACTIONS = (
    "next_segment",
    "previous_segment",
    "start_issue",
    "next_step",
    "previous_step",
    "finish_issue",
    "set_scribe",
)


def room_for(meeting: Meeting) -> RoomState:
    room, _ = RoomState.objects.get_or_create(meeting=meeting)
    return room


def room_act(
    *,
    meeting: Meeting,
    by: User,
    action: str,
    expected_version: int,
    issue_id: int | None = None,
    scribe_id: int | None = None,
    now: datetime | None = None,
) -> RoomState:
    """Move the room on. Takes a row lock on the room; an action based on an older version than
    the room's is refused, so when two people drive at once the first wins and the second sees
    the room as it now is."""
    if not _is_chair(by, meeting):
        raise ValidationError("Only the chair drives the room.")
    if action not in ROOM_ACTIONS:
        raise ValidationError("Unknown room action.")
    now = now or timezone.now()
    room_for(meeting)
    with transaction.atomic():
        room = RoomState.objects.select_for_update().get(meeting=meeting)
        if room.version != expected_version:
            raise ValidationError(
                "Someone else moved the room on first; here is where it is now.", code="conflict"
            )
        segments = list(meeting.agenda_items.all())
        protocol_steps = list(protocol_for(meeting).steps.all())
        if action == "next_segment":
            room.segment = (
                min(room.segment + 1, max(len(segments) - 1, 0)) if room.segment_started_at else 0
            )
            room.segment_started_at = now
        elif action == "previous_segment":
            room.segment = max(room.segment - 1, 0)
            room.segment_started_at = now
        elif action == "start_issue":
            queued = Issue.objects.filter(meeting=meeting, status=Issue.Status.QUEUED)
            issue = queued.filter(pk=issue_id).first() if issue_id is not None else None
            if issue is None:
                raise ValidationError("Choose an issue from the queue.")
            room.issue, room.step, room.step_started_at = issue, 0, now
        elif action in ("next_step", "previous_step"):
            if room.issue is None:
                raise ValidationError("Start an issue first.")
            delta = 1 if action == "next_step" else -1
            room.step = max(min(room.step + delta, len(protocol_steps) - 1), 0)
            room.step_started_at = now
        elif action == "finish_issue":
            if room.issue is None:
                raise ValidationError("No issue is being worked.")
            Issue.objects.filter(pk=room.issue.pk).update(
                status=Issue.Status.WORKED, updated_at=now
            )
            room.issue, room.step, room.step_started_at = None, 0, None
        elif action == "set_scribe":
            scribe = User.objects.filter(pk=scribe_id).first() if scribe_id is not None else None
            if scribe_id is not None and (
                scribe is None
                or not can_enter_room(scribe, meeting)
                or not Membership.objects.filter(
                    group_id=meeting.group_id, user_id=scribe_id, status=Membership.Status.ACTIVE
                ).exists()
            ):
                raise ValidationError("The scribe must be one of the group's members.")
            room.scribe_id = scribe_id
        room.version += 1
        room.save()
    return room


def protocol_for(meeting: Meeting) -> Protocol:
    """The group's chosen protocol, or the standard one."""
    group = meeting.group
    if group.protocol_id is not None:
        return Protocol.objects.prefetch_related("steps").get(pk=group.protocol_id)
    return default_protocol()


def default_protocol() -> Protocol:
    protocol = (
        Protocol.objects.prefetch_related("steps").filter(network=None).order_by("pk").first()
    )
    if protocol is None:
        raise ValidationError("No issue protocol is set up; run the migrations.")
    return protocol


@sensitive_variables("text")
def note_add(*, issue: Issue, by: User, text: str) -> Note:
    """The scribe (or the chair) captures a point for the presenter."""
    room = RoomState.objects.filter(meeting_id=issue.meeting_id).first()
    if not (room and room.scribe_id == by.pk) and not _is_chair(by, issue.meeting):
        raise ValidationError("Only the scribe or the chair can take notes.")
    status = Issue.objects.filter(pk=issue.pk).values_list("status", flat=True).first()
    if status not in (Issue.Status.QUEUED, Issue.Status.WORKED):
        raise ValidationError("Notes are taken for issues the session works on.")
    if issue.meeting.starts_at > timezone.now():
        raise ValidationError("Notes are taken once the meeting has started.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the point first."})
    if len(text) > NOTE_MAX:
        raise ValidationError(
            {"text": f"Keep a note to {NOTE_MAX} characters; add another for more."}
        )
    return Note.objects.create(issue=issue, author=by, text=text)


def notes_share(*, issue: Issue, by: User, shared: bool) -> Issue:
    if issue.presenter_id != by.pk:
        raise ValidationError("The notes belong to the presenter; only they can share them.")
    issue.notes_shared = shared
    issue.save(update_fields=["notes_shared", "updated_at"])
    return issue


@sensitive_variables("text")
def commitment_record(*, issue: Issue, by: User, text: str, due_on: date) -> Commitment:
    if issue.presenter_id != by.pk:
        raise ValidationError("Only the presenter records their commitment.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Say what you will do."})
    if len(text) > 300:
        raise ValidationError({"text": "Keep it to 300 characters."})
    if due_on <= timezone.localdate():
        raise ValidationError({"due_on": "Choose a date after today."})
    if due_on > timezone.localdate() + relativedelta(years=1):
        raise ValidationError({"due_on": "Choose a date within a year."})
    commitment = Commitment.objects.filter(issue=issue).first()
    if commitment is None:
        return Commitment.objects.create(issue=issue, member=by, text=text, due_on=due_on)
    if commitment.due_on != due_on:
        commitment.reminded_at = None  # a new date earns a new reminder
    commitment.text, commitment.due_on = text, due_on  # a report already given is kept
    commitment.save(update_fields=["text", "due_on", "reminded_at"])
    return commitment


@sensitive_variables("report")
def commitment_report(*, commitment: Commitment, by: User, status: str, report: str) -> Commitment:
    if commitment.member_id != by.pk:
        raise ValidationError("Only the member who made a commitment reports on it.")
    if status not in (
        Commitment.Status.DONE,
        Commitment.Status.IN_PROGRESS,
        Commitment.Status.DROPPED,
    ):
        raise ValidationError({"status": "Choose done, in progress or dropped."})
    report = report.strip()
    if not report:
        raise ValidationError({"report": "Add a line on what happened."})
    if len(report) > 300:
        raise ValidationError({"report": "Keep it to 300 characters."})
    commitment.status, commitment.report, commitment.reported_at = status, report, timezone.now()
    commitment.save(update_fields=["status", "report", "reported_at"])
    return commitment


@sensitive_variables("comment")
def update_submit(
    *, meeting: Meeting, user: User, work: int, personal: int, comment: str = ""
) -> MonthlyUpdate:
    _require_seat(user, meeting)
    if meeting.is_cancelled:
        raise ValidationError("This meeting is cancelled.")
    now = timezone.now()
    if not meeting.starts_at - CHECK_IN_OPENS <= now <= meeting.ends_at + CHECK_IN_OPENS:
        raise ValidationError("Check-ins open two weeks before the meeting and close after it.")
    errors = {}
    for name, value in (("work", work), ("personal", personal)):
        if not isinstance(value, int) or not 1 <= value <= 10:
            errors[name] = "Choose a number from 1 to 10."
    comment = (comment or "").strip()
    if len(comment) > 200:
        errors["comment"] = "Keep it to one line (200 characters)."
    if errors:
        raise ValidationError(errors)
    update, _ = MonthlyUpdate.objects.update_or_create(
        meeting=meeting,
        user=user,
        defaults={"work": work, "personal": personal, "comment": comment},
    )
    return update


def issue_views_record(*, issues: Sequence[Issue], user: User) -> None:
    """Log that a page showed these issues to the person (the queue, the room)."""
    IssueView.objects.bulk_create(IssueView(issue=issue, user=user) for issue in issues)


def issues_erase_expired(*, now: datetime | None = None) -> int:
    """Erase issues (with notes, backing, commitments, access log) and check-ins of meetings
    older than each network's retention period. Returns how many issues went."""
    now = now or timezone.now()
    erased = 0
    for network in Network.objects.only("pk", "issue_retention_months"):
        cutoff = now - relativedelta(months=network.issue_retention_months)
        with transaction.atomic():
            old = Issue.objects.filter(group__network=network, meeting__starts_at__lt=cutoff)
            RoomState.objects.filter(issue__in=old).update(issue=None)
            erased += old.delete()[1].get("issues.Issue", 0)
            MonthlyUpdate.objects.filter(
                meeting__group__network=network, meeting__starts_at__lt=cutoff
            ).delete()
    return erased


def commitments_remind_due(*, today: date | None = None) -> int:
    """Queue a reminder for each open commitment due in the next two days (once each)."""
    today = today or timezone.localdate()
    due = Commitment.objects.filter(
        status__in=[Commitment.Status.OPEN, Commitment.Status.IN_PROGRESS],
        due_on__gte=today,
        due_on__lte=today + timedelta(days=2),
        reminded_at__isnull=True,
        # Only while they are still in the group.
        member__memberships__group=F("issue__group"),
        member__memberships__status=Membership.Status.ACTIVE,
    )
    ids = []
    with transaction.atomic():
        for commitment in due.select_for_update():
            commitment.reminded_at = timezone.now()
            commitment.save(update_fields=["reminded_at"])
            ids.append(commitment.pk)
        for pk in ids:
            transaction.on_commit(partial(tasks.send_commitment_reminder, commitment_id=pk))
    return len(ids)


def next_position(meeting: Meeting) -> int:
    top = Issue.objects.filter(meeting=meeting).aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1
