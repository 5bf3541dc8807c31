"""Guest pages: the public page and request form (no log-in), the admin's triage and funnel,
the chair's guests of a meeting, and the guest's own visit."""

import csv
from typing import Any

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerpower.accounts.forms import AcceptInvitationForm
from peerpower.accounts.http import AuthenticatedRequest, MaybeAnonymousRequest
from peerpower.accounts.models import User
from peerpower.fees.queries import price_list
from peerpower.fees.queries import settings_of as fee_settings_of
from peerpower.groups.models import PeerGroup
from peerpower.guests import actions
from peerpower.guests.calendar import guest_ics
from peerpower.guests.forms import (
    ApplicationForm,
    AvoidForm,
    FeedbackForm,
    GroupGuestForm,
    GuestAttendanceForm,
    GuestRequestForm,
    GuestSettingsForm,
    InviteToMeetingForm,
    ReasonForm,
    TriageFilterForm,
)
from peerpower.guests.models import GUEST_PLEDGE, ConflictFinding, GuestRequest
from peerpower.guests.queries import (
    FUNNEL_STEPS,
    application_groups,
    bookable_meetings,
    funnel,
    group_settings_of,
    guests_of_meeting,
    listed_groups,
    own_requests,
    public_groups,
    requests_visible_to,
    settings_of,
    triage_list,
    visible_meeting_id,
)
from peerpower.guests.spam import new_form_token
from peerpower.lib.http import add_action_errors, calendar_response, page_of
from peerpower.lib.rules import can
from peerpower.meetings.models import Meeting, timed_agenda
from peerpower.meetings.queries import with_talks
from peerpower.networks.models import Network
from peerpower.networks.views import get_network_for_admin

# How long the public page is kept for anonymous visitors; changes made here drop it at once.
PUBLIC_CACHE_SECONDS = 300


def _published_network(slug: str) -> Network:
    network = get_object_or_404(Network, slug=slug)
    if not settings_of(network).published:
        raise Http404
    return network


# --- public


@login_not_required
@require_GET
def public_page(request: MaybeAnonymousRequest, slug: str) -> HttpResponse:
    """The network's public page. Anonymous visitors get it from the shared cache."""
    anonymous = not request.user.is_authenticated
    key = actions.public_page_key(slug)
    if anonymous:
        content = cache.get(key)
        if content is not None:
            return _public_response(HttpResponse(content))
    network = get_object_or_404(Network, slug=slug)
    guest_settings = settings_of(network)
    if not guest_settings.published:
        raise Http404
    plans = list(price_list(network))  # the price list (fees); its VAT note only with plans
    response = render(
        request,
        "guests/public_page.html",
        {
            "network": network,
            "page": guest_settings,
            "groups": public_groups(network),
            "plans": plans,
            "vat_registered": bool(plans) and fee_settings_of(network).vat_registered,
        },
    )
    # One anonymous visitor's flash messages (after logging out, say) must not be stored in the
    # page every visitor is served.
    if anonymous and not list(messages.get_messages(request)):
        cache.set(key, response.content, PUBLIC_CACHE_SECONDS)
        return _public_response(response)
    return response


def _public_response(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=60)
    return response


@login_not_required
@sensitive_post_parameters("email", "name")
@require_http_methods(["GET", "POST"])
def request_form(request: MaybeAnonymousRequest, slug: str) -> HttpResponse:
    network = _published_network(slug)
    groups = listed_groups(network)
    data = request.POST.copy() if request.method == "POST" else None
    form = GuestRequestForm(data, groups=groups, initial={"form_token": new_form_token()})
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k not in ("form_token", "website")}
        try:
            submitted = actions.request_submit(
                network=network,
                values=values,
                ip=get_adapter(request).get_client_ip(request),
                form_token=form.cleaned_data["form_token"],
                honeypot=form.cleaned_data["website"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return render(
                request,
                "guests/request_sent.html",
                # Not whether the address asked before: anyone can type anyone's address here.
                # The confirmation email tells its owner that it updates their request.
                {"network": network, "email": submitted.request.email},
            )
    if data is not None:
        # Every sending needs a fresh token; what was typed stays (never the honeypot).
        data["form_token"] = new_form_token()
        data["website"] = ""
    return render(
        request,
        "guests/request_form.html",
        {"network": network, "form": form, "page": settings_of(network)},
        status=400 if form.is_bound else 200,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def confirm(request: MaybeAnonymousRequest, token: str) -> HttpResponse:
    """The confirmation link: a GET shows a button (mail scanners fetch links), the POST
    confirms."""
    found = actions.request_for_confirm_token(token)
    context: dict[str, Any] = {"found": found}
    status = 200 if found else 410
    if request.method == "POST" and found is not None:
        try:
            context["confirmed"] = actions.request_confirm(token=token)
        except ValidationError as error:
            context["problem"] = " ".join(error.messages)
            status = 410
    return render(request, "guests/confirm.html", context, status=status)


@login_not_required
@require_http_methods(["GET", "POST"])
def withdraw(request: MaybeAnonymousRequest, token: str) -> HttpResponse:
    context: dict[str, Any] = {}
    if request.method == "POST":
        try:
            actions.request_withdraw(token=token)
        except ValidationError as error:
            context["problem"] = " ".join(error.messages)
        else:
            context["done"] = True
    return render(request, "guests/withdraw.html", context)


@login_not_required
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def join(request: MaybeAnonymousRequest, token: str) -> HttpResponse:
    """The invitation link: make a guest account (or use the one the person has) and go to
    the visit."""
    found = actions.request_for_invite_token(token)
    if found is None or found.status != GuestRequest.Status.INVITED:
        return render(request, "guests/join.html", {"gone": True}, status=410)
    existing = User.objects.filter(email__iexact=found.email).first()
    needs_account = existing is None or not existing.has_usable_password()
    invitee = existing or User(email=found.email, name=found.name)
    form = AcceptInvitationForm(request.POST or None, user=invitee) if needs_account else None
    problem = ""
    if found.accepted_at is not None:
        problem = "This invitation has already been accepted. Log in to see your visit."
    elif request.method == "POST":
        try:
            if form is not None:
                if form.is_valid():
                    user = actions.guest_join(
                        request=found,
                        user=None,
                        name=form.cleaned_data["name"],
                        password=form.cleaned_data["password1"],
                    )
                    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                    return redirect("guests:visit", found.pk)
            elif request.user.is_authenticated:
                actions.guest_join(request=found, user=request.user)
                return redirect("guests:visit", found.pk)
        except ValidationError as error:
            if form is not None:
                add_action_errors(form, error)
            else:
                problem = " ".join(error.messages)
    return render(
        request,
        "guests/join.html",
        {
            "found": found,
            "form": form,
            "problem": problem,
            "login_url": f"{reverse('account_login')}?next={request.path}",
        },
    )


# --- the network admin


@require_http_methods(["GET", "POST"])
def guest_settings(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    current = settings_of(network)
    form = GuestSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            actions.guest_settings_update(network=network, values=values, by=request.user)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "The guest settings are saved.")
            return redirect("guests:settings", network.slug)
    groups = PeerGroup.objects.filter(network=network).select_related("guest_settings")
    return render(
        request,
        "guests/settings.html",
        {"network": network, "form": form, "groups": groups, "section": "guests"},
    )


@require_http_methods(["GET", "POST"])
def group_settings(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    group = get_object_or_404(PeerGroup, network=network, pk=pk)
    current = group_settings_of(group)
    form = GroupGuestForm(
        request.POST or None,
        initial={"listed": current.listed, "places": current.places, "area": current.area},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.group_guest_settings_update(group=group, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"Guest settings of {group.name} are saved.")
            return redirect("guests:settings", network.slug)
    return render(
        request,
        "guests/group_settings.html",
        {"network": network, "group": group, "form": form, "section": "guests"},
    )


@require_GET
def triage(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    filters = TriageFilterForm(request.GET or None)
    status = search = ""
    if filters.is_valid():
        status, search = filters.cleaned_data["status"], filters.cleaned_data["q"]
    page = page_of(request, triage_list(network, status=status, search=search))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "guests/triage.html",
        {
            "network": network,
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "section": "guests",
        },
    )


def _request_for_admin(request: AuthenticatedRequest, slug: str, pk: int) -> GuestRequest:
    network = get_network_for_admin(request, slug)
    return get_object_or_404(
        GuestRequest.objects.select_related(
            "preferred_group", "meeting__group", "application_group"
        ),
        network=network,
        status__in=GuestRequest.IN_TRIAGE,
        pk=pk,
    )


def _chosen_group(guest: GuestRequest, raw: str | None) -> PeerGroup | None:
    groups = PeerGroup.objects.filter(network_id=guest.network_id)
    if raw and raw.isdigit():
        return groups.filter(pk=int(raw)).first()
    if guest.meeting is not None:
        return guest.meeting.group
    return guest.preferred_group or guest.application_group


def _detail(
    request: AuthenticatedRequest,
    guest: GuestRequest,
    *,
    invite_form: InviteToMeetingForm | None = None,
    reason_form: ReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    network = guest.network
    group = _chosen_group(guest, request.GET.get("group") or request.POST.get("group"))
    findings = list(ConflictFinding.objects.filter(request=guest, group=group)) if group else []
    checked = bool(group) and (
        bool(findings) or request.GET.get("checked") == str(group.pk if group else "")
    )
    meetings = bookable_meetings(network)
    return render(
        request,
        "guests/request_detail.html",
        {
            "network": network,
            "guest": guest,
            "group": group,
            "groups": PeerGroup.objects.filter(network=network),
            "findings": findings,
            "checked": checked,
            "invite_form": invite_form or InviteToMeetingForm(meetings=meetings),
            "reason_form": reason_form or ReasonForm(),
            "section": "guests",
        },
        status=status,
    )


@require_GET
def request_detail(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    return _detail(request, _request_for_admin(request, slug, pk))


@require_POST
def conflict_check(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    guest = _request_for_admin(request, slug, pk)
    group = _chosen_group(guest, request.POST.get("group"))
    if group is None:
        messages.error(request, "Choose a group to check against.")
        return redirect("guests:request", slug, guest.pk)
    found = actions.conflict_check(request=guest, group=group, by=request.user)
    if found:
        messages.info(
            request, f"The check found {len(found)} thing(s) to look at for {group.name}."
        )
    else:
        messages.success(request, f"No conflict found with {group.name}'s members.")
    return redirect(f"{_detail_url(slug, guest.pk)}?group={group.pk}&checked={group.pk}")


def _detail_url(slug: str, pk: int) -> str:
    return reverse("guests:request", args=[slug, pk])


@require_POST
def finding_decide(
    request: AuthenticatedRequest, slug: str, pk: int, finding_id: int
) -> HttpResponse:
    guest = _request_for_admin(request, slug, pk)
    finding = get_object_or_404(
        ConflictFinding.objects.select_related("request"), request=guest, pk=finding_id
    )
    actions.finding_decide(
        finding=finding, confirm=request.POST.get("decision") == "confirm", by=request.user
    )
    messages.success(request, f"The finding is {finding.get_state_display()}.")
    return redirect(f"{_detail_url(slug, guest.pk)}?group={finding.group_id}")


@require_POST
def invite(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    guest = _request_for_admin(request, slug, pk)
    form = InviteToMeetingForm(request.POST, meetings=bookable_meetings(guest.network))
    # A meeting no longer offered (full, past, cancelled) still reaches the action's message.
    raw = request.POST.get("meeting", "")
    meeting = (
        Meeting.objects.select_related("group").filter(group__network=guest.network, pk=raw).first()
        if raw.isdigit()
        else None
    )
    if meeting is None:
        form.is_valid()
        return _detail(request, guest, invite_form=form, status=400)
    try:
        actions.request_invite(request=guest, meeting=meeting, by=request.user)
    except ValidationError as error:
        form.is_valid()
        form.errors.pop("meeting", None)
        add_action_errors(form, error)
        return _detail(request, guest, invite_form=form, status=400)
    messages.success(
        request, f"{guest.name} is invited to {meeting.group.name} on {meeting.starts_at:%-d %B}."
    )
    return redirect("guests:request", slug, guest.pk)


@require_POST
def decline(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    guest = _request_for_admin(request, slug, pk)
    try:
        actions.request_decline(request=guest, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"{guest.name}'s request is declined; they have been told kindly."
        )
    return redirect("guests:request", slug, guest.pk)


@require_POST
def application_decide(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    guest = _request_for_admin(request, slug, pk)
    if request.POST.get("decision") == "accept":
        try:
            membership = actions.application_accept(request=guest, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"{guest.name} is proposed to {membership.group.name}; the chair's approval "
                "sends the member invitation.",
            )
        return redirect("guests:request", slug, guest.pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            actions.application_decline(
                request=guest, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "The application is declined and the guest told why.")
            return redirect("guests:request", slug, guest.pk)
    return _detail(request, guest, reason_form=form, status=400)


@require_GET
def funnel_page(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    figures = funnel(network)
    peak = max([1, *figures.total.counts.values()])
    bars = [
        {
            "key": key,
            "label": label,
            "count": figures.total.counts[key],
            "width": round(400 * figures.total.counts[key] / peak),
            "y": 10 + i * 40,
            "rate": figures.total.rate(key),
        }
        for i, (key, label) in enumerate(FUNNEL_STEPS)
    ]
    return render(
        request,
        "guests/funnel.html",
        {
            "network": network,
            "funnel": figures,
            "steps": FUNNEL_STEPS,
            "bars": bars,
            "section": "guests",
        },
    )


@require_GET
def funnel_csv(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    figures = funnel(network)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{network.slug}-guest-funnel.csv"'
    writer = csv.writer(response)
    keys = [key for key, _ in FUNNEL_STEPS]
    writer.writerow(["scope", "row", *[label for _, label in FUNNEL_STEPS]])
    for scope, rows in (
        ("total", [figures.total]),
        ("month", figures.months),
        ("group", figures.groups),
    ):
        for row in rows:
            writer.writerow([scope, row.label, *[row.counts[k] for k in keys]])
    for reason, n in figures.reasons:
        writer.writerow(["reason not to join", reason, n])
    return response


# --- the chair


MARKABLE = (GuestRequest.Status.INVITED, GuestRequest.Status.VISITED)


def _meeting_for_guests(request: AuthenticatedRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("group__network"), pk=pk)
    if not can(request.user, "guests.record_attendance", meeting):
        raise Http404
    return meeting


@require_http_methods(["GET", "POST"])
def meeting_guests(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The guests of a meeting: to approve (the chair, where the network asks), expected, and
    their attendance once the meeting has begun."""
    meeting = _meeting_for_guests(request, pk)
    guests = list(guests_of_meeting(request.user, meeting))
    decided = [g for g in guests if g.chair_decision != GuestRequest.ChairDecision.PENDING]
    waiting = [g for g in guests if g.chair_decision == GuestRequest.ChairDecision.PENDING]
    # Attendance is theirs to record until they apply; after that it stands as recorded.
    markable = [g for g in decided if g.status in MARKABLE]
    form = GuestAttendanceForm(
        request.POST or None,
        guests=markable,
        initial={f"guest_{g.pk}": g.attendance for g in markable},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.guest_attendance_record(meeting=meeting, marks=form.marks(), by=request.user)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Guests' attendance is saved.")
            return redirect("guests:meeting_guests", meeting.pk)
    return render(
        request,
        "guests/meeting_guests.html",
        {
            "meeting": meeting,
            "waiting": waiting,
            "rows": [{"guest": g, "field": form[f"guest_{g.pk}"]} for g in markable],
            "settled": [g for g in decided if g.status not in MARKABLE],
            "form": form,
            "started": meeting.has_started(),
            "is_chair": can(request.user, "groups.invite_member", meeting.group),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
def chair_decide(request: AuthenticatedRequest, pk: int, request_id: int) -> HttpResponse:
    meeting = _meeting_for_guests(request, pk)
    guest = get_object_or_404(requests_visible_to(request.user), meeting=meeting, pk=request_id)
    try:
        actions.chair_decide(
            request=guest, approve=request.POST.get("decision") == "approve", by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Your decision on {guest.name} is saved.")
    return redirect("guests:meeting_guests", meeting.pk)


# --- the guest


@require_GET
def mine(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "guests/mine.html", {"requests": own_requests(request.user)})


def _own(request: AuthenticatedRequest, pk: int) -> GuestRequest:
    return get_object_or_404(own_requests(request.user), pk=pk)


def _visit(
    request: AuthenticatedRequest,
    guest: GuestRequest,
    *,
    feedback_form: FeedbackForm | None = None,
    application_form: ApplicationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    meeting = None
    segments: list[Any] = []
    meeting_id = visible_meeting_id(guest)
    if meeting_id is not None:
        meeting = (
            with_talks(Meeting.objects.filter(pk=meeting_id)).select_related("group", "venue").get()
        )
        segments = timed_agenda(meeting, list(meeting.agenda_items.all()), meeting.confirmed_talk())
    groups = application_groups(guest)
    return render(
        request,
        "guests/visit.html",
        {
            "guest": guest,
            "meeting": meeting,
            "segments": segments,
            "pledge": GUEST_PLEDGE,
            "ended": meeting is not None and meeting.has_ended(),
            "started": meeting is not None and meeting.has_started(),
            "feedback_form": feedback_form or FeedbackForm(),
            "application_form": application_form
            or ApplicationForm(
                groups=groups, initial={"group": meeting.group_id if meeting else None}
            ),
        },
        status=status,
    )


@require_GET
def visit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _visit(request, _own(request, pk))


@require_POST
def pledge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    guest = _own(request, pk)
    actions.guest_pledge_accept(request=guest, by=request.user)
    messages.success(request, "Thank you. The meeting's details are below.")
    return redirect("guests:visit", guest.pk)


@require_GET
def visit_ics(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    guest = _own(request, pk)
    meeting = guest.meeting
    if (
        meeting is None
        or visible_meeting_id(guest) is None
        or guest.pledge_accepted_at is None
        or guest.status != GuestRequest.Status.INVITED
        or meeting.has_ended()
    ):
        raise Http404  # the file is for an upcoming visit, after the pledge
    return calendar_response(guest_ics(guest), f"guest-{meeting.starts_at:%Y-%m-%d}.ics")


@require_POST
def cannot_come(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    guest = _own(request, pk)
    try:
        actions.guest_cannot_come(request=guest, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "Thank you for letting us know. Your place is freed; we will be in touch about "
            "another date.",
        )
    return redirect("guests:visit", guest.pk)


@require_POST
def feedback(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    guest = _own(request, pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            actions.feedback_give(request=guest, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Thank you for your feedback.")
            return redirect("guests:visit", guest.pk)
    return _visit(request, guest, feedback_form=form, status=400)


@require_POST
def apply(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    guest = _own(request, pk)
    form = ApplicationForm(request.POST, groups=application_groups(guest))
    if form.is_valid():
        try:
            actions.application_submit(request=guest, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Your application is sent. The network will be in touch.")
            return redirect("guests:visit", guest.pk)
    return _visit(request, guest, application_form=form, status=400)


# --- members


@require_http_methods(["GET", "POST"])
def avoid(request: AuthenticatedRequest) -> HttpResponse:
    if not can(request.user, "guests.avoid"):
        raise Http404
    form = AvoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.avoid_add(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Saved. Nobody else sees this list.")
            return redirect("guests:avoid")
    return render(
        request,
        "guests/avoid.html",
        {"form": form, "entries": request.user.organisations_to_avoid.all()},
    )


@require_POST
def avoid_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(request.user.organisations_to_avoid, pk=pk)
    actions.avoid_remove(entry=entry, by=request.user)
    messages.success(request, f"{entry.name} is removed from your list.")
    return redirect("guests:avoid")
