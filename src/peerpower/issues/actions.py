"""Business actions of the issues session: everything that writes, except moving the live
room (`issues.room`).

Each action asks `issues.rules` first (check, then do), then checks the meeting's state, then
writes; the docstring says what it guarantees and which locks it takes. Emails and logs never
carry what a member wrote: only that there is something to look at. Functions that handle
members' words are marked `sensitive_variables`, so an error report shows none of them.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from functools import partial

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, QuerySet
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from peerpower.accounts.models import User
from peerpower.groups.models import Membership, PeerGroup
from peerpower.issues import rules as _rules  # noqa: F401 — registers the rules required here
from peerpower.issues import tasks
from peerpower.issues.models import (
    CHECK_IN_COMMENT_MAX,
    COMMITMENT_MAX,
    NOTE_MAX,
    QUESTION_MAX,
    TEXT_MAX,
    Backing,
    Commitment,
    CommitmentStatus,
    Issue,
    IssueView,
    MonthlyUpdate,
    Note,
    RoomState,
)
from peerpower.issues.room import Phase, phase_of
from peerpower.lib.rules import can, require
from peerpower.lib.undo import Undo
from peerpower.meetings.models import Meeting
from peerpower.meetings.queries import next_scheduled_after
from peerpower.networks.models import Network

# The check-in round is for this month: open from two weeks before a meeting to two weeks after.
CHECK_IN_OPENS = timedelta(days=14)


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
    """Open until the meeting starts: by the room (the chair pressed start) or the clock."""
    if meeting.is_cancelled:
        raise ValidationError("This meeting is cancelled.")
    if meeting.has_started():
        raise ValidationError(f"The meeting has started; issues can no longer be {verb}.")


def _require_not_worked(issue: Issue, verb: str) -> None:
    if issue.is_worked:
        raise ValidationError(f"The room has worked on this issue, so it can no longer be {verb}.")


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
    """A member brings an issue to a meeting until it starts; the chair may add one (their own
    or a member's) until it ends, and once the meeting is under way it goes straight into the
    queue after what is there. No lock: a new row only."""
    by = by or presenter
    require(by, "issues.bring" if by.pk == presenter.pk else "issues.bring_for", meeting)
    if by.pk != presenter.pk and not can(presenter, "issues.bring", meeting):
        raise ValidationError({"presenter": "Choose one of the group's active members."})
    by_chair = can(by, "issues.drive_room", meeting)
    if meeting.is_cancelled:
        raise ValidationError("This meeting is cancelled.")
    if not by_chair:
        _require_before_start(meeting, "added (ask the chair)")
    elif meeting.has_ended() and phase_of(meeting) != Phase.RUNNING:
        raise ValidationError("This meeting is over; bring the issue to the next one.")
    if urgency not in Issue.Urgency.values:
        raise ValidationError({"urgency": "Choose how urgent it is."})
    text = _clean_text(
        {"question": question, "why_now": why_now, "tried": tried, "help_wanted": help_wanted}
    )
    during = by_chair and meeting.has_started()
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
    """The presenter changes their issue, until the meeting starts and never once the room has
    worked on it."""
    require(by, "issues.edit", issue)
    _require_before_start(issue.meeting, "changed")
    _require_not_worked(issue, "changed")
    if issue.status == Issue.Status.WITHDRAWN:
        raise ValidationError("This issue is withdrawn.")
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
    """The presenter takes their issue back, until the meeting starts. A worked issue is never
    withdrawn, so its commitment always reaches report-back."""
    require(by, "issues.withdraw", issue)
    _require_before_start(issue.meeting, "withdrawn")
    _require_not_worked(issue, "withdrawn")
    issue.status = Issue.Status.WITHDRAWN
    issue.position = None
    issue.save(update_fields=["status", "position", "updated_at"])
    return issue


def issue_restore(*, issue: Issue, by: User, undo: Undo) -> Issue:
    """Undo a withdrawal (`lib.undo`): the presenter who withdrew it, within the undo minutes,
    until the meeting starts. It goes back as it was (proposed or carried over); one that was in
    the chair's order goes back to the end of it, since the order may have moved meanwhile."""
    require(by, "issues.withdraw", issue)
    undo.require_open(by.pk)
    if undo.data.get("issue") != issue.pk:
        raise ValidationError("That undo is for another issue.")
    if issue.status != Issue.Status.WITHDRAWN:
        raise ValidationError("This issue is not withdrawn.")
    _require_before_start(issue.meeting, "brought back")
    status = undo.data.get("status")
    if status not in Issue.OPEN_STATUSES:
        status = Issue.Status.PROPOSED
    with transaction.atomic():
        issue.status = status
        issue.position = next_position(issue.meeting) if status == Issue.Status.QUEUED else None
        issue.save(update_fields=["status", "position", "updated_at"])
    return issue


def issue_delete(*, issue: Issue, by: User) -> None:
    """The presenter erases their issue with its notes, backing, commitment and access log, at
    any time; the room lets go of it first."""
    require(by, "issues.delete", issue)
    with transaction.atomic():
        # A new version, so every open screen's poll fetches the room without the issue.
        RoomState.objects.filter(issue=issue).update(
            issue=None, step=0, step_started_at=None, version=F("version") + 1
        )
        issue.delete()


def issue_back(*, issue: Issue, user: User) -> Backing:
    """An active member supports another's open issue, once (a unique row), until the meeting
    starts."""
    require(user, "issues.support", issue)
    _require_before_start(issue.meeting, "supported")
    if issue.presenter_id == user.pk:
        raise ValidationError("You cannot back your own issue; the others will.")
    if not issue.is_open:
        raise ValidationError("This issue is no longer open for support.")
    try:
        with transaction.atomic():
            return Backing.objects.create(issue=issue, user=user)
    except IntegrityError:  # the unique row: a second click, however close
        raise ValidationError("You already back this issue.") from None


def issue_unback(*, issue: Issue, user: User) -> None:
    """Take one's support back, until the meeting starts."""
    require(user, "issues.support", issue)
    _require_before_start(issue.meeting, "changed")
    Backing.objects.filter(issue=issue, user=user).delete()


def _carry(issues: Iterable[Issue], origin: Meeting, later: Meeting, now: datetime) -> None:
    """Move open issues on to `later` (in a transaction the caller holds) and tell each
    presenter, on commit, where their issue went."""
    for issue in issues:
        issue.meeting, issue.carried_from = later, origin
        issue.status, issue.position, issue.updated_at = Issue.Status.PARKED, None, now
        transaction.on_commit(
            partial(tasks.send_carried_over, issue_id=issue.pk, from_meeting_id=origin.pk)
        )


def _carriable(meeting: Meeting) -> QuerySet[Issue]:
    """Open issues of the meeting that may move to another: never one the room took up or
    that has notes, since a later meeting's members may include people who were not there."""
    return Issue.objects.filter(
        meeting=meeting, status__in=Issue.OPEN_STATUSES, started_at=None
    ).exclude(Exists(Note.objects.filter(issue=OuterRef("pk"))))


def queue_fix(*, meeting: Meeting, order: Sequence[int], by: User) -> list[Issue]:
    """The chair fixes the session's order before the meeting starts. Issues left out are
    carried over to the group's next scheduled meeting (if there is one), where they are offered
    again, and their presenters are told. Takes a row lock on the meeting's open issues."""
    require(by, "issues.order", meeting)
    _require_before_start(meeting, "reordered; add any new issue from the room")
    with transaction.atomic():
        issues = {
            i.pk: i
            for i in Issue.objects.select_for_update().filter(
                meeting=meeting, status__in=Issue.OPEN_STATUSES
            )
        }
        unknown = [pk for pk in order if pk not in issues]
        if unknown or len(set(order)) != len(order):
            raise ValidationError("The order names issues that are not open in this meeting.")
        now = timezone.now()  # bulk_update does not apply auto_now
        queued = []
        for position, pk in enumerate(order):
            issue = issues.pop(pk)
            issue.status, issue.position, issue.updated_at = Issue.Status.QUEUED, position, now
            queued.append(issue)
        left_out = list(issues.values())
        later = next_scheduled_after(meeting)
        if later is not None:
            _carry(left_out, meeting, later, now)
        else:  # nowhere to go: they wait here, out of the order
            for issue in left_out:
                issue.status, issue.position, issue.updated_at = Issue.Status.PARKED, None, now
        Issue.objects.bulk_update(
            [*queued, *left_out], ["status", "position", "meeting", "carried_from", "updated_at"]
        )
    return queued


def issues_carry_over(*, meeting: Meeting) -> list[Issue]:
    """A cancelled meeting's open issues go to the group's next scheduled meeting, and their
    presenters are told. An issue the room took up, or that has notes, stays where it is. Call
    inside the cancelling transaction; takes a row lock on the issues it moves."""
    later = next_scheduled_after(meeting)
    if later is None:
        return []
    with transaction.atomic():
        moving = list(_carriable(meeting).select_for_update())
        _carry(moving, meeting, later, timezone.now())
        Issue.objects.bulk_update(
            moving, ["status", "position", "meeting", "carried_from", "updated_at"]
        )
    return moving


@sensitive_variables("text")
def note_add(*, issue: Issue, by: User, text: str) -> Note:
    """The scribe (or the chair) captures a point for the presenter, while the room is under
    way, on an issue the session works. No lock: a new row only."""
    require(by, "issues.take_notes", issue)
    status = Issue.objects.filter(pk=issue.pk).values_list("status", flat=True).first()
    if status not in (Issue.Status.QUEUED, Issue.Status.WORKED):
        raise ValidationError("Notes are taken for issues the session works on.")
    phase = phase_of(issue.meeting)
    if phase == Phase.WAITING:
        raise ValidationError("Notes are taken once the meeting has started.")
    if phase != Phase.RUNNING:
        raise ValidationError(f"This meeting is {phase.label}; notes can no longer be taken.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the point first."})
    if len(text) > NOTE_MAX:
        raise ValidationError(
            {"text": f"Keep a note to {NOTE_MAX} characters; add another for more."}
        )
    return Note.objects.create(issue=issue, author=by, text=text)


def notes_share(*, issue: Issue, by: User, shared: bool) -> Issue:
    """The presenter shares the scribe's notes with the group, or stops sharing them."""
    require(by, "issues.share_notes", issue)
    status = Issue.objects.filter(pk=issue.pk).values_list("status", flat=True).first()
    if status not in (Issue.Status.QUEUED, Issue.Status.WORKED):
        raise ValidationError("Notes are shared once the room has worked on the issue.")
    issue.notes_shared = shared
    issue.save(update_fields=["notes_shared", "updated_at"])
    return issue


@sensitive_variables("text")
def commitment_record(*, issue: Issue, by: User, text: str, due_on: date) -> Commitment:
    """The presenter records (or changes) what they will do, by when. A report already given
    is kept; a new date earns a new reminder. One per issue (a unique row)."""
    require(by, "issues.record_commitment", issue)
    if issue.status == Issue.Status.WITHDRAWN:
        raise ValidationError("This issue is withdrawn, so it takes no commitment.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Say what you will do."})
    if len(text) > COMMITMENT_MAX:
        raise ValidationError({"text": f"Keep it to {COMMITMENT_MAX} characters."})
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
def commitment_report(
    *, commitment: Commitment, by: User, status: CommitmentStatus, report: str
) -> Commitment:
    """The member says where their commitment stands and what happened."""
    require(by, "issues.report_commitment", commitment)
    if status not in Commitment.REPORTED_STATUSES:
        raise ValidationError({"status": "Choose done, in progress or dropped."})
    report = report.strip()
    if not report:
        raise ValidationError({"report": "Add a line on what happened."})
    if len(report) > COMMITMENT_MAX:
        raise ValidationError({"report": f"Keep it to {COMMITMENT_MAX} characters."})
    commitment.status, commitment.report, commitment.reported_at = status, report, timezone.now()
    commitment.save(update_fields=["status", "report", "reported_at"])
    return commitment


@sensitive_variables("comment")
def update_submit(
    *, meeting: Meeting, user: User, work: int, personal: int, comment: str = ""
) -> MonthlyUpdate:
    """The member's check-in for this meeting: one per person (a unique row), open from two
    weeks before the meeting to two weeks after. A second one changes only what differs."""
    require(user, "issues.check_in", meeting)
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
    if len(comment) > CHECK_IN_COMMENT_MAX:
        errors["comment"] = f"Keep it to one line ({CHECK_IN_COMMENT_MAX} characters)."
    if errors:
        raise ValidationError(errors)
    wanted = {"work": work, "personal": personal, "comment": comment}
    with transaction.atomic():
        update, created = MonthlyUpdate.objects.select_for_update().get_or_create(
            meeting=meeting, user=user, defaults=wanted
        )
        changed = [name for name, value in wanted.items() if getattr(update, name) != value]
        if not created and changed:
            for name in changed:
                setattr(update, name, wanted[name])
            update.save(update_fields=changed)
    return update


def issue_views_record(*, issues: Sequence[Issue], user: User) -> None:
    """Log that the person read these issues (their page, or the room showing the one in hand):
    once per person per issue per day, by the unique row; a second read that day adds nothing."""
    for issue in issues:
        require(user, "issues.read", issue)
    today = timezone.localdate()
    IssueView.objects.bulk_create(
        (IssueView(issue=issue, user=user, day=today) for issue in issues), ignore_conflicts=True
    )


def issues_erase_expired(*, now: datetime | None = None) -> int:
    """Erase issues (with notes, backing, commitments, access log) and check-ins of meetings
    older than each network's retention period. Returns how many issues went."""
    now = now or timezone.now()
    erased = 0
    for network in Network.objects.only("pk", "issue_retention_months"):
        cutoff = now - relativedelta(months=network.issue_retention_months)
        with transaction.atomic():
            old = Issue.objects.filter(group__network=network, meeting__starts_at__lt=cutoff)
            RoomState.objects.filter(issue__in=old).update(issue=None, version=F("version") + 1)
            erased += old.delete()[1].get("issues.Issue", 0)
            MonthlyUpdate.objects.filter(
                meeting__group__network=network, meeting__starts_at__lt=cutoff
            ).delete()
    return erased


def commitments_remind_due(*, today: date | None = None) -> int:
    """Queue a reminder for each unfinished commitment due in the next two days, once each:
    `reminded_at` is set under `select_for_update` before anything is queued."""
    today = today or timezone.localdate()
    due = Commitment.objects.filter(
        status__in=Commitment.UNFINISHED_STATUSES,
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
    """The position after the last in the meeting's order."""
    top = Issue.objects.filter(meeting=meeting).aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def issues_erase_own(*, group: PeerGroup, by: User) -> int:
    """Erase every issue the person brought to the group, with its notes, support, commitment
    and access log, at once (a member who leaves may ask for this). The room lets go of any it
    shows first. Returns how many went."""
    require(by, "issues.keep_own_record", group)
    with transaction.atomic():
        own = Issue.objects.filter(group=group, presenter=by)
        RoomState.objects.filter(issue__in=own).update(
            issue=None, step=0, step_started_at=None, version=F("version") + 1
        )
        return own.delete()[1].get("issues.Issue", 0)


def issues_withdraw_open(*, group: PeerGroup, presenter: User) -> int:
    """Take a departing member's open issues out of every queue: they are withdrawn (seen by
    nobody once their presenter has left) and erased with the rest by retention. Issues the
    room has taken up stay as they are. Part of leaving, which is checked by its own action."""
    return Issue.objects.filter(
        group=group, presenter=presenter, status__in=Issue.OPEN_STATUSES, started_at__isnull=True
    ).update(status=Issue.Status.WITHDRAWN, position=None, updated_at=timezone.now())
