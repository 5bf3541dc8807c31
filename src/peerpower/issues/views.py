"""Pages of the issues session: bringing and backing issues, the queue, the live room,
notes, commitments and report-back, the check-in, and the access log.

Every page reads through `peerpower.issues.queries`; none filters confidential rows itself.
Forms that carry what members write are marked sensitive, so error reports never include it.
"""

import time
from collections.abc import Iterable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import (
    condition,
    require_GET,
    require_http_methods,
    require_POST,
)

from peerpower.accounts.http import AuthenticatedRequest
from peerpower.accounts.models import User
from peerpower.audit.actions import record_refused_read
from peerpower.groups.models import CONFIDENTIALITY_PLEDGE
from peerpower.groups.queries import groups_visible_to
from peerpower.issues import actions, export
from peerpower.issues import room as live
from peerpower.issues.forms import (
    ChairIssueForm,
    CommitmentForm,
    DeleteForm,
    IssueForm,
    NoteForm,
    NotesShareForm,
    QueueOrderForm,
    ReportForm,
    RoomActForm,
    SupportForm,
    UndoForm,
    UpdateForm,
    WithdrawForm,
)
from peerpower.issues.models import COMMITMENT_MAX, Commitment, Issue
from peerpower.issues.queries import (
    access_log_summary,
    carried_from,
    commitments_visible_to,
    issues_that_fit,
    issues_visible_to,
    needs_pledge,
    notes_visible_to,
    pledged_active_members,
    queue_for,
    readers_of,
    report_back_for,
    room_version,
    room_version_for,
    updates_visible_to,
)
from peerpower.lib import undo
from peerpower.lib.http import add_action_errors, seat_checked
from peerpower.lib.rules import can
from peerpower.meetings.models import AgendaItem, Meeting
from peerpower.meetings.queries import meetings_visible_to, next_scheduled_after

# Confidential pages must not be kept by the browser (back button, disk cache on a shared PC).
PRIVATE = cache_control(private=True, no_store=True)
SENSITIVE = sensitive_post_parameters(
    "question", "why_now", "tried", "help_wanted", "text", "report", "comment"
)


def _meeting_for_room(request: AuthenticatedRequest, pk: int) -> Meeting:
    """The meeting, if the person holds a pledged seat in its group; 404 otherwise."""
    meeting = get_object_or_404(
        meetings_visible_to(request.user).prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position"))
        ),
        pk=pk,
    )
    if not can(request.user, "issues.see", meeting):
        record_refused_read(user=request.user, name="issues.see", obj=meeting)
        raise Http404
    return meeting


def _issue_for_user(request: AuthenticatedRequest, pk: int) -> Issue:
    try:
        return (
            issues_visible_to(request.user).select_related("meeting__group", "presenter").get(pk=pk)
        )
    except Issue.DoesNotExist:
        # An issue that exists but is kept from this person: a refusal for the audit log.
        hidden = Issue.objects.filter(pk=pk).select_related("meeting__group").first()
        if hidden is not None:
            record_refused_read(user=request.user, name="issues.read", obj=hidden)
        raise Http404 from None


def _refusal(error: ValidationError) -> str:
    return " ".join(error.messages)


@PRIVATE
@require_GET
def meeting_issues(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        meetings_visible_to(request.user).prefetch_related("agenda_items"), pk=pk
    )
    if needs_pledge(request.user, meeting.group):
        return render(
            request,
            "issues/pledge_first.html",
            {"meeting": meeting, "pledge": CONFIDENTIALITY_PLEDGE},
        )
    if not can(request.user, "issues.see", meeting):
        record_refused_read(user=request.user, name="issues.see", obj=meeting)
        return render(request, "issues/members_only.html", {"meeting": meeting}, status=403)
    # The list shows only questions: reading an issue is opening it (or the room showing it),
    # so this page writes nothing to the access log.
    return render(request, "issues/meeting_issues.html", _issues_context(request, meeting))


def _issues_context(
    request: AuthenticatedRequest, meeting: Meeting, **forms: Any
) -> dict[str, Any]:
    user = request.user
    protocol = live.protocol_for(meeting)
    phase = live.phase_of(meeting)
    is_chair = can(user, "issues.order", meeting)
    before_start = phase == live.Phase.WAITING and not meeting.has_started()
    updates = list(updates_visible_to(user).filter(meeting=meeting).select_related("user"))
    mine = next((u for u in updates if u.user_id == user.pk), None)
    now = timezone.now()
    check_in_open = (
        not meeting.is_cancelled
        and meeting.starts_at - actions.CHECK_IN_OPENS
        <= now
        <= meeting.ends_at + actions.CHECK_IN_OPENS
    )
    return {
        "meeting": meeting,
        "phase": phase,
        "protocol": protocol,
        "fits": issues_that_fit(meeting, protocol),
        "queue": _with_order_form(list(queue_for(user, meeting)), forms.get("order_form")),
        "is_chair": is_chair,
        "open_for_issues": before_start,
        "can_bring": before_start and can(user, "issues.bring", meeting),
        "can_order": before_start and is_chair,
        "chair_adds": is_chair and phase in (live.Phase.WAITING, live.Phase.RUNNING),
        "room_open": phase in (live.Phase.WAITING, live.Phase.RUNNING),
        "paused": not can(user, "issues.bring", meeting),
        "next_meeting": next_scheduled_after(meeting) if meeting.is_cancelled else None,
        "carried": list(carried_from(user, meeting)),
        "issue_form": forms.get("issue_form") or IssueForm(),
        "chair_form": forms.get("chair_form")
        or (ChairIssueForm(members=_member_users(meeting)) if is_chair else None),
        "check_in_open": check_in_open,
        "my_update": mine,
        "update_form": forms.get("update_form")
        or UpdateForm(
            initial={"work": mine.work, "personal": mine.personal, "comment": mine.comment}
            if mine
            else None
        ),
        "updates": updates,
        "report_back": _with_report_forms(
            report_back_for(user, meeting), forms.get("report_form"), meeting.pk
        ),
        "commitment_max": COMMITMENT_MAX,
    }


def _with_order_form(queue: list[Issue], form: QueueOrderForm | None) -> list[Issue]:
    """The queue, each issue with the chair's number as posted and its error, after a refused
    order (so the numbers typed stay, each error beside its box)."""
    for issue in queue:
        name = f"order_{issue.pk}"
        posted, error = None, ""
        if form is not None:
            posted, error = form.data.get(name, ""), " ".join(map(str, form.errors.get(name, [])))
        issue.order_posted, issue.order_error = posted, error  # type: ignore[attr-defined]
    return queue


def _with_report_forms(
    commitments: Iterable[Commitment], posted: ReportForm | None, meeting_id: int | None
) -> list[Commitment]:
    """The commitments, each with its report-back form: the refused one as posted."""
    listed = list(commitments)
    for c in listed:
        mine = posted is not None and posted.commitment_id == c.pk
        c.report_form = posted if mine else ReportForm.for_commitment(c, meeting_id=meeting_id)  # type: ignore[attr-defined]
    return listed


def _member_users(meeting: Meeting) -> Any:
    """Who the chair can bring an issue for."""
    pledged = pledged_active_members(meeting.group_id)
    return User.objects.filter(pk__in=pledged.values("user_id")).order_by("name")


@PRIVATE
@SENSITIVE
@sensitive_variables("data", "form")
@require_POST
def issue_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_room(request, pk)
    chair_adding = "presenter" in request.POST
    if chair_adding:
        form: IssueForm = ChairIssueForm(request.POST, members=_member_users(meeting))
    else:
        form = IssueForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        presenter = data.pop("presenter", request.user)
        try:
            actions.issue_submit(meeting=meeting, presenter=presenter, by=request.user, **data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "The issue is in the queue for this meeting.")
            return redirect("issues:meeting", meeting.pk)
    key = "chair_form" if chair_adding else "issue_form"
    return render(
        request,
        "issues/meeting_issues.html",
        _issues_context(request, meeting, **{key: form}),
        status=400,
    )


@PRIVATE
@require_POST
def issue_back(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    issue = _issue_for_user(request, pk)
    form = SupportForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("That was not a valid choice.")
        if form.supports():
            actions.issue_back(issue=issue, user=request.user)
        else:
            actions.issue_unback(issue=issue, user=request.user)
    except ValidationError as error:
        messages.error(request, _refusal(error))
    return redirect("issues:meeting", issue.meeting_id)


@PRIVATE
@require_POST
def queue_order(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_room(request, pk)
    open_ids = issues_visible_to(request.user).filter(
        meeting=meeting, status__in=Issue.OPEN_STATUSES
    )
    form = QueueOrderForm(request.POST, issue_ids=open_ids.values_list("pk", flat=True))
    if not form.is_valid():
        return render(
            request,
            "issues/meeting_issues.html",
            _issues_context(request, meeting, order_form=form),
            status=400,
        )
    open_before = len(form.fields)  # one number field per open issue
    try:
        queued = actions.queue_fix(meeting=meeting, order=form.order(), by=request.user)
    except ValidationError as error:
        messages.error(request, _refusal(error))
    else:
        count = len(queued)
        message = ngettext(
            "The order is fixed: %(count)d issue queued.",
            "The order is fixed: %(count)d issues queued.",
            count,
        ) % {"count": count}
        left = open_before - count
        if left > 0:  # say "carried over" only when something was
            message += " " + ngettext(
                "%(left)d more is carried over to the next meeting.",
                "%(left)d more are carried over to the next meeting.",
                left,
            ) % {"left": left}
        messages.success(request, message)
    return redirect("issues:meeting", meeting.pk)


@PRIVATE
@require_GET
def issue_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    issue = _issue_for_user(request, pk)
    actions.issue_views_record(issues=[issue], user=request.user)
    return _issue_page(request, issue)


def _issue_page(
    request: AuthenticatedRequest, issue: Issue, commitment_form: CommitmentForm | None = None
) -> HttpResponse:
    user = request.user
    commitment = Commitment.objects.filter(issue=issue).first()
    is_presenter = can(user, "issues.edit", issue)
    changeable = (
        is_presenter
        and issue.is_open
        and not issue.is_worked
        and not issue.meeting.is_cancelled
        and not issue.meeting.has_started()
    )
    return render(
        request,
        "issues/issue_detail.html",
        {
            "issue": issue,
            "is_presenter": is_presenter,
            "editable": changeable,
            # A commitment and the notes come out of the room working the issue.
            "worked": issue.is_worked,
            "notes": list(notes_visible_to(user).filter(issue=issue).select_related("author")),
            "note_count": issue.notes.count(),
            "commitment": commitment,
            "commitment_form": commitment_form
            or CommitmentForm(
                initial={"text": commitment.text, "due_on": commitment.due_on}
                if commitment
                else None
            ),
            "readers": list(readers_of(user, issue)),
        },
        status=400 if commitment_form is not None else 200,
    )


@PRIVATE
@SENSITIVE
@require_http_methods(["GET", "POST"])
@sensitive_variables()  # every local here holds the issue's words (`initial` above all)
def issue_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    issue = _issue_for_user(request, pk)
    if not can(request.user, "issues.edit", issue):
        raise Http404
    initial = {
        f: getattr(issue, f) for f in ("question", "why_now", "tried", "help_wanted", "urgency")
    }
    form = IssueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.issue_update(issue=issue, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Your issue is updated.")
            return redirect("issues:detail", issue.pk)
    return render(request, "issues/issue_edit.html", {"issue": issue, "form": form})


@PRIVATE
@require_POST
def issue_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    issue = _issue_for_user(request, pk)
    form = WithdrawForm(request.POST)
    status, position = issue.status, issue.position  # what an undo puts back
    try:
        if not form.is_valid():
            raise ValidationError(list(form.non_field_errors()))
        actions.issue_withdraw(issue=issue, by=request.user)
    except ValidationError as error:
        messages.error(request, _refusal(error))
        return redirect("issues:detail", issue.pk)
    undo.offer(
        request,
        url=reverse("issues:restore", args=[issue.pk]),
        message="Your issue is withdrawn.",
        data={"issue": issue.pk, "status": status, "position": position},
    )
    return redirect("issues:meeting", issue.meeting_id)


@PRIVATE
@require_POST
def issue_restore(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The "Undo" of a withdrawal, offered in its status message for a few minutes."""
    issue = _issue_for_user(request, pk)
    offered = undo.take(request, reverse("issues:restore", args=[issue.pk]))
    try:
        if not UndoForm(request.POST).is_valid() or offered is None:
            raise ValidationError("There is nothing to undo here.")
        actions.issue_restore(issue=issue, by=request.user, undo=offered)
    except ValidationError as error:
        messages.error(request, _refusal(error))
        return redirect("issues:detail", issue.pk)
    messages.success(request, "Your issue is back.")
    return redirect("issues:detail", issue.pk)


@PRIVATE
@require_http_methods(["GET", "POST"])
def issue_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    issue = _issue_for_user(request, pk)
    if not can(request.user, "issues.delete", issue):
        raise Http404
    if request.method == "POST" and DeleteForm(request.POST).is_valid():
        meeting_id = issue.meeting_id
        actions.issue_delete(issue=issue, by=request.user)
        messages.success(request, "Your issue and its notes are deleted.")
        return redirect("issues:meeting", meeting_id)
    return render(request, "issues/issue_delete.html", {"issue": issue})


@PRIVATE
@require_POST
def notes_share(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    issue = _issue_for_user(request, pk)
    form = NotesShareForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("That was not a valid choice.")
        actions.notes_share(issue=issue, by=request.user, shared=form.cleaned_data["shared"])
    except ValidationError as error:
        messages.error(request, _refusal(error))
    return redirect("issues:detail", issue.pk)


@PRIVATE
@SENSITIVE
@require_POST
def commitment_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    issue = _issue_for_user(request, pk)
    form = CommitmentForm(request.POST)
    if form.is_valid():
        try:
            actions.commitment_record(issue=issue, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request, "Your commitment is recorded. The group will ask how it went next time."
            )
            return redirect("issues:detail", issue.pk)
    return _issue_page(request, issue, commitment_form=form)  # the errors beside the fields


@PRIVATE
@SENSITIVE
@require_POST
def commitment_report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    commitment = get_object_or_404(
        commitments_visible_to(request.user).select_related("issue__meeting"), pk=pk
    )
    form = ReportForm.for_commitment(commitment, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.commitment_report(
                commitment=commitment,
                by=request.user,
                status=Commitment.Status(data["status"]),
                report=data["report"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Thank you for reporting back.")
            if data["meeting"]:
                return redirect("issues:meeting", data["meeting"])
            return redirect("issues:commitments")
    # Refused: the page it came from again, with what was typed and each error beside its field.
    meeting_id = form.cleaned_data.get("meeting")
    meeting = (
        meetings_visible_to(request.user).filter(pk=meeting_id).first() if meeting_id else None
    )
    if meeting is not None and can(request.user, "issues.see", meeting):
        context = _issues_context(request, meeting, report_form=form)
        if any(c.pk == commitment.pk for c in context["report_back"]):
            return render(request, "issues/meeting_issues.html", context, status=400)
    return _commitments_page(request, form, status=400)


@PRIVATE
@SENSITIVE
@require_POST
def update_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_room(request, pk)
    form = UpdateForm(request.POST)
    if form.is_valid():
        try:
            actions.update_submit(meeting=meeting, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Your check-in is shared with the group.")
            return redirect("issues:meeting", meeting.pk)
    return render(
        request,
        "issues/meeting_issues.html",
        _issues_context(request, meeting, update_form=form),
        status=400,
    )


@PRIVATE
@require_GET
def my_commitments(request: AuthenticatedRequest) -> HttpResponse:
    return _commitments_page(request)


def _commitments_page(
    request: AuthenticatedRequest, posted: ReportForm | None = None, status: int = 200
) -> HttpResponse:
    commitments = (
        commitments_visible_to(request.user)
        .filter(member=request.user)
        .select_related("issue__group", "issue__meeting")
        .order_by("-due_on")
    )
    return render(
        request,
        "issues/commitments.html",
        {"commitments": _with_report_forms(commitments, posted, None)},
        status=status,
    )


ACCESS_LOG_PER_PAGE = 50


@PRIVATE
@require_GET
def access_log(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(groups_visible_to(request.user), pk=pk)
    if not can(request.user, "issues.see_access_log", group):
        raise Http404
    # Every row is kept and reachable: the log is paged, never cut.
    page = Paginator(access_log_summary(request.user, group), ACCESS_LOG_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "issues/access_log.html", {"group": group, "page": page})


# --- the live room ---------------------------------------------------------------------------


def _room_page(
    request: AuthenticatedRequest,
    meeting: Meeting,
    view: live.RoomView,
    template: str = "issues/room.html",
    *,
    note_form: NoteForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    if view.shown:  # the room showed the issue in hand: a read, for the access log
        actions.issue_views_record(issues=view.shown, user=request.user)
    if not view.practice:  # only reached through the seat check (_meeting_for_room)
        _trust_room_seat(request, meeting.pk)
    return render(
        request,
        template,
        {
            "meeting": meeting,
            "view": view,
            "room": view.room,
            "note_form": note_form or NoteForm(initial={"issue": view.room.issue_id}),
            "act_url": reverse(
                "issues:practice_act" if view.practice else "issues:room_act", args=[meeting.pk]
            ),
            "commitment_form": CommitmentForm(),
            "problem": problem,
        },
        status=status,
    )


@PRIVATE
@require_GET
def room(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_room(request, pk)
    return _room_page(request, meeting, live.room_view(meeting=meeting, user=request.user))


class _PollRequest(AuthenticatedRequest):
    room_version: int | None


# A session that was shown a room with its seat checked is trusted with the room's bare version
# for this long. An unchanged poll then costs one primary-key lookup and no seat check: its
# answer (204, "nothing new") carries no content, and a changed room is answered only after
# the full check. So someone who loses their seat gets nothing new from the next change on.
ROOM_SEAT_TRUSTED = 60  # seconds
ROOM_SEATS_KEY = "peerpower.room_seats"


def _trust_room_seat(request: HttpRequest, pk: int) -> None:
    """Remember in the session that this person's seat in the room was checked just now (the
    session is written at most every half of ROOM_SEAT_TRUSTED, not on every poll)."""
    now = time.time()
    seats: dict[str, float] = request.session.get(ROOM_SEATS_KEY, {})
    if seats.get(str(pk), 0) - now < ROOM_SEAT_TRUSTED / 2:
        seats = {m: until for m, until in seats.items() if until > now}
        seats[str(pk)] = now + ROOM_SEAT_TRUSTED
        request.session[ROOM_SEATS_KEY] = seats


def _poll_version(request: HttpRequest, pk: int) -> int | None:
    """The room's version for this person (None: no seat), asked once per request."""
    poll = cast(_PollRequest, request)
    if not hasattr(poll, "room_version"):
        trusted = poll.session.get(ROOM_SEATS_KEY, {}).get(str(pk), 0) > time.time()
        poll.room_version = room_version(pk) if trusted else room_version_for(poll.user, pk)
        if poll.room_version is not None and not trusted:
            _trust_room_seat(poll, pk)
    return poll.room_version


def _poll_etag(request: HttpRequest, pk: int) -> str | None:
    version = _poll_version(request, pk)
    return None if version is None else f"room-{pk}-{version}"


@seat_checked
@PRIVATE
@require_GET
@condition(etag_func=_poll_etag)
def room_state(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The poll. Django's conditional handling answers 304 to a matching If-None-Match; a page
    that says which version it has (`?v=`) gets 204 while that is still the room's. Either way
    an unchanged room costs one indexed query beyond the session's own lookups."""
    version = _poll_version(request, pk)
    if version is not None and request.GET.get("v") == str(version):
        return HttpResponse(status=204)
    meeting = _meeting_for_room(request, pk)  # changed, or no seat (404)
    response = _room_page(
        request,
        meeting,
        live.room_view(meeting=meeting, user=request.user),
        "issues/room.html#state",
    )
    response["Cache-Control"] = "private, no-cache"
    return response


def _room_press(request: AuthenticatedRequest, meeting: Meeting, practice: bool) -> HttpResponse:
    form = RoomActForm(request.POST)
    problem = ""
    record = None
    try:
        if not form.is_valid():
            raise ValidationError("That was not a valid choice.")
        data = form.cleaned_data
        if practice:
            record = live.practice_act(
                meeting=meeting,
                by=request.user,
                state=_practice_state(request, meeting),
                action=data["action"],
                expected_version=data["version"],
                issue_id=data["issue"],
                scribe_id=data["scribe"],
            )
            request.session.modified = True
        else:
            live.room_act(
                meeting=meeting,
                by=request.user,
                action=data["action"],
                expected_version=data["version"],
                issue_id=data["issue"],
                scribe_id=data["scribe"],
            )
    except ValidationError as error:
        problem = _refusal(error)
    if practice and record is None and can(request.user, "issues.practise", meeting):
        record = live.PracticeRecord(_practice_state(request, meeting), meeting.group_id)
    view = live.room_view(meeting=meeting, user=request.user, practice=record)
    if request.htmx:
        return _room_page(request, meeting, view, "issues/room.html#state", problem=problem)
    if problem:
        messages.error(request, problem)
    return redirect("issues:practice" if practice else "issues:room", meeting.pk)


@PRIVATE
@require_POST
def room_act(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _room_press(request, _meeting_for_room(request, pk), practice=False)


@PRIVATE
@SENSITIVE
@require_POST
def room_note(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The scribe's note goes to the issue it was begun for (see room.js), else the current one.
    A note refused for any reason comes back on the page with its text, beside the reason."""
    meeting = _meeting_for_room(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        wanted = form.cleaned_data["issue"] or live.room_for(meeting).issue_id or 0
        issue = (
            issues_visible_to(request.user)
            .filter(pk=wanted, meeting=meeting)
            .select_related("meeting__group")
            .first()
        )
        try:
            if issue is None:
                raise ValidationError(
                    {"text": "No issue is being worked, so there is nothing to note against."}
                )
            actions.note_add(issue=issue, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Noted for the presenter.")
            return redirect("issues:room", meeting.pk)
    view = live.room_view(meeting=meeting, user=request.user)
    return _room_page(request, meeting, view, note_form=form, status=400)


# --- the practice room -----------------------------------------------------------------------


def _practice_state(request: AuthenticatedRequest, meeting: Meeting) -> dict[str, Any]:
    """The chair's rehearsal of this meeting's room, in their own session."""
    state: dict[str, Any] = request.session.setdefault(f"issues.practice.{meeting.pk}", {})
    return state


@PRIVATE
@require_GET
def practice(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_room(request, pk)
    if not can(request.user, "issues.practise", meeting):
        raise Http404
    record = live.PracticeRecord(_practice_state(request, meeting), meeting.group_id)
    view = live.room_view(meeting=meeting, user=request.user, practice=record)
    return _room_page(request, meeting, view)


@PRIVATE
@require_POST
def practice_act(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_room(request, pk)
    if not can(request.user, "issues.practise", meeting):
        raise Http404
    return _room_press(request, meeting, practice=True)


# --- a member's own record ----------------------------------------------------------------------


@PRIVATE
@require_GET
def own_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The member's own issues, notes and commitments in the group, as a file to keep."""
    group = get_object_or_404(groups_visible_to(request.user), pk=pk)
    if not can(request.user, "issues.keep_own_record", group):
        raise Http404
    response = HttpResponse(
        export.own_record(group=group, by=request.user), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export.own_record_filename(group)}"'
    return response
