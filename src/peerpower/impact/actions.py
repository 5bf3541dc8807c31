"""Survey business actions: answering, editing a survey, and the scheduled sending, reminding
and closing of rounds. Each action that takes `by` asks its rule first (impact/rules.py)."""

import logging
import random
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from peerpower.accounts.models import User
from peerpower.groups.models import Membership, PeerGroup
from peerpower.impact import tasks
from peerpower.impact.case import PARAGRAPH_MAX, PARAGRAPHS
from peerpower.impact.models import (
    BusinessCase,
    HeldAnswer,
    Invitation,
    Question,
    Response,
    Round,
    Survey,
)
from peerpower.impact.queries import answer_tokens, current_surveys, questions_of, unanswered
from peerpower.lib.rules import require
from peerpower.lib.sealing import seal, unseal
from peerpower.meetings.models import Meeting, Participation
from peerpower.networks.models import Network

log = logging.getLogger(__name__)

SHORT_MAX = 200
LONG_MAX = 4000
# A held answer is padded to this many bytes: every text answer at its longest, 4 bytes a
# character in UTF-8, with room for the JSON around them.
SEALED_LENGTH = 4 * (LONG_MAX * 3 + SHORT_MAX * 2) + 4096


def _month_add(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def clean_answers(questions: list[Question], given: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as stored, or a ValidationError naming each question's problem by its key:
    a required one skipped, a scale or number out of range, a choice not offered, text too
    long. Keys of no question are dropped."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for q in questions:
        value: Any = given.get(q.key)
        if value in (None, "", []):
            if q.required:
                errors[q.key] = "Answer this question."
            continue
        try:
            if q.kind in Question.SCALES or q.kind == Question.Kind.NUMBER:
                number = int(value)
                low, high = q.scale or (0, q.number_max if q.number_max is not None else 10**9)
                if not low <= number <= high:
                    raise ValueError(f"Choose a whole number from {low} to {high:,}.")
                clean[q.key] = number
            elif q.kind == Question.Kind.SINGLE:
                if value not in q.choices:
                    raise ValueError("Choose one of the answers offered.")
                clean[q.key] = value
            elif q.kind == Question.Kind.MULTIPLE:
                values = [value] if isinstance(value, str) else list(value or [])
                if any(v not in q.choices for v in values):
                    raise ValueError("Choose from the answers offered.")
                clean[q.key] = [c for c in q.choices if c in values]
            else:
                text = str(value).strip()
                limit = SHORT_MAX if q.kind == Question.Kind.SHORT else LONG_MAX
                if len(text) > limit:
                    raise ValueError(f"Keep this under {limit:,} characters.")
                if text:
                    clean[q.key] = text
                elif q.required:
                    raise ValueError("Answer this question.")
        except (TypeError, ValueError) as error:
            message = str(error)
            errors[q.key] = (
                message if message[:1].isupper() else "Choose a whole number in the range shown."
            )
    if errors:
        raise ValidationError(errors)
    return clean


@sensitive_variables("answers", "clean")
def answers_submit(
    *, invitation: Invitation, answers: Mapping[str, Any], may_quote: bool = False, by: User
) -> None:
    """The invited person answers, or changes their answer, while the round is open.

    Named: one `Response` per person and round (a second answer replaces the first; a partial
    unique constraint holds it). Anonymous: the answer is sealed and padded to one length and
    held under a keyed hash of the round and the person (`HeldAnswer`), replacing any earlier
    one, until `round_close` writes all the round's answers as responses with no author in one
    shuffled batch. Locks the round row, so an answer cannot slip in beside the close.
    Returns nothing: the caller has no handle on the row."""
    require(by, "impact.answer", invitation)
    round_ = invitation.round
    survey = round_.survey
    now = timezone.now()
    if not round_.is_open(now):
        raise ValidationError(
            "This survey has not opened yet."
            if now < round_.opens_at
            else "This survey has closed."
        )
    clean = clean_answers(questions_of(survey), answers)
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if not locked.is_open(timezone.now()):
            raise ValidationError("This survey has closed.")
        if survey.anonymous:
            tokens = answer_tokens(locked, by.pk)
            HeldAnswer.objects.filter(round=locked, token__in=tokens).delete()
            HeldAnswer.objects.create(
                round=locked, token=tokens[0], sealed=seal({"answers": clean}, SEALED_LENGTH)
            )
        else:
            Response.objects.update_or_create(
                round=locked,
                respondent=by,
                defaults={
                    "survey": survey,
                    "answers": clean,
                    "may_quote": may_quote,
                    "updated_at": timezone.now(),
                },
            )


def survey_update(
    *,
    survey: Survey,
    network: Network,
    title: str,
    intro: str,
    questions: Mapping[str, Mapping[str, Any]],
    by: User,
) -> Survey:
    """The network's admin changes a survey's wording and which questions must be answered
    (`questions`: key -> {"text", "help_text", "required"}). A version that has been sent (so
    may have answers) is never changed: the edit is a new version in the same family and the
    old one retires; so is an edit of a built-in survey (the network's first own version).
    A question's key (the measure it feeds) and kind stay, so versions still compare.
    Returns the version now in use."""
    require(by, "impact.manage_surveys", network)
    if survey.network_id not in (None, network.pk):
        raise ValidationError("This survey belongs to another network.")
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Give the survey a title."})
    changes: dict[str, dict[str, Any]] = {}
    for q in questions_of(survey):
        given = questions.get(q.key, {})
        text = str(given.get("text", q.text)).strip()
        if not text:
            raise ValidationError({f"text_{q.key}": "A question needs its words."})
        changes[q.key] = {
            "text": text[:300],
            "help_text": str(given.get("help_text", q.help_text)).strip()[:300],
            "required": bool(given.get("required", q.required)),
        }
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        sent = Round.objects.filter(survey=locked).exists()
        if locked.network_id is None or sent:
            own = locked.network_id is not None
            latest = (
                Survey.objects.filter(family=locked.family).order_by("-version").first()
                if own
                else None
            )
            target = Survey.objects.create(
                network=network,
                kind=locked.kind,
                family=locked.family if own else Survey._meta.get_field("family").get_default(),
                version=(latest.version + 1) if latest else 1,
                title=title,
                intro=intro.strip(),
                anonymous=locked.anonymous,
                open_days=locked.open_days,
            )
            Question.objects.bulk_create(
                Question(
                    survey=target,
                    position=q.position,
                    key=q.key,
                    kind=q.kind,
                    choices=q.choices,
                    number_max=q.number_max,
                    lower_is_better=q.lower_is_better,
                    scored=q.scored,
                    **changes[q.key],
                )
                for q in questions_of(locked)
            )
            Survey.objects.filter(network=network, kind=locked.kind, retired=False).exclude(
                pk=target.pk
            ).update(retired=True)
            return target
        locked.title = title
        locked.intro = intro.strip()
        locked.save(update_fields=["title", "intro"])
        for q in questions_of(locked):
            for name, value in changes[q.key].items():
                setattr(q, name, value)
            q.save(update_fields=list(changes[q.key]))
        return locked


def erase_words_of(person: User) -> None:
    """For the erasure of a person (privacy.actions.person_erase, inside its transaction):
    every text answer of their named responses is removed and none may be quoted; scores and
    choices stay, so the network's figures do not change. Anonymous answers are nobody's. Their
    business case is deleted."""
    responses = list(Response.objects.filter(respondent=person).select_related("survey"))
    texts = {
        (q.survey_id, q.key)
        for q in Question.objects.filter(
            survey_id__in={r.survey_id for r in responses}, kind__in=Question.TEXTS
        )
    }
    for response in responses:
        response.answers = {
            k: v for k, v in response.answers.items() if (response.survey_id, k) not in texts
        }
        response.may_quote = False
        response.save(update_fields=["answers", "may_quote"])
    BusinessCase.objects.filter(user=person).delete()


# --- scheduling


def _open_round(
    *,
    survey: Survey,
    network_id: int,
    key: str,
    people: list[int],
    now: datetime,
    group_id: int | None = None,
    meeting_id: int | None = None,
) -> Round | None:
    """Make the round for `key` and its invitations, unless it exists; queue the emails."""
    if not people or Round.objects.filter(network_id=network_id, key=key).exists():
        return None
    try:
        with transaction.atomic():
            round_ = Round.objects.create(
                survey=survey,
                network_id=network_id,
                group_id=group_id,
                meeting_id=meeting_id,
                key=key,
                opens_at=now,
                closes_at=now + timedelta(days=survey.open_days),
            )
            invitations = Invitation.objects.bulk_create(
                Invitation(round=round_, user_id=user_id) for user_id in sorted(set(people))
            )
    except IntegrityError:  # another consumer made it first
        return None
    for invitation in invitations:
        transaction.on_commit(partial(tasks.send_invitation, invitation.pk))
    return round_


def _quarter(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def surveys_schedule_due(now: datetime | None = None) -> int:
    """Open the rounds that are due, each once (a round's key is unique in its network, so
    several consumers running this at once make one): a baseline for members who joined in the
    last 60 days, the 6- and 12-month follow-ups in the 30 days after those dates, the exit
    survey for members who left in the last 30 days, the after-meeting survey for meetings
    that ended in the last 3 days (to those marked present, or who said they would come where
    attendance was not taken), and the quarterly group health in each quarter's last month (to
    the group's active members but the chair, who is what it asks about). Returns how many
    rounds it opened."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    opened = 0
    surveys: dict[int, dict[str, Survey]] = {}

    def survey(network_id: int, kind: str) -> Survey:
        if network_id not in surveys:
            surveys[network_id] = current_surveys(network_id)
        return surveys[network_id][kind]

    memberships = Membership.objects.select_related("group").filter(
        status=Membership.Status.ACTIVE, joined_on__isnull=False, user__is_active=True
    )
    for m in memberships.filter(joined_on__gte=today - timedelta(days=60)):
        opened += bool(
            _open_round(
                survey=survey(m.group.network_id, Survey.Kind.BASELINE),
                network_id=m.group.network_id,
                group_id=m.group_id,
                key=f"baseline:m{m.pk}",
                people=[m.user_id],
                now=now,
            )
        )
    for months, kind in ((6, Survey.Kind.FOLLOWUP_6), (12, Survey.Kind.FOLLOWUP_12)):
        start = _month_add(today, -months)
        for m in memberships.filter(joined_on__lte=start, joined_on__gt=start - timedelta(days=30)):
            opened += bool(
                _open_round(
                    survey=survey(m.group.network_id, kind),
                    network_id=m.group.network_id,
                    group_id=m.group_id,
                    key=f"{kind}:m{m.pk}",
                    people=[m.user_id],
                    now=now,
                )
            )
    for m in Membership.objects.select_related("group").filter(
        status=Membership.Status.LEFT, left_on__gte=today - timedelta(days=30), user__is_active=True
    ):
        opened += bool(
            _open_round(
                survey=survey(m.group.network_id, Survey.Kind.EXIT),
                network_id=m.group.network_id,
                group_id=m.group_id,
                key=f"exit:m{m.pk}",
                people=[m.user_id],
                now=now,
            )
        )
    meetings = Meeting.objects.select_related("group").filter(
        status=Meeting.Status.SCHEDULED, ends_at__lte=now, ends_at__gt=now - timedelta(days=3)
    )
    for meeting in meetings:
        rows = Participation.objects.filter(meeting=meeting)
        present = list(
            rows.filter(attendance=Participation.Attendance.PRESENT).values_list(
                "user_id", flat=True
            )
        )
        if not rows.exclude(attendance="").exists():
            present = list(
                rows.filter(rsvp=Participation.Rsvp.ATTENDING).values_list("user_id", flat=True)
            )
        opened += bool(
            _open_round(
                survey=survey(meeting.group.network_id, Survey.Kind.AFTER_MEETING),
                network_id=meeting.group.network_id,
                group_id=meeting.group_id,
                meeting_id=meeting.pk,
                key=f"meeting:{meeting.pk}",
                people=present,
                now=now,
            )
        )
    if today.month % 3 == 0:
        year, quarter = _quarter(today)
        for group in PeerGroup.objects.all():
            people = list(
                Membership.objects.filter(
                    group=group, status=Membership.Status.ACTIVE, role=Membership.Role.MEMBER
                ).values_list("user_id", flat=True)
            )
            opened += bool(
                _open_round(
                    survey=survey(group.network_id, Survey.Kind.GROUP_HEALTH),
                    network_id=group.network_id,
                    group_id=group.pk,
                    key=f"health:g{group.pk}:{year}Q{quarter}",
                    people=people,
                    now=now,
                )
            )
    return opened


def reminders_send_due(now: datetime | None = None) -> int:
    """The one reminder: once a round is half way to closing, each invitation not yet answered
    and not yet reminded is claimed (`reminded_at` set under a row lock, so several consumers
    send it once) and its reminder queued. Returns how many were queued."""
    now = now or timezone.now()
    sent = 0
    rounds = Round.objects.select_related("survey").filter(
        released_at=None, opens_at__lte=now, closes_at__gt=now
    )
    for round_ in rounds:
        if now < round_.opens_at + (round_.closes_at - round_.opens_at) / 2:
            continue
        with transaction.atomic():
            waiting = list(
                Invitation.objects.select_for_update().filter(round=round_, reminded_at=None)
            )
            due = unanswered(round_, waiting)
            Invitation.objects.filter(pk__in=[i.pk for i in waiting]).update(reminded_at=now)
            for invitation in due:
                transaction.on_commit(partial(tasks.send_reminder, invitation.pk))
            sent += len(due)
    return sent


def round_close(*, round_: Round, now: datetime | None = None) -> bool:
    """Close one round for good. Anonymous: its held answers are opened and written as
    responses with no author, in a random order (`SystemRandom`) with fresh random keys, in
    one batch, and the held rows deleted. Locks the round row and checks again under it, so a
    second run does nothing. Returns whether this run closed it."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Round.objects.select_for_update().select_related("survey").filter(pk=round_.pk).first()
        )
        if locked is None or locked.released_at is not None:
            return False
        if locked.survey.anonymous:
            held = list(HeldAnswer.objects.filter(round=locked))
            rows = []
            for item in held:
                opened = unseal(item.sealed)
                if opened is None:
                    continue
                rows.append(Response(round=locked, survey=locked.survey, answers=opened["answers"]))
            random.SystemRandom().shuffle(rows)
            Response.objects.bulk_create(rows)
            HeldAnswer.objects.filter(round=locked).delete()
            if len(rows) < len(held):
                log.warning("A survey round had %d answers no key opens.", len(held) - len(rows))
        locked.released_at = now
        locked.save(update_fields=["released_at"])
        return True


def rounds_close_due(now: datetime | None = None) -> int:
    """Close every round whose time has run out (`round_close`). Returns how many closed."""
    now = now or timezone.now()
    due = Round.objects.filter(released_at=None, closes_at__lte=now)
    return sum(round_close(round_=r, now=now) for r in due)


def case_save(*, network: Network, paragraphs: Mapping[str, str], by: User) -> BusinessCase:
    """The member keeps their own wording of their business case's paragraphs (a blank one
    goes back to the default). Their own row, one per network; each paragraph at most
    `case.PARAGRAPH_MAX` characters."""
    require(by, "impact.make_case", network)
    keys = {key for key, _ in PARAGRAPHS}
    own: dict[str, str] = {}
    for key, text in paragraphs.items():
        if key not in keys:
            continue
        text = (text or "").strip()
        if len(text) > PARAGRAPH_MAX:
            raise ValidationError({key: f"Keep each paragraph under {PARAGRAPH_MAX:,} characters."})
        if text:
            own[key] = text
    with transaction.atomic():
        case, _ = BusinessCase.objects.select_for_update().get_or_create(user=by, network=network)
        case.paragraphs = own
        case.save(update_fields=["paragraphs", "updated_at"])
    return case
