"""Meeting pages: a meeting, its agenda and replies; changing it; RSVP; attendance; calendars."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerpower.accounts.http import AuthenticatedRequest, MaybeAnonymousRequest
from peerpower.accounts.models import User
from peerpower.groups.access import access_for
from peerpower.groups.queries import current_memberships
from peerpower.lib.http import add_action_errors, calendar_response
from peerpower.lib.rules import can
from peerpower.meetings import actions
from peerpower.meetings.calendar import FEED_NAME, feed_ics, invitation_ics
from peerpower.meetings.forms import (
    AGENDA_SEGMENT_MAX_MINUTES,
    AgendaFormSet,
    AgendaSegmentForm,
    AttendanceForm,
    MeetingCancelForm,
    MeetingMoveForm,
    MeetingReinstateForm,
    RsvpForm,
    segments_of,
)
from peerpower.meetings.models import Meeting, Participation, timed_agenda
from peerpower.meetings.queries import (
    meetings_for,
    meetings_visible_to,
    reply_link_for,
    with_agenda,
    with_talks,
)
from peerpower.networking.queries import suggestions_for
from peerpower.speakers.queries import talk_panel


def get_meeting_for_user(request: AuthenticatedRequest, pk: int) -> Meeting:
    return get_object_or_404(with_agenda(meetings_visible_to(request.user)), pk=pk)


def get_meeting_for_manager(request: AuthenticatedRequest, pk: int) -> Meeting:
    meeting = get_meeting_for_user(request, pk)
    if not can(request.user, "meetings.manage", meeting):
        raise Http404
    return meeting


def meeting_state(meeting: Meeting) -> str:
    """What the page says the meeting is: cancelled, ended, under way or upcoming."""
    if meeting.is_cancelled:
        return "cancelled"
    if meeting.has_ended():
        return "ended"
    if meeting.has_started():
        return "under_way"
    return "upcoming"


def _rsvp_context(
    request: AuthenticatedRequest,
    meeting: Meeting,
    form: RsvpForm | None = None,
    replies: dict[int, Participation] | None = None,
) -> dict[str, object]:
    """The reply box; `replies` (all of the meeting's, if the caller has them) saves a query."""
    seat = access_for(request.user).seat(meeting.group_id)
    can_rsvp = can(request.user, "meetings.rsvp", meeting)
    if not can_rsvp:
        mine = None
    elif replies is not None:
        mine = replies.get(request.user.pk)
    else:
        mine = Participation.objects.filter(meeting=meeting, user=request.user).first()
    open_for_replies = can_rsvp and not meeting.is_cancelled and not meeting.has_started()
    if form is None and open_for_replies:
        initial = {"rsvp": mine.rsvp, "reason": mine.apology_reason} if mine and mine.rsvp else {}
        form = RsvpForm(initial=initial)
    return {
        "meeting": meeting,
        "seat": seat,
        "can_rsvp": can_rsvp,
        "mine": mine,
        "rsvp_form": form,
        "open_for_replies": open_for_replies,
        "state": meeting_state(meeting),
    }


def meeting_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request, pk)
    can_manage = can(request.user, "meetings.manage", meeting)
    panel = talk_panel(request.user, meeting, can_manage)
    talk = panel.booking if panel.booking and panel.booking.status == "accepted" else None
    segments = timed_agenda(meeting, list(meeting.agenda_items.all()), talk)
    replies = {p.user_id: p for p in Participation.objects.filter(meeting=meeting)}
    people = []
    for membership in current_memberships(meeting.group):
        people.append({"membership": membership, "reply": replies.get(membership.user_id)})
    counts = {
        "attending": sum(1 for p in replies.values() if p.rsvp == Participation.Rsvp.ATTENDING),
        "apologies": sum(1 for p in replies.values() if p.rsvp == Participation.Rsvp.APOLOGIES),
        "present": sum(
            1 for p in replies.values() if p.attendance == Participation.Attendance.PRESENT
        ),
        "recorded": sum(1 for p in replies.values() if p.attendance),
    }
    context = _rsvp_context(request, meeting, replies=replies)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            **context,
            "can_manage": can_manage,
            "segments": segments,
            "overruns": bool(segments) and segments[-1].ends_at > meeting.ends_at,
            "people": people,
            "counts": counts,
            "show_group_zone": meeting.group.time_zone != request.user.time_zone,
            "has_started": meeting.has_started(),
            "has_ended": meeting.has_ended(),
            "talk": panel,
            "suggestions": suggestions_for(request.user, meeting),
        },
    )


@require_POST
def rsvp(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request, pk)
    if not can(request.user, "meetings.rsvp", meeting):
        raise Http404  # as for a meeting out of sight: replies are the members' own business
    form: RsvpForm | None = RsvpForm(request.POST)
    if form is not None and form.is_valid():
        try:
            actions.rsvp_set(
                meeting=meeting,
                by=request.user,
                rsvp=form.cleaned_data["rsvp"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            if not request.htmx:
                messages.success(request, "Thank you — your reply is saved.")
                return redirect("meetings:detail", meeting.pk)
            form = None  # re-render the fresh state
    context = {**_rsvp_context(request, meeting, form), "saved": form is None}
    if request.htmx:
        return render(request, "meetings/meeting_detail.html#rsvp", context)
    return render(request, "meetings/rsvp_page.html", context, status=400)


@require_http_methods(["GET", "POST"])
def meeting_move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_manager(request, pk)
    form = MeetingMoveForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            actions.meeting_move(
                meeting=meeting,
                starts_at=starts_at,
                ends_at=ends_at,
                venue=form.cleaned_data["venue"],
                online_link=form.cleaned_data["online_link"],
                by=request.user,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request, "The meeting is changed and members have been sent an updated invitation."
            )
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/meeting_move.html", {"meeting": meeting, "form": form})


@require_http_methods(["GET", "POST"])
def meeting_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_manager(request, pk)
    form = MeetingCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.meeting_cancel(
                meeting=meeting, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request,
                "The meeting is cancelled and members have been told. "
                "You can reinstate it from this page.",
            )
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/meeting_cancel.html", {"meeting": meeting, "form": form})


@require_POST
def meeting_reinstate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_manager(request, pk)
    form = MeetingReinstateForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.non_field_errors()))
        actions.meeting_reinstate(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, "The meeting is on again and members have been sent the invitation."
        )
    return redirect("meetings:detail", meeting.pk)


def _minutes_phrase(count: int) -> str:
    return f"{count} minute{pluralize(count)}"


def _agenda_rows(
    meeting: Meeting, formset: BaseFormSet[AgendaSegmentForm]
) -> tuple[list[dict[str, object]], str]:
    """Each segment's form with its times as typed, and a line on how the agenda ends; the
    editor's script keeps both up to date as the chair types."""
    rows: list[dict[str, object]] = []
    at = timezone.localtime(meeting.starts_at)
    for form in formset:
        value = form["minutes"].value()
        try:
            length = int(value) if value not in (None, "") else 0
        except (TypeError, ValueError):
            length = 0
        times = ""
        if 1 <= length <= AGENDA_SEGMENT_MAX_MINUTES and not form["DELETE"].value():
            end = at + timedelta(minutes=length)
            times = f"{at:%H:%M}–{end:%H:%M}"
            at = end
        rows.append({"form": form, "times": times})
    meeting_end = timezone.localtime(meeting.ends_at)
    gap = int((meeting_end - at).total_seconds() // 60)
    if gap < 0:
        summary = (
            f"Ends at {at:%H:%M}, {_minutes_phrase(-gap)} after the meeting ends "
            f"({meeting_end:%H:%M}). Shorten a segment or remove one."
        )
    elif gap > 0:
        summary = (
            f"Ends at {at:%H:%M}, {_minutes_phrase(gap)} before the meeting ends "
            f"({meeting_end:%H:%M})."
        )
    else:
        summary = f"Ends at {at:%H:%M}, when the meeting ends."
    return rows, summary


@require_http_methods(["GET", "POST"])
def agenda_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_manager(request, pk)
    initial = [
        {"title": item.title, "kind": item.kind, "minutes": item.minutes, "ORDER": i + 1}
        for i, item in enumerate(meeting.agenda_items.all())
    ]
    formset = AgendaFormSet(request.POST or None, initial=initial, prefix="agenda")
    refused: list[str] = []
    if request.method == "POST" and formset.is_valid():
        try:
            actions.agenda_replace(meeting=meeting, segments=segments_of(formset), by=request.user)
        except ValidationError as error:
            refused = error.messages  # shown above the segments
        else:
            messages.success(request, "The agenda is saved.")
            return redirect("meetings:detail", meeting.pk)
    rows, summary = _agenda_rows(meeting, formset)
    return render(
        request,
        "meetings/agenda_edit.html",
        {
            "meeting": meeting,
            "formset": formset,
            "rows": rows,
            "summary": summary,
            "refused": refused,
        },
    )


@require_http_methods(["GET", "POST"])
def attendance(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_manager(request, pk)
    people = list(current_memberships(meeting.group))
    replies = {p.user_id: p for p in Participation.objects.filter(meeting=meeting)}
    initial = {
        f"user_{m.user_id}": replies[m.user_id].attendance if m.user_id in replies else ""
        for m in people
    }
    apologised = frozenset(u for u, p in replies.items() if p.rsvp == Participation.Rsvp.APOLOGIES)
    form = AttendanceForm(
        request.POST or None, people=people, apologised=apologised, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.attendance_record(meeting=meeting, marks=form.marks(), by=request.user)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Attendance is saved.")
            return redirect("meetings:detail", meeting.pk)
    rows = [
        {"person": m, "field": form[f"user_{m.user_id}"], "reply": replies.get(m.user_id)}
        for m in people
    ]
    # The register of a meeting still to come (or cancelled) says so instead of offering a
    # Save that would be refused.
    closed = (
        "This meeting was cancelled; there is no attendance to record."
        if meeting.is_cancelled
        else ""
        if meeting.has_started()
        else "Attendance can be recorded once the meeting has started."
    )
    return render(
        request,
        "meetings/attendance.html",
        {"meeting": meeting, "form": form, "rows": rows, "closed": closed},
    )


@require_GET
def meeting_ics(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request, pk)
    return calendar_response(
        invitation_ics(meeting, request.user.email), f"meeting-{meeting.starts_at:%Y-%m-%d}.ics"
    )


@login_not_required
@require_GET
def calendar_feed(request: MaybeAnonymousRequest, token: str) -> HttpResponse:
    """The person's own meetings, for a calendar program to subscribe to; the token is the key."""
    user = get_object_or_404(User, calendar_token=token, is_active=True)
    since = timezone.now() - timedelta(days=365)
    meetings = with_talks(meetings_for(user).filter(ends_at__gte=since)).order_by("starts_at")
    return calendar_response(feed_ics(meetings, name=FEED_NAME), "peerpower.ics")


# No CSRF check: the POST acts through the secret token in its address, never the session, so
# another site cannot forge it without the token. And the page's `Referrer-Policy: no-referrer`
# (the token is in its address) makes browsers send `Origin: null` with the form, which Django's
# check refuses: the one-click reply failed in every real browser.
@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def reply_by_link(request: MaybeAnonymousRequest, token: str) -> HttpResponse:
    """The reminder email's "I'll be there" / "Send apologies": no password, the token is the
    key. A GET only shows the choice (mail scanners fetch links); the POST replies, once."""
    link = reply_link_for(token)
    if link is None:
        return render(request, "meetings/reply_by_link.html", {"spent": True}, status=410)
    # Times in the zone of the person the link is for, as in their reminder (this request only:
    # UserTimeZoneMiddleware deactivates it after the response).
    timezone.activate(link.user.time_zone)
    answer = request.GET.get("answer", "")
    initial = {"rsvp": answer} if answer in Participation.Rsvp.values else {}
    form = RsvpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            participation = actions.rsvp_by_link(
                token=token, rsvp=form.cleaned_data["rsvp"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return render(
                request,
                "meetings/reply_by_link.html",
                {"meeting": link.meeting, "saved": participation},
            )
    response = render(
        request,
        "meetings/reply_by_link.html",
        {"meeting": link.meeting, "person": link.user, "form": form},
        status=400 if form.is_bound else 200,
    )
    response["Referrer-Policy"] = "no-referrer"  # the token is in this page's address
    return response
