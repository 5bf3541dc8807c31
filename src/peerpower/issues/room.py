"""The live meeting room: where the meeting is (agenda segment, issue, protocol step, scribe),
how the chair moves it on, and what each screen shows.

The room's own state is the one truth about a meeting being under way. The chair starts it
(only on the meeting's day, from an hour before its start), and from then on `Meeting.started_at`
is set: notes may be taken, the queue is closed, issues are no longer edited or withdrawn, and
only the chair adds one. The chair ends it (`Meeting.ended_at`), and may put a started meeting
back to "not started" while nothing has been recorded in it.

`room_act` is a table of small moves (`_MOVES`), one per `RoomAction`. Each move changes the
room and tells a `RoomRecord` what happened: the real record writes the meeting and its issues,
the practice record (`PracticeRecord`) keeps a chair's rehearsal in their session and writes
nothing. What a screen shows is one frozen `RoomView`, built by `room_view`.

Reads never write: a meeting whose room nobody has moved yet has an unsaved `RoomState`.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from typing import Protocol as TypingProtocol
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.models import Membership
from peerpower.issues.models import Issue, MonthlyUpdate, Note, Protocol, ProtocolStep, RoomState
from peerpower.issues.queries import (
    issues_visible_to,
    pledged_active_members,
    queue_for,
    updates_visible_to,
)
from peerpower.lib.rules import can, require
from peerpower.meetings.models import AgendaItem, Meeting, TimedSegment, timed_agenda
from peerpower.networks.models import AgendaSegmentKind

# The real room opens on the meeting's day, this long before its start.
OPENS_BEFORE = timedelta(hours=1)
# A room the chair forgot to end stops taking notes this long after the meeting's end.
OVERRUN = timedelta(hours=6)


class RoomAction(models.TextChoices):
    START = "start", "Start the meeting"
    NEXT_SEGMENT = "next_segment", "Next segment"
    PREVIOUS_SEGMENT = "previous_segment", "Previous segment"
    START_ISSUE = "start_issue", "Start this issue"
    NEXT_STEP = "next_step", "Next step"
    PREVIOUS_STEP = "previous_step", "Previous step"
    FINISH_ISSUE = "finish_issue", "Finish this issue"
    SET_SCRIBE = "set_scribe", "Choose scribe"
    END = "end", "End the meeting"
    RESET = "reset", "Put back to not started"


class Phase(models.TextChoices):
    WAITING = "waiting", "not started"
    RUNNING = "running", "under way"
    OVER = "over", "over"
    CANCELLED = "cancelled", "cancelled"


# --- reads -----------------------------------------------------------------------------------


def room_for(meeting: Meeting) -> RoomState:
    """The meeting's room as it is; unsaved (nothing moved yet) if the chair has not acted."""
    return RoomState.objects.filter(meeting=meeting).first() or RoomState(meeting=meeting)


def protocol_for(meeting: Meeting) -> Protocol:
    """The group's chosen protocol, or the standard one."""
    group = meeting.group
    if group.protocol_id is not None:
        return Protocol.objects.prefetch_related("steps").get(pk=group.protocol_id)
    return default_protocol()


def default_protocol() -> Protocol:
    """The first built-in protocol, which a group uses until it chooses another."""
    protocol = (
        Protocol.objects.prefetch_related("steps").filter(network=None).order_by("pk").first()
    )
    if protocol is None:
        raise ValidationError("No issue protocol is set up; run the migrations.")
    return protocol


def phase_of(meeting: Meeting, now: datetime | None = None) -> Phase:
    """Where the meeting stands, by the room first and the clock second."""
    now = now or timezone.now()
    if meeting.is_cancelled:
        return Phase.CANCELLED
    if meeting.ended_at is not None:
        return Phase.OVER
    if meeting.started_at is not None:
        return Phase.RUNNING if now < meeting.ends_at + OVERRUN else Phase.OVER
    return Phase.OVER if meeting.ends_at <= now else Phase.WAITING


def start_refusal(meeting: Meeting, now: datetime | None = None) -> str:
    """Why the real room cannot be started now ("" if it can)."""
    now = now or timezone.now()
    phase = phase_of(meeting, now)
    if phase == Phase.CANCELLED:
        return "This meeting is cancelled."
    if phase == Phase.OVER:
        return "This meeting is over."
    if phase == Phase.RUNNING:
        return "The meeting has already started."
    zone = ZoneInfo(meeting.group.time_zone)
    local = now.astimezone(zone)
    if local.date() != meeting.day or now < meeting.starts_at - OPENS_BEFORE:
        opens = timezone.localtime(meeting.starts_at - OPENS_BEFORE)
        return (
            f"The room opens on the day of the meeting, from {opens:%H:%M} on "
            f"{opens.day} {opens:%B}. To try it before then, use the practice room."
        )
    return ""


def something_recorded(meeting: Meeting) -> bool:
    """Anything the room has recorded — an issue taken up or worked, one the chair added once it
    began, a note, a check-in given since it began: the meeting can no longer go back to not
    started."""
    began = meeting.started_at
    issues = models.Q(started_at__isnull=False) | models.Q(status=Issue.Status.WORKED)
    if began is not None:
        issues |= models.Q(created_at__gte=began)
    return (
        Issue.objects.filter(meeting=meeting).filter(issues).exists()
        or Note.objects.filter(issue__meeting=meeting).exists()
        or (
            began is not None
            and MonthlyUpdate.objects.filter(meeting=meeting, created_at__gte=began).exists()
        )
    )


# --- what a screen shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class RoomView:
    """Everything one person's room page shows, computed once."""

    meeting: Meeting
    room: RoomState
    phase: Phase
    practice: bool
    now: datetime
    segments: tuple[TimedSegment, ...]
    segment: AgendaItem | None
    segment_ends_at: datetime | None
    issue: Issue | None
    steps: tuple[ProtocolStep, ...]
    step: ProtocolStep | None
    step_ends_at: datetime | None
    is_last_step: bool
    is_chair: bool
    is_scribe: bool
    is_presenter: bool
    can_start: bool
    start_refusal: str
    can_reset: bool
    queue: tuple[Issue, ...] = ()
    members: tuple[Membership, ...] = ()
    notes: tuple[Note, ...] = ()
    check_ins: tuple[MonthlyUpdate, ...] = ()
    # The issues the view showed, for the access log.
    shown: tuple[Issue, ...] = ()

    @property
    def started(self) -> bool:
        return self.phase == Phase.RUNNING

    # The chair's controls are shown only where they do something: no "Previous" on the first
    # segment or step, no "Next segment" on the last (ending the meeting is its own button).
    @property
    def has_previous_segment(self) -> bool:
        return self.started and self.room.segment > 0

    @property
    def has_next_segment(self) -> bool:
        return self.started and self.room.segment < len(self.segments) - 1

    @property
    def has_previous_step(self) -> bool:
        return self.started and self.issue is not None and self.room.step > 0

    @property
    def can_note(self) -> bool:
        # Only while an issue is in hand: a note always belongs to one presenter's issue.
        return (
            self.started
            and self.issue is not None
            and (self.is_scribe or self.is_chair)
            and not self.practice
        )


def room_view(
    *,
    meeting: Meeting,
    user: User,
    room: RoomState | None = None,
    practice: "PracticeRecord | None" = None,
    now: datetime | None = None,
) -> RoomView:
    """The room as `user` sees it now. `meeting` should come with its agenda prefetched."""
    now = now or timezone.now()
    room = practice.room if practice else (room or room_for(meeting))
    items = list(meeting.agenda_items.all())
    phase = practice.phase() if practice else phase_of(meeting, now)
    running = phase == Phase.RUNNING
    segment = (
        items[room.segment]
        if running and room.segment_started_at and room.segment < len(items)
        else None
    )
    steps = tuple(protocol_for(meeting).steps.all())
    is_chair = practice is not None or can(user, "issues.drive_room", meeting)
    if practice:
        issue = practice.issue(room.issue_id)
    elif room.issue_id is None:  # no issue in hand: nothing to ask
        issue = None
    else:
        issue = (
            issues_visible_to(user)
            .filter(pk=room.issue_id, meeting=meeting)
            .select_related("presenter")
            .first()
        )
    step = steps[room.step] if issue and room.step < len(steps) else None
    is_scribe = room.scribe_id is not None and room.scribe_id == user.pk
    refusal = "" if practice else start_refusal(meeting, now)
    notes: tuple[Note, ...] = ()
    if issue is not None and not practice and (is_chair or is_scribe):
        # The scribe and the chair see what has been noted for the issue in hand, so a point
        # is not taken twice; afterwards the notes are the presenter's.
        notes = tuple(Note.objects.filter(issue=issue).order_by("created_at", "pk"))
    check_ins: tuple[MonthlyUpdate, ...] = ()
    if segment is not None and segment.kind == AgendaSegmentKind.ARRIVAL and not practice:
        check_ins = tuple(updates_visible_to(user).filter(meeting=meeting).select_related("user"))
    queue: tuple[Issue, ...] = ()
    members: tuple[Membership, ...] = ()
    if is_chair:
        queue = (
            practice.queue()
            if practice
            else tuple(i for i in queue_for(user, meeting) if i.status == Issue.Status.QUEUED)
        )
        members = tuple(pledged_active_members(meeting.group_id))
    return RoomView(
        meeting=meeting,
        room=room,
        phase=phase,
        practice=practice is not None,
        now=now,
        segments=tuple(timed_agenda(meeting, items)),
        segment=segment,
        segment_ends_at=(
            room.segment_started_at + timedelta(minutes=segment.minutes)
            if segment and room.segment_started_at
            else None
        ),
        issue=issue,
        steps=steps,
        step=step,
        step_ends_at=(
            room.step_started_at + timedelta(minutes=step.minutes)
            if step and room.step_started_at
            else None
        ),
        is_last_step=bool(steps) and room.step == len(steps) - 1,
        is_chair=is_chair,
        is_scribe=is_scribe,
        is_presenter=issue is not None and issue.presenter_id == user.pk and not practice,
        can_start=phase == Phase.WAITING and (practice is not None or not refusal),
        start_refusal=refusal,
        can_reset=(
            phase in (Phase.RUNNING, Phase.OVER)
            and (practice is not None or meeting.started_at is not None)
            and (practice.nothing_recorded() if practice else not something_recorded(meeting))
        ),
        queue=queue,
        members=members,
        notes=notes,
        check_ins=check_ins,
        shown=(issue,) if issue is not None and not practice else (),
    )


# --- moving the room on ------------------------------------------------------------------------


class RoomRecord(TypingProtocol):
    """What a move tells the world: the real meeting, or a rehearsal."""

    def phase(self) -> Phase: ...
    def may_start(self) -> str: ...
    def started(self, now: datetime) -> None: ...
    def ended(self, now: datetime) -> None: ...
    def reset(self) -> None: ...
    def nothing_recorded(self) -> bool: ...
    def take_up(self, issue_id: int | None, now: datetime) -> int: ...
    def finish(self, issue_id: int, now: datetime) -> None: ...
    def may_scribe(self, user_id: int) -> bool: ...


@dataclass
class Move:
    """One press of a control: the room row being changed and what the move may need."""

    room: RoomState
    record: RoomRecord
    segments: int
    steps: int
    now: datetime
    issue_id: int | None
    scribe_id: int | None


def _require_running(move: Move) -> None:
    if move.record.phase() == Phase.WAITING:
        raise ValidationError("Start the meeting first.")
    if move.record.phase() != Phase.RUNNING:
        raise ValidationError("This meeting is over; the room can only be put back.")


def _start(move: Move) -> None:
    refusal = move.record.may_start()
    if refusal:
        raise ValidationError(refusal)
    move.record.started(move.now)
    move.room.segment, move.room.segment_started_at = 0, move.now


def _next_segment(move: Move) -> None:
    if move.record.phase() == Phase.WAITING:  # the first press starts the meeting
        _start(move)
        return
    _require_running(move)
    if move.room.segment >= move.segments - 1:
        raise ValidationError("This is the last segment; end the meeting when it is done.")
    move.room.segment += 1
    move.room.segment_started_at = move.now


def _previous_segment(move: Move) -> None:
    _require_running(move)
    if move.room.segment <= 0:
        raise ValidationError("This is the first segment.")
    move.room.segment -= 1
    move.room.segment_started_at = move.now


def _start_issue(move: Move) -> None:
    _require_running(move)
    move.room.issue_id = move.record.take_up(move.issue_id, move.now)
    move.room.step, move.room.step_started_at = 0, move.now


def _step(delta: int) -> Callable[[Move], None]:
    def step(move: Move) -> None:
        _require_running(move)
        if move.room.issue_id is None:
            raise ValidationError("Start an issue first.")
        step = move.room.step + delta
        if step < 0:
            raise ValidationError("This is the protocol's first step.")
        if step > move.steps - 1:
            raise ValidationError("This is the protocol's last step; finish the issue instead.")
        move.room.step = step
        move.room.step_started_at = move.now

    return step


def _finish_issue(move: Move) -> None:
    _require_running(move)
    if move.room.issue_id is None:
        raise ValidationError("No issue is being worked.")
    move.record.finish(move.room.issue_id, move.now)
    move.room.issue_id, move.room.step, move.room.step_started_at = None, 0, None


def _set_scribe(move: Move) -> None:
    if move.scribe_id is not None and not move.record.may_scribe(move.scribe_id):
        raise ValidationError("The scribe must be one of the group's members.")
    move.room.scribe_id = move.scribe_id


def _end(move: Move) -> None:
    _require_running(move)
    move.record.ended(move.now)
    move.room.issue_id, move.room.step, move.room.step_started_at = None, 0, None


def _reset(move: Move) -> None:
    if move.record.phase() == Phase.WAITING:
        raise ValidationError("The meeting has not started.")
    if not move.record.nothing_recorded():
        raise ValidationError(
            "Something has been recorded in this meeting (an issue taken up or a note), "
            "so it cannot go back to not started."
        )
    move.record.reset()
    move.room.segment, move.room.segment_started_at = 0, None
    move.room.issue_id, move.room.step, move.room.step_started_at = None, 0, None


_MOVES: Mapping[str, Callable[[Move], None]] = {
    RoomAction.START: _start,
    RoomAction.NEXT_SEGMENT: _next_segment,
    RoomAction.PREVIOUS_SEGMENT: _previous_segment,
    RoomAction.START_ISSUE: _start_issue,
    RoomAction.NEXT_STEP: _step(+1),
    RoomAction.PREVIOUS_STEP: _step(-1),
    RoomAction.FINISH_ISSUE: _finish_issue,
    RoomAction.SET_SCRIBE: _set_scribe,
    RoomAction.END: _end,
    RoomAction.RESET: _reset,
}


class MeetingRecord:
    """The real room: moves write the meeting (started, ended) and its issues."""

    def __init__(self, meeting: Meeting, now: datetime) -> None:
        self.meeting, self.now = meeting, now

    def phase(self) -> Phase:
        return phase_of(self.meeting, self.now)

    def may_start(self) -> str:
        return start_refusal(self.meeting, self.now)

    def started(self, now: datetime) -> None:
        self.meeting.started_at, self.meeting.ended_at = now, None
        self.meeting.save(update_fields=["started_at", "ended_at", "updated_at"])

    def ended(self, now: datetime) -> None:
        self.meeting.ended_at = now
        self.meeting.save(update_fields=["ended_at", "updated_at"])

    def reset(self) -> None:
        self.meeting.started_at = self.meeting.ended_at = None
        self.meeting.save(update_fields=["started_at", "ended_at", "updated_at"])

    def nothing_recorded(self) -> bool:
        return not something_recorded(self.meeting)

    def take_up(self, issue_id: int | None, now: datetime) -> int:
        queued = Issue.objects.filter(meeting=self.meeting, status=Issue.Status.QUEUED)
        issue = queued.filter(pk=issue_id).first() if issue_id is not None else None
        if issue is None:
            raise ValidationError("Choose an issue from the queue.")
        if issue.started_at is None:  # from now on it belongs to this meeting
            Issue.objects.filter(pk=issue.pk).update(started_at=now, updated_at=now)
        return issue.pk

    def finish(self, issue_id: int, now: datetime) -> None:
        Issue.objects.filter(pk=issue_id).update(status=Issue.Status.WORKED, updated_at=now)

    def may_scribe(self, user_id: int) -> bool:
        return pledged_active_members(self.meeting.group_id).filter(user_id=user_id).exists()


def room_act(
    *,
    meeting: Meeting,
    by: User,
    action: RoomAction,
    expected_version: int,
    issue_id: int | None = None,
    scribe_id: int | None = None,
    now: datetime | None = None,
) -> RoomState:
    """Move the room on (only the chair). Locks the meeting row, then the room's: an action
    based on an older version than the room's is refused (code `conflict`), so when two people
    drive at once the first wins and the second sees the room as it now is. Starting, ending
    and putting back write `Meeting.started_at` / `ended_at` in the same transaction."""
    require(by, "issues.drive_room", meeting)
    move_fn = _MOVES.get(action)
    if move_fn is None:
        raise ValidationError("Unknown room action.")
    now = now or timezone.now()
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
        room = RoomState.objects.select_for_update().filter(meeting=locked).first()
        room = room or RoomState(meeting=locked)
        if room.version != expected_version:
            raise ValidationError(
                "Someone else moved the room on first; here is where it is now.", code="conflict"
            )
        move = Move(
            room=room,
            record=MeetingRecord(locked, now),
            segments=locked.agenda_items.count(),
            steps=protocol_for(locked).steps.count(),
            now=now,
            issue_id=issue_id,
            scribe_id=scribe_id,
        )
        move_fn(move)
        room.version += 1
        room.save()
    meeting.started_at, meeting.ended_at = locked.started_at, locked.ended_at
    return room


# --- the practice room -----------------------------------------------------------------------

PRACTICE_ISSUES = (
    ("How do I get my board to agree a reserves policy?", "A sample member"),
    ("How do I hand over a role without losing momentum?", "Another sample member"),
    ("How do I say no to a funder's new reporting demands?", "A third sample member"),
)


class PracticeRecord:
    """A chair's rehearsal, kept in their own session: sample issues, nothing written to the
    group's record. `state` is the session's dict, changed in place."""

    def __init__(self, state: dict[str, Any], group_id: int) -> None:
        self.state = state
        self.group_id = group_id
        state.setdefault("room", {"version": 1, "segment": 0, "step": 0})
        state.setdefault("phase", Phase.WAITING.value)
        state.setdefault("worked", [])
        self.room = RoomState(
            version=state["room"]["version"],
            segment=state["room"]["segment"],
            segment_started_at=_parse(state["room"].get("segment_started_at")),
            issue_id=state["room"].get("issue_id"),
            step=state["room"]["step"],
            step_started_at=_parse(state["room"].get("step_started_at")),
            scribe_id=state["room"].get("scribe_id"),
        )

    def phase(self) -> Phase:
        return Phase(self.state["phase"])

    def save(self) -> None:
        r = self.room
        self.state["room"] = {
            "version": r.version,
            "segment": r.segment,
            "segment_started_at": _format(r.segment_started_at),
            "issue_id": r.issue_id,
            "step": r.step,
            "step_started_at": _format(r.step_started_at),
            "scribe_id": r.scribe_id,
        }

    def issue(self, issue_id: int | None) -> Issue | None:
        if issue_id is None or not 1 <= issue_id <= len(PRACTICE_ISSUES):
            return None
        question, presenter = PRACTICE_ISSUES[issue_id - 1]
        status = Issue.Status.WORKED if issue_id in self.state["worked"] else Issue.Status.QUEUED
        return Issue(pk=issue_id, question=question, presenter=User(name=presenter), status=status)

    def queue(self) -> tuple[Issue, ...]:
        issues = (self.issue(n) for n in range(1, len(PRACTICE_ISSUES) + 1))
        return tuple(i for i in issues if i is not None and i.status == Issue.Status.QUEUED)

    # RoomRecord
    def may_start(self) -> str:
        return ""

    def started(self, now: datetime) -> None:
        self.state["phase"] = Phase.RUNNING.value

    def ended(self, now: datetime) -> None:
        self.state["phase"] = Phase.OVER.value

    def reset(self) -> None:
        self.state["phase"] = Phase.WAITING.value
        self.state["worked"] = []

    def nothing_recorded(self) -> bool:
        return True  # a rehearsal records nothing, so it can always start again

    def take_up(self, issue_id: int | None, now: datetime) -> int:
        issue = self.issue(issue_id)
        if issue is None or issue.status != Issue.Status.QUEUED:
            raise ValidationError("Choose an issue from the queue.")
        return issue.pk

    def finish(self, issue_id: int, now: datetime) -> None:
        self.state["worked"] = [*self.state["worked"], issue_id]

    def may_scribe(self, user_id: int) -> bool:
        return pledged_active_members(self.group_id).filter(user_id=user_id).exists()


def practice_act(
    *,
    meeting: Meeting,
    by: User,
    state: dict[str, Any],
    action: RoomAction,
    expected_version: int,
    issue_id: int | None = None,
    scribe_id: int | None = None,
    now: datetime | None = None,
) -> PracticeRecord:
    """Move a chair's practice room on. Writes nothing but `state` (the caller's session)."""
    require(by, "issues.practise", meeting)
    move_fn = _MOVES.get(action)
    if move_fn is None:
        raise ValidationError("Unknown room action.")
    record = PracticeRecord(state, meeting.group_id)
    if record.room.version != expected_version:
        raise ValidationError(
            "Someone else moved the room on first; here is where it is now.", code="conflict"
        )
    move_fn(
        Move(
            room=record.room,
            record=record,
            segments=meeting.agenda_items.count(),
            steps=protocol_for(meeting).steps.count(),
            now=now or timezone.now(),
            issue_id=issue_id,
            scribe_id=scribe_id,
        )
    )
    record.room.version += 1
    record.save()
    return record


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _format(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
