"""Pages of 1:1 coaching: the person's coaching home, an engagement, booking, a session with
its notes, the coach's profile and hours, and the admins' engagements and utilisation.

What a person may not see is a 404: a session, its agenda and notes and the goals exist only
for the coach and the member; admins see engagements and counts.
"""

import csv
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerpower.accounts.http import AuthenticatedRequest
from peerpower.coaching import actions, queries, reports
from peerpower.coaching.calendar import session_location
from peerpower.coaching.forms import (
    AreasForm,
    BookingForm,
    EmptyForm,
    EngagementChangeForm,
    EngagementForm,
    ExceptionForm,
    GoalForm,
    LengthForm,
    LinkForm,
    MarkForm,
    NoteForm,
    ProfileForm,
    ProgressForm,
    RescheduleForm,
    RuleForm,
    SettingsForm,
    WeekForm,
)
from peerpower.coaching.models import (
    AvailabilityException,
    AvailabilityRule,
    CoachProfile,
    Engagement,
    Goal,
    Session,
)
from peerpower.lib.http import add_action_errors
from peerpower.lib.rules import can
from peerpower.networks.models import Network

SENSITIVE = sensitive_post_parameters("agenda", "text", "title")


def get_network_for(request: AuthenticatedRequest, slug: str, rule: str) -> Network:
    network = get_object_or_404(Network, slug=slug)
    if not can(request.user, rule, network):
        raise Http404
    return network


def get_engagement_for(request: AuthenticatedRequest, pk: int) -> Engagement:
    return get_object_or_404(queries.engagements_visible_to(request.user), pk=pk)


def get_session_for(request: AuthenticatedRequest, pk: int) -> Session:
    return get_object_or_404(queries.sessions_visible_to(request.user), pk=pk)


def get_goal_for(request: AuthenticatedRequest, pk: int) -> Goal:
    return get_object_or_404(
        queries.goals_visible_to(request.user).select_related("engagement__coach"), pk=pk
    )


def get_profile_for(request: AuthenticatedRequest, slug: str) -> CoachProfile:
    network = get_network_for(request, slug, "coaching.coach_in")
    return actions.profile_for(network=network, user=request.user)


# --- the person's own coaching


@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    engagements = list(
        queries.engagements_of(request.user).prefetch_related("sessions").order_by("-starts_on")
    )
    now = timezone.now()
    rows = [
        {
            "engagement": e,
            "allowance": queries.allowance_of(e),
            "next": next(
                (s for s in e.sessions.all() if s.status == "booked" and s.ends_at > now), None
            ),
            "as_coach": e.coach.user_id == request.user.pk,
        }
        for e in engagements
    ]
    coach_networks = [
        n for n in request.user.network_roles.filter(role="coach").select_related("network")
    ]
    return render(
        request,
        "coaching/home.html",
        {"rows": rows, "coach_networks": [r.network for r in coach_networks]},
    )


def _engagement_context(request: AuthenticatedRequest, engagement: Engagement) -> dict[str, object]:
    party = can(request.user, "coaching.set_goals", engagement)
    sessions = list(engagement.sessions.all())
    context: dict[str, object] = {
        "engagement": engagement,
        "allowance": queries.allowance_of(engagement, sessions),
        "is_member": engagement.member_id == request.user.pk,
        "is_coach": can(request.user, "coaching.coach_engagement", engagement),
        "party": party,
        "can_manage": can(request.user, "coaching.manage", engagement),
        "can_book": can(request.user, "coaching.book", engagement),
    }
    if party:
        # Sessions, goals and linked commitments are for the coach and the member only.
        context["sessions"] = sessions
        context["goals"] = list(
            engagement.goals.select_related("commitment").prefetch_related("updates")
        )
        context["goal_form"] = GoalForm()
        context["progress_form"] = ProgressForm()
        context["link_form"] = LinkForm(member=engagement.member)
    if context["can_manage"]:
        context["change_form"] = EngagementChangeForm(
            initial={
                "status": engagement.status,
                "ends_on": engagement.ends_on,
                "allowance": engagement.allowance,
            }
        )
    return context


@require_GET
def engagement_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    engagement = get_engagement_for(request, pk)
    return render(request, "coaching/engagement.html", _engagement_context(request, engagement))


WEEK = 7


@dataclass(frozen=True)
class SlotPage:
    """One week of free times, in the viewer's zone, and whether there are more either side."""

    days: list[tuple[date, list[datetime]]]
    week: int
    earlier: bool
    later: bool


def _slot_days(slots: list[datetime], zone: str, week: int = 0) -> SlotPage:
    tz = ZoneInfo(zone)
    first = timezone.now().astimezone(tz).date() + timedelta(days=WEEK * week)
    last = first + timedelta(days=WEEK)
    days: dict[date, list[datetime]] = defaultdict(list)
    later = False
    for slot in slots:
        local = slot.astimezone(tz)
        if first <= local.date() < last:
            days[local.date()].append(local)
        later = later or local.date() >= last
    return SlotPage(sorted(days.items()), week, week > 0, later)


def _booking_page(
    request: AuthenticatedRequest,
    engagement: Engagement,
    form: BookingForm,
    minutes: int,
    *,
    week: int = 0,
    nearest: list[datetime] | None = None,
    taken: bool = False,
    free: list[datetime] | None = None,
    status: int = 200,
) -> HttpResponse:
    profile = engagement.coach
    zone = request.user.time_zone
    slots = free if free is not None else queries.slots_for(profile, minutes)
    tz = ZoneInfo(zone)
    return render(
        request,
        "coaching/book.html",
        {
            "engagement": engagement,
            "allowance": queries.allowance_of(engagement),
            "form": form,
            "length_form": LengthForm(initial={"minutes": minutes}, lengths=profile.length_choices),
            "minutes": minutes,
            "page": _slot_days(slots, zone, week),
            "nearest": [s.astimezone(tz) for s in nearest or []],
            "zone": zone,
            "legend": f"Free times for {minutes} minutes",
            "taken": taken,
        },
        status=status,
    )


@SENSITIVE
@require_http_methods(["GET", "POST"])
def book(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    engagement = get_engagement_for(request, pk)
    if not can(request.user, "coaching.book", engagement):
        raise Http404
    lengths = engagement.coach.length_choices or [60]
    length_form = LengthForm(request.GET or None, lengths=lengths)
    chosen = length_form.is_bound and length_form.is_valid()
    minutes = length_form.cleaned_data["minutes"] if chosen else lengths[0]
    week = (length_form.cleaned_data["week"] or 0) if chosen else 0
    zone = request.user.time_zone
    if request.method != "POST":
        form = BookingForm(initial={"minutes": minutes}, zone=zone, lengths=lengths)
        return _booking_page(request, engagement, form, minutes, week=week)
    form = BookingForm(request.POST, zone=zone, lengths=lengths)
    nearest: list[datetime] = []
    free: list[datetime] | None = None
    taken = False
    if form.is_valid():
        minutes = form.cleaned_data["minutes"]
        try:
            session = actions.session_book(
                engagement=engagement,
                starts_at=form.cleaned_data["starts_at"],
                minutes=minutes,
                agenda=form.cleaned_data["agenda"],
                idempotency_key=form.cleaned_data["key"],
                by=request.user,
            )
        except actions.SlotTaken as error:
            nearest, taken, free = error.nearest, True, error.free
            add_action_errors(form, error)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Booked. You and your coach have the calendar file.")
            return redirect("coaching:session", session.pk)
    # A fresh key for the next try: the one sent is spent or refused.
    data = request.POST.copy()
    data["key"] = str(uuid.uuid4())
    form.data = data
    return _booking_page(
        request,
        engagement,
        form,
        minutes,
        nearest=nearest,
        taken=taken,
        free=free,
        status=409 if taken else 400,
    )


def _session_context(request: AuthenticatedRequest, session: Session) -> dict[str, object]:
    is_coach = can(request.user, "coaching.coach_session", session)
    return {
        "session": session,
        "engagement": session.engagement,
        "is_coach": is_coach,
        "notes": list(queries.notes_visible_to(request.user, session).select_related("author")),
        "note_form": NoteForm(coach=is_coach),
        "mark_form": MarkForm(),
        "began": session.starts_at <= timezone.now(),
        "where": session_location(session),
    }


@require_GET
def session_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    session = get_session_for(request, pk)
    return render(request, "coaching/session.html", _session_context(request, session))


@require_http_methods(["GET", "POST"])
def reschedule(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    session = get_session_for(request, pk)
    zone = request.user.time_zone
    form = RescheduleForm(request.POST or None, zone=zone)
    week_form = WeekForm(request.GET or None)
    week = (
        (week_form.cleaned_data["week"] or 0) if week_form.is_bound and week_form.is_valid() else 0
    )
    nearest: list[datetime] = []
    status = 200
    taken = False
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.session_reschedule(
                    session=session, starts_at=form.cleaned_data["starts_at"], by=request.user
                )
            except actions.SlotTaken as error:
                nearest, status, taken = error.nearest, 409, True
                add_action_errors(form, error)
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, "Moved. You both have the updated calendar file.")
                return redirect("coaching:session", session.pk)
    slots = queries.slots_for(session.engagement.coach, session.minutes, excluding=session.pk)
    tz = ZoneInfo(zone)
    return render(
        request,
        "coaching/reschedule.html",
        {
            "session": session,
            "form": form,
            "page": _slot_days(slots, zone, week),
            "nearest": [s.astimezone(tz) for s in nearest],
            "zone": zone,
            "legend": "New time",
            "taken": taken,
        },
        status=status,
    )


@require_POST
def cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    session = get_session_for(request, pk)
    if EmptyForm(request.POST).is_valid():
        try:
            session = actions.session_cancel(session=session, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if session.late:
                messages.warning(
                    request,
                    "Cancelled. It was late, so it counts against the allowance unless the "
                    "coach waives it.",
                )
            else:
                messages.success(request, "Cancelled. You both have the calendar update.")
    return redirect("coaching:session", session.pk)


@require_POST
def waive(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    session = get_session_for(request, pk)
    if EmptyForm(request.POST).is_valid():
        try:
            actions.session_waive(session=session, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Waived: the late cancellation no longer counts.")
    return redirect("coaching:session", session.pk)


@require_POST
def mark(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    session = get_session_for(request, pk)
    form = MarkForm(request.POST)
    if form.is_valid():
        try:
            actions.session_mark(
                session=session, outcome=form.cleaned_data["outcome"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Marked.")
    else:
        messages.error(request, "Choose held or no-show.")
    return redirect("coaching:session", session.pk)


@SENSITIVE
@require_POST
def note(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    session = get_session_for(request, pk)
    context = _session_context(request, session)
    form = NoteForm(request.POST, coach=bool(context["is_coach"]))
    if form.is_valid():
        try:
            actions.note_add(
                session=session,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                by=request.user,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Note saved.")
            return redirect("coaching:session", session.pk)
    context["note_form"] = form
    return render(request, "coaching/session.html", context, status=400)


@SENSITIVE
@require_POST
def goal_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    engagement = get_engagement_for(request, pk)
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            actions.goal_add(
                engagement=engagement, title=form.cleaned_data["title"], by=request.user
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Goal added.")
            return redirect("coaching:engagement", engagement.pk)
    context = _engagement_context(request, engagement)
    if not context["party"]:
        raise Http404
    context["goal_form"] = form
    return render(request, "coaching/engagement.html", context, status=400)


@SENSITIVE
@require_POST
def goal_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    goal = get_goal_for(request, pk)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            actions.goal_progress(
                goal=goal,
                text=form.cleaned_data["text"],
                rating=form.cleaned_data["rating"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Progress noted.")
    else:
        messages.error(request, "Say how it is going and rate it from 1 to 5.")
    return redirect("coaching:engagement", goal.engagement_id)


@require_POST
def goal_link(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    goal = get_goal_for(request, pk)
    form = LinkForm(request.POST, member=goal.engagement.member)
    if form.is_valid():
        try:
            actions.goal_link(
                goal=goal, commitment=form.cleaned_data["commitment"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Linked. Your coach sees that commitment and its date.")
    else:
        messages.error(request, "Choose one of your commitments.")
    return redirect("coaching:engagement", goal.engagement_id)


# --- the coach's profile and hours


@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    coach = get_profile_for(request, slug)
    form = ProfileForm(request.POST or None, instance=coach)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.profile_update(
                    profile=coach,
                    biography=data["biography"],
                    time_zone=data["time_zone"],
                    buffer_minutes=data["buffer_minutes"],
                    notice_hours=data["notice_hours"],
                    horizon_days=data["horizon_days"],
                    lengths=data["lengths"],
                    where=data["where"],
                    where_detail=data["where_detail"],
                    areas=list(data["areas"]),
                    by=request.user,
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, "Your profile is saved.")
                return redirect("coaching:profile", slug)
    return render(request, "coaching/profile.html", _profile_context(coach, form), status=status)


def _profile_context(
    coach: CoachProfile,
    form: ProfileForm,
    rule_form: RuleForm | None = None,
    exception_form: ExceptionForm | None = None,
) -> dict[str, object]:
    return {
        "coach": coach,
        "network": coach.network,
        "form": form,
        "rules": list(coach.rules.all()),
        "exceptions": list(coach.exceptions.filter(day__gte=timezone.localdate())),
        "rule_form": rule_form or RuleForm(prefix="hours"),
        "exception_form": exception_form or ExceptionForm(prefix="day"),
    }


@require_POST
def rule_add(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    coach = get_profile_for(request, slug)
    form = RuleForm(request.POST, prefix="hours")
    if form.is_valid():
        try:
            actions.rule_add(profile=coach, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Hours added.")
            return redirect("coaching:profile", slug)
    context = _profile_context(coach, ProfileForm(instance=coach), rule_form=form)
    return render(request, "coaching/profile.html", context, status=400)


@require_POST
def exception_add(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    coach = get_profile_for(request, slug)
    form = ExceptionForm(request.POST, prefix="day")
    if form.is_valid():
        try:
            actions.exception_add(profile=coach, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("coaching:profile", slug)
    context = _profile_context(coach, ProfileForm(instance=coach), exception_form=form)
    return render(request, "coaching/profile.html", context, status=400)


@require_POST
def rule_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(
        AvailabilityRule.objects.select_related("coach__network"),
        pk=pk,
        coach__user=request.user,
    )
    if EmptyForm(request.POST).is_valid():
        try:
            actions.rule_remove(rule=rule, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("coaching:profile", rule.coach.network.slug)


@require_POST
def exception_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    exception = get_object_or_404(
        AvailabilityException.objects.select_related("coach__network"),
        pk=pk,
        coach__user=request.user,
    )
    if EmptyForm(request.POST).is_valid():
        try:
            actions.exception_remove(exception=exception, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("coaching:profile", exception.coach.network.slug)


# --- the network's admins


def _manage_page(
    request: AuthenticatedRequest,
    network: Network,
    *,
    form: EngagementForm | None = None,
    settings_form: SettingsForm | None = None,
    areas_form: AreasForm | None = None,
    status: int = 200,
) -> HttpResponse:
    policy = actions.settings_for(network)
    engagements = list(
        queries.engagements_visible_to(request.user)
        .filter(network=network)
        .prefetch_related("sessions")
    )
    rows = [(e, queries.allowance_of(e)) for e in engagements]
    return render(
        request,
        "coaching/manage.html",
        {
            "network": network,
            "form": form or EngagementForm(network=network),
            "settings_form": settings_form
            or SettingsForm(initial={"notice_hours": policy.notice_hours}),
            "areas_form": areas_form
            or AreasForm(
                initial={"names": "\n".join(a.name for a in network.coaching_areas.all())}
            ),
            "rows": rows,
            "attention": reports.needing_attention(network),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def manage(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "coaching.manage")
    if request.method != "POST":
        return _manage_page(request, network)
    form = EngagementForm(request.POST, network=network)
    if form.is_valid():
        data = form.cleaned_data
        try:
            engagement = actions.engagement_create(
                network=network,
                coach=data["coach"],
                member=data["member"],
                unit=data["unit"],
                allowance=data["allowance"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                areas=list(data["areas"]),
                by=request.user,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Engagement created; the member and coach are told.")
            return redirect("coaching:engagement", engagement.pk)
    return _manage_page(request, network, form=form, status=400)


@require_POST
def settings_view(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "coaching.manage")
    form = SettingsForm(request.POST)
    if form.is_valid():
        try:
            actions.settings_update(
                network=network, notice_hours=form.cleaned_data["notice_hours"], by=request.user
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("coaching:manage", slug)
    return _manage_page(request, network, settings_form=form, status=400)


@require_POST
def areas(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "coaching.manage")
    form = AreasForm(request.POST)
    if form.is_valid():
        try:
            actions.areas_set(network=network, names=form.cleaned_data["names"], by=request.user)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "The list of areas is saved.")
            return redirect("coaching:manage", slug)
    return _manage_page(request, network, areas_form=form, status=400)


@require_POST
def engagement_change(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    engagement = get_engagement_for(request, pk)
    form = EngagementChangeForm(request.POST)
    if form.is_valid():
        try:
            actions.engagement_change(engagement=engagement, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Engagement changed.")
            return redirect("coaching:engagement", engagement.pk)
    context = _engagement_context(request, engagement)
    if not context["can_manage"]:
        refusal = " ".join(str(e) for e in form.non_field_errors())
        messages.error(request, refusal or actions.ADMINS_ONLY)
        return redirect("coaching:engagement", engagement.pk)
    context["change_form"] = form
    return render(request, "coaching/engagement.html", context, status=400)


@require_GET
def utilisation(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "coaching.manage")
    report = reports.utilisation(network)
    return render(
        request,
        "coaching/utilisation.html",
        {"network": network, "report": report, "chart": reports.chart(report)},
    )


@require_GET
def utilisation_csv(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "coaching.manage")
    report = reports.utilisation(network)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="coaching-{network.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(reports.CSV_HEADER)
    for row in report.rows:
        writer.writerow(row.as_csv())
    return response
