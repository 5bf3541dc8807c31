"""Pages of the issues session: bringing and backing issues, the queue, the live room,
notes, commitments and report-back, the check-in, and the access log.

Every page reads through `peerpower.issues.queries`; none filters confidential rows itself.
Forms that carry what members write are marked sensitive, so error reports never include it.
"""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Prefetch, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerpower.accounts.http import AuthenticatedRequest
from peerpower.accounts.models import User
from peerpower.groups.models import CONFIDENTIALITY_PLEDGE
from peerpower.groups.queries import groups_visible_to, is_active_chair
from peerpower.issues import actions
from peerpower.issues.forms import (
    ChairIssueForm,
    CommitmentForm,
    IssueForm,
    NoteForm,
    ReportForm,
    UpdateForm,
)
from peerpower.issues.models import Commitment, Issue, RoomState
from peerpower.issues.queries import (
    access_log_visible_to,
    can_enter_room,
    commitments_visible_to,
    holds_pledged_seat,
    issues_visible_to,
    needs_pledge,
    notes_visible_to,
    pledged_active_members,
    queue_for,
    room_version_for,
    updates_visible_to,
)
from peerpower.lib.http import add_action_errors
from peerpower.meetings.models import AgendaItem, Meeting, timed_agenda
from peerpower.meetings.queries import meetings_visible_to

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
    if not can_enter_room(request.user, meeting):
        raise Http404
    return meeting


def _issue_for_user(request: AuthenticatedRequest, pk: int) -> Issue:
    return get_object_or_404(
        issues_visible_to(request.user).select_related("meeting__group", "presenter"), pk=pk
    )


def _is_chair(request: AuthenticatedRequest, meeting: Meeting) -> bool:
    return is_active_chair(request.user, meeting.group_id)


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
    if not can_enter_room(request.user, meeting):
        return render(request, "issues/members_only.html", {"meeting": meeting}, status=403)
    context = _issues_context(request, meeting)
    actions.issue_views_record(issues=context["queue"], user=request.user)
    return render(request, "issues/meeting_issues.html", context)


def _issues_context(
    request: AuthenticatedRequest, meeting: Meeting, **forms: Any
) -> dict[str, Any]:
    protocol = actions.protocol_for(meeting)
    is_chair = _is_chair(request, meeting)
    queue = list(queue_for(request.user, meeting))
    # Last meeting's commitments all come up again, and older ones reported since, however
    # long before this meeting the member reported.
    previous_start = Subquery(
        Meeting.objects.filter(group_id=meeting.group_id, starts_at__lt=meeting.starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
    report_back = (
        commitments_visible_to(request.user)
        .filter(issue__group_id=meeting.group_id, issue__meeting__starts_at__lt=meeting.starts_at)
        .filter(
            Q(status__in=[Commitment.Status.OPEN, Commitment.Status.IN_PROGRESS])
            | Q(issue__meeting__starts_at__gte=previous_start)
            | Q(reported_at__gte=previous_start)
        )
        .select_related("member")
        .order_by("member__name", "due_on")
    )
    return {
        "meeting": meeting,
        "protocol": protocol,
        "fits": actions.issues_that_fit(meeting, protocol),
        "queue": queue,
        "is_chair": is_chair,
        "open_for_issues": not meeting.is_cancelled and meeting.starts_at > timezone.now(),
        "issue_form": forms.get("issue_form") or IssueForm(),
        "chair_form": forms.get("chair_form")
        or (ChairIssueForm(members=_member_users(meeting)) if is_chair else None),
        "update_form": forms.get("update_form") or UpdateForm(),
        "updates": list(
            updates_visible_to(request.user).filter(meeting=meeting).select_related("user")
        ),
        "report_back": list(report_back),
        "report_form": ReportForm(),
    }


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
    try:
        if request.POST.get("back") == "0":
            actions.issue_unback(issue=issue, user=request.user)
        else:
            actions.issue_back(issue=issue, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("issues:meeting", issue.meeting_id)


@PRIVATE
@require_POST
def queue_order(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_room(request, pk)
    chosen = []
    for key in request.POST:
        value = request.POST.get(key, "")
        if key.startswith("order_") and value.strip():
            try:
                chosen.append((int(value), int(key.removeprefix("order_"))))
            except ValueError:
                messages.error(
                    request,
                    "Give each issue you want to take a whole number; leave the rest empty.",
                )
                return redirect("issues:meeting", meeting.pk)
    try:
        queued = actions.queue_fix(
            meeting=meeting, order=[pk for _, pk in sorted(chosen)], by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"The order is fixed: {len(queued)} issue(s) queued; the rest are carried over.",
        )
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
    commitment = Commitment.objects.filter(issue=issue).first()
    return render(
        request,
        "issues/issue_detail.html",
        {
            "issue": issue,
            "is_presenter": issue.presenter_id == request.user.pk,
            "editable": issue.meeting.starts_at > timezone.now() and not issue.meeting.is_cancelled,
            "notes": list(
                notes_visible_to(request.user).filter(issue=issue).select_related("author")
            ),
            "note_count": issue.notes.count(),
            "commitment": commitment,
            "commitment_form": commitment_form
            or CommitmentForm(
                initial={"text": commitment.text, "due_on": commitment.due_on}
                if commitment
                else None
            ),
            "views": list(
                access_log_visible_to(request.user).filter(issue=issue).select_related("user")[:50]
            ),
        },
        status=400 if commitment_form is not None else 200,
    )


@PRIVATE
@SENSITIVE
@require_http_methods(["GET", "POST"])
def issue_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    issue = _issue_for_user(request, pk)
    if issue.presenter_id != request.user.pk:
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
    try:
        actions.issue_withdraw(issue=issue, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("issues:detail", issue.pk)
    messages.success(request, "Your issue is withdrawn.")
    return redirect("issues:meeting", issue.meeting_id)


@PRIVATE
@require_http_methods(["GET", "POST"])
def issue_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    issue = _issue_for_user(request, pk)
    if issue.presenter_id != request.user.pk:
        raise Http404
    if request.method == "POST":
        meeting_id = issue.meeting_id
        actions.issue_delete(issue=issue, by=request.user)
        messages.success(request, "Your issue and its notes are deleted.")
        return redirect("issues:meeting", meeting_id)
    return render(request, "issues/issue_delete.html", {"issue": issue})


@PRIVATE
@SENSITIVE
@require_POST
def room_note(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The scribe's note goes to the issue it was begun for (see room.js), else the current one."""
    meeting = _meeting_for_room(request, pk)
    state = actions.room_for(meeting)
    # The issue the scribe began the note for; the one being worked if the page did not say.
    wanted = request.POST.get("issue", "")
    issue_id = int(wanted) if wanted.isdecimal() else state.issue_id or 0
    issue = issues_visible_to(request.user).filter(pk=issue_id, meeting=meeting).first()
    form = NoteForm(request.POST)
    if issue is None:
        messages.error(request, "No issue is being worked, so there is nothing to note against.")
    elif not form.is_valid():
        messages.error(request, "Write the point first (up to 1,000 characters).")
    else:
        try:
            actions.note_add(issue=issue, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Noted for the presenter.")
    return redirect("issues:room", meeting.pk)


@PRIVATE
@require_POST
def notes_share(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    issue = _issue_for_user(request, pk)
    try:
        actions.notes_share(issue=issue, by=request.user, shared=request.POST.get("shared") == "1")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
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
        commitments_visible_to(request.user).select_related("issue"), pk=pk
    )
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            actions.commitment_report(commitment=commitment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Thank you for reporting back.")
    else:
        messages.error(request, "Choose where it stands and add a line on what happened.")
    meeting_id = request.POST.get("meeting", "")
    if request.POST.get("next") == "meeting" and meeting_id.isdecimal():
        return redirect("issues:meeting", int(meeting_id))
    return redirect("issues:commitments")


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
    commitments = (
        commitments_visible_to(request.user)
        .filter(member=request.user)
        .select_related("issue__group", "issue__meeting")
        .order_by("-due_on")
    )
    return render(
        request,
        "issues/commitments.html",
        {"commitments": commitments, "report_form": ReportForm()},
    )


@PRIVATE
@require_GET
def access_log(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(groups_visible_to(request.user), pk=pk)
    if not holds_pledged_seat(request.user, group):
        raise Http404
    # Who opened what, how often and when last; the issues are named by presenter and meeting,
    # not by their words, so the log itself is not one more place that shows them.
    rows = (
        access_log_visible_to(request.user)
        .filter(issue__group=group)
        .values(
            "user__name",
            "user__email",
            "issue_id",
            "issue__presenter__name",
            "issue__presenter__email",
            "issue__meeting__starts_at",
        )
        .annotate(times=Count("id"), last=Max("viewed_at"))
        .order_by("-last")[:300]
    )
    return render(request, "issues/access_log.html", {"group": group, "rows": rows})


# --- the live room -------------------------------------------------------------------------


def _room_context(
    request: AuthenticatedRequest, meeting: Meeting, room: RoomState, **extra: Any
) -> dict[str, Any]:
    now = timezone.now()
    items = list(meeting.agenda_items.all())
    segment = items[room.segment] if room.segment_started_at and room.segment < len(items) else None
    protocol = actions.protocol_for(meeting)
    steps = list(protocol.steps.all())
    issue = (
        issues_visible_to(request.user)
        .filter(pk=room.issue_id or 0)
        .select_related("presenter")
        .first()
    )
    if issue is not None:  # the room shows it: that is a view for the access log
        actions.issue_views_record(issues=[issue], user=request.user)
    step = steps[room.step] if issue and room.step < len(steps) else None
    is_chair = _is_chair(request, meeting)
    return {
        "meeting": meeting,
        "room": room,
        "now": now,
        "segments": timed_agenda(meeting, items),
        "segment": segment,
        "segment_ends_at": (
            room.segment_started_at + timedelta(minutes=segment.minutes)
            if segment and room.segment_started_at
            else None
        ),
        "issue": issue,
        "steps": steps,
        "step": step,
        "step_ends_at": room.step_started_at + timedelta(minutes=step.minutes)
        if step and room.step_started_at
        else None,
        "is_last_step": bool(steps) and room.step == len(steps) - 1,
        "is_chair": is_chair,
        "is_scribe": room.scribe_id == request.user.pk,
        "is_presenter": issue is not None and issue.presenter_id == request.user.pk,
        "queue": [i for i in queue_for(request.user, meeting) if i.status == Issue.Status.QUEUED]
        if is_chair
        else [],
        "members": list(pledged_active_members(meeting.group_id)) if is_chair else [],
        "note_form": NoteForm(),
        "commitment_form": CommitmentForm(),
        **extra,
    }


@PRIVATE
@require_GET
def room(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_room(request, pk)
    state = actions.room_for(meeting)
    return render(request, "issues/room.html", _room_context(request, meeting, state))


@PRIVATE
@require_GET
def room_state(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The poll. Unchanged since the version the page has: 204 and nothing else to do.

    The seat check and the version come in one query, so an unchanged poll costs that and
    the session's own lookups.
    """
    version = room_version_for(request.user, pk)
    if version is not None and request.GET.get("v") == str(version):
        return HttpResponse(status=204)
    return _room_state_full(request, pk)  # changed, or no room yet, or no seat (404)


def _room_state_full(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_room(request, pk)
    state = actions.room_for(meeting)
    etag = f'"room-{meeting.pk}-{state.version}"'
    if request.GET.get("v") == str(state.version):
        return HttpResponse(status=204)
    if request.headers.get("If-None-Match") == etag:
        return HttpResponse(status=304)
    response = render(request, "issues/room.html#state", _room_context(request, meeting, state))
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@PRIVATE
@require_POST
def room_act(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_room(request, pk)
    problem = ""
    try:
        actions.room_act(
            meeting=meeting,
            by=request.user,
            action=request.POST.get("action", ""),
            expected_version=int(request.POST.get("version", "0") or 0),
            issue_id=int(request.POST["issue"]) if request.POST.get("issue") else None,
            scribe_id=int(request.POST["scribe"]) if request.POST.get("scribe") else None,
        )
    except (ValidationError, ValueError) as error:
        problem = (
            " ".join(error.messages)
            if isinstance(error, ValidationError)
            else "That was not a valid choice."
        )
    state = actions.room_for(meeting)
    if request.htmx:
        return render(
            request,
            "issues/room.html#state",
            _room_context(request, meeting, state, problem=problem),
        )
    if problem:
        messages.error(request, problem)
    return redirect("issues:room", meeting.pk)
