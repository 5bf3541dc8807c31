"""Pages of the speaker bureau: the directory and profiles, booking and answering, the
speaker's home, feedback, resources and the programme.

What a person may not see is a 404, as everywhere: a speaker learns nothing of a group beyond
the logistics of the meetings they speak at.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerpower.accounts.http import AuthenticatedRequest
from peerpower.groups.queries import groups_visible_to
from peerpower.lib.http import add_action_errors
from peerpower.lib.rules import can
from peerpower.meetings.models import timed_agenda
from peerpower.meetings.queries import meetings_visible_to
from peerpower.networks.models import Network
from peerpower.speakers import actions, queries
from peerpower.speakers.forms import (
    BookingForm,
    BureauSettingsForm,
    DeclineForm,
    DirectoryForm,
    FeedbackForm,
    ProfileForm,
    ResourceDeleteForm,
    ResourceForm,
)
from peerpower.speakers.models import Booking, Resource, Speaker, Topic

PER_PAGE = 20


def get_network_for(request: AuthenticatedRequest, slug: str, rule: str) -> Network:
    network = get_object_or_404(Network, slug=slug)
    if not can(request.user, rule, network):
        raise Http404
    return network


def get_speaker_for_user(request: AuthenticatedRequest, pk: int) -> Speaker:
    speaker = queries.speaker_with_ratings(pk)
    if speaker is None or not can(request.user, "speakers.see_profile", speaker):
        raise Http404
    return speaker


def get_booking_for_user(request: AuthenticatedRequest, pk: int) -> Booking:
    return get_object_or_404(queries.bookings_visible_to(request.user), pk=pk)


# --- the bureau


@require_GET
def directory(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "speakers.see_bureau")
    form = DirectoryForm(request.GET or None, network=network)
    chosen = queries.DirectoryFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        chosen = queries.DirectoryFilter(
            q=data["q"],
            topic=data["topic"].pk if data["topic"] else None,
            region=data["region"],
            format=data["format"],
            fee=data["fee"],
            min_rating=float(data["rating"]) if data["rating"] else None,
            sort=data["sort"] or "rating",
        )
    page = Paginator(queries.directory(network, chosen), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    settings = queries.settings_for(network.pk)
    return render(
        request,
        "speakers/directory.html",
        {
            "network": network,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "threshold": float(settings.rating_threshold),
            "min_responses": queries.MIN_RESPONSES,
            "questions": settings.questions,
            "can_add": can(request.user, "speakers.add_contact", network),
            "is_admin": can(request.user, "speakers.keep_bureau", network),
        },
    )


@require_http_methods(["GET", "POST"])
def speaker_add(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "speakers.add_contact")
    form = ProfileForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            speaker = actions.speaker_add(network=network, profile=form.profile(), by=request.user)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"{speaker.name} is in the bureau.")
            return redirect("speakers:profile", speaker.pk)
    return render(
        request, "speakers/profile_form.html", {"network": network, "form": form, "creating": True}
    )


@require_GET
def profile(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    speaker: Any = get_speaker_for_user(request, pk)  # annotated with its ratings
    settings = queries.settings_for(speaker.network_id)
    is_admin = can(request.user, "speakers.keep_bureau", speaker.network)
    return render(
        request,
        "speakers/profile.html",
        {
            "speaker": speaker,
            "network": speaker.network,
            "questions": list(
                zip(settings.questions, [speaker.avg_1, speaker.avg_2, speaker.avg_3], strict=False)
            ),
            "min_responses": queries.MIN_RESPONSES,
            "flagged": is_admin
            and speaker.shown_rating is not None
            and speaker.shown_rating < float(settings.rating_threshold),
            "threshold": settings.rating_threshold,
            "see_contact": can(request.user, "speakers.see_contact", speaker),
            "can_edit": can(request.user, "speakers.edit_profile", speaker),
            "can_invite": can(request.user, "speakers.invite", speaker) and speaker.user_id is None,
            "can_book": can(request.user, "speakers.manage_booking", speaker.network),
        },
    )


@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    speaker = get_speaker_for_user(request, pk)
    if not can(request.user, "speakers.edit_profile", speaker):
        raise Http404
    form = ProfileForm(request.POST or None, instance=speaker, network=speaker.network)
    if request.method == "POST" and form.is_valid():
        try:
            actions.speaker_update(speaker=speaker, profile=form.profile(), by=request.user)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "The profile is saved.")
            return redirect("speakers:profile", speaker.pk)
    return render(
        request,
        "speakers/profile_form.html",
        {"network": speaker.network, "form": form, "speaker": speaker, "creating": False},
    )


@require_POST
def speaker_invite(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    speaker = get_speaker_for_user(request, pk)
    try:
        actions.speaker_invite(speaker=speaker, by=request.user)
    except ValidationError as error:
        if not can(request.user, "speakers.invite", speaker):
            raise Http404 from error
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{speaker.name} is invited to log in as a speaker.")
    return redirect("speakers:profile", speaker.pk)


@require_POST
def own_profile(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "speakers.write_own_profile")
    speaker = actions.own_profile_start(network=network, by=request.user)
    return redirect("speakers:edit", speaker.pk)


@require_http_methods(["GET", "POST"])
def bureau_settings(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "speakers.keep_bureau")
    current = queries.settings_for(network.pk)
    topics = "\n".join(Topic.objects.filter(network=network).values_list("name", flat=True))
    form = BureauSettingsForm(request.POST or None, instance=current, initial={"topics": topics})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.bureau_settings_update(
                network=network,
                topics=data["topics"].splitlines(),
                repeat_months=data["repeat_months"],
                feedback_days=data["feedback_days"],
                rating_threshold=data["rating_threshold"],
                upload_max_mb=data["upload_max_mb"],
                questions=[data["question_1"], data["question_2"], data["question_3"]],
                by=request.user,
            )
        except ValidationError as error:
            add_action_errors(form, error, {"questions": "question_1"})
        else:
            messages.success(request, "The bureau's settings are saved.")
            return redirect("speakers:settings", network.slug)
    return render(request, "speakers/bureau_settings.html", {"network": network, "form": form})


# --- booking


@require_http_methods(["GET", "POST"])
def book(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    speaker = get_speaker_for_user(request, pk)
    if not can(request.user, "speakers.manage_booking", speaker.network):
        raise Http404
    meetings = queries.bookable_meetings(request.user, speaker.network)
    titles = speaker.talk_titles
    form = BookingForm(
        request.POST or None,
        meetings=meetings,
        network=speaker.network,
        initial={"talk_title": titles[0] if titles else "", "meeting": request.GET.get("meeting")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = actions.booking_create(
                meeting=data["meeting"],
                speaker=speaker,
                talk_title=data["talk_title"],
                topic=data["topic"],
                brief=data["brief"],
                by=request.user,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request, f"{speaker.name} is asked. The booking shows as pending until they answer."
            )
            return redirect("speakers:booking", booking.pk)
    return render(
        request,
        "speakers/book.html",
        {"speaker": speaker, "network": speaker.network, "form": form, "titles": titles},
        status=400 if form.errors else 200,
    )


def _booking_context(
    request: AuthenticatedRequest, booking: Booking, **extra: Any
) -> dict[str, Any]:
    meeting = booking.meeting
    settings = queries.settings_for(meeting.group.network_id)
    counted: Any = queries.with_attending(Booking.objects.filter(pk=booking.pk)).first()
    attending = counted.attending if counted else 0
    see_feedback = can(request.user, "speakers.see_feedback", booking)
    return {
        "booking": booking,
        "meeting": meeting,
        "segments": timed_agenda(meeting, list(meeting.agenda_items.order_by("position")), booking),
        "attending": attending,
        "is_speaker": can(request.user, "speakers.answer", booking),
        "can_withdraw": can(request.user, "speakers.manage_booking", booking)
        and booking.is_live
        and not meeting.has_started(),
        "can_upload": can(request.user, "speakers.upload", booking) and booking.is_live,
        "resources": [
            (r, can(request.user, "speakers.delete_resource", r)) for r in booking.resources.all()
        ],
        "summary": queries.feedback_summary(booking, settings.questions)
        if see_feedback and meeting.has_ended()
        else None,
        # While the window is open nothing is shown (not even how many have answered).
        "feedback_closes": queries.feedback_closes(booking, settings.feedback_days)
        if see_feedback
        and booking.status == Booking.Status.ACCEPTED
        and meeting.has_ended()
        and not meeting.is_cancelled
        and booking.feedback_released_at is None
        else None,
        "decline_form": extra.pop("decline_form", None) or DeclineForm(),
        "upload_form": extra.pop("upload_form", None) or ResourceForm(),
        "upload_limit": settings.upload_max_mb,
        "min_responses": queries.MIN_RESPONSES,
        "show_group_zone": meeting.group.time_zone != request.user.time_zone,
        "state": "cancelled"
        if meeting.is_cancelled
        else "ended"
        if meeting.has_ended()
        else "under_way"
        if meeting.has_started()
        else "upcoming",
        **extra,
    }


@require_GET
def booking_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = get_booking_for_user(request, pk)
    if not booking.is_live and not can(request.user, "speakers.manage_booking", booking):
        # The speaker of a withdrawn or declined booking sees that, and nothing of the meeting
        # (its venue, link and agenda may have changed since).
        return render(request, "speakers/booking_closed.html", {"booking": booking})
    return render(request, "speakers/booking.html", _booking_context(request, booking))


@require_POST
def booking_accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = get_booking_for_user(request, pk)
    try:
        actions.booking_accept(booking=booking, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Thank you: your talk is confirmed and in the group's agenda.")
    return redirect("speakers:booking", booking.pk)


@require_POST
def booking_decline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = get_booking_for_user(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            actions.booking_decline(
                booking=booking,
                reason=form.cleaned_data["reason"],
                other_dates=form.cleaned_data["other_dates"],
                by=request.user,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "You declined; the chair is told, with your other dates.")
            return redirect("speakers:booking", booking.pk)
    return render(
        request,
        "speakers/booking.html",
        _booking_context(request, booking, decline_form=form),
        status=400,
    )


@require_POST
def booking_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = get_booking_for_user(request, pk)
    try:
        actions.booking_withdraw(booking=booking, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The booking is withdrawn and the speaker is told.")
    return redirect("speakers:booking", booking.pk)


# --- the speaker's home


@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    """The speaker's own bookings with each meeting's logistics, agenda and how many are
    coming; and their profiles. Nothing else of the groups."""
    bookings = queries.speaker_home(request.user)
    now = timezone.now()
    rows = [
        {
            "booking": b,
            "segments": timed_agenda(b.meeting, list(b.meeting.agenda_items.all()), b),
            "upcoming": not b.meeting.has_ended(now),
        }
        for b in bookings
    ]
    profiles = list(queries.own_profiles(request.user).select_related("network"))
    have = {p.network_id for p in profiles}
    access_networks = queries.speaker_networks(request.user)
    return render(
        request,
        "speakers/home.html",
        {
            "upcoming": [r for r in rows if r["upcoming"]][::-1],
            "past": [r for r in rows if not r["upcoming"]],
            "profiles": profiles,
            "without_profile": [n for n in access_networks if n.pk not in have],
        },
    )


# --- feedback


@sensitive_post_parameters("score_1", "score_2", "score_3", "comment", "named")
@require_http_methods(["GET", "POST"])
def feedback(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = get_object_or_404(
        Booking.objects.filter(meeting__in=meetings_visible_to(request.user)).select_related(
            "meeting__group__network", "speaker"
        ),
        pk=pk,
    )
    # Only a confirmed talk has a feedback page: a pending or withdrawn booking's speaker and
    # title are the chair's business (the meeting page shows members the confirmed one only).
    if booking.status != Booking.Status.ACCEPTED or not can(request.user, "speakers.rate", booking):
        raise Http404
    settings = queries.settings_for(booking.meeting.group.network_id)
    form = FeedbackForm(request.POST or None, questions=settings.questions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.feedback_submit(
                    booking=booking,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                    anonymous=form.cleaned_data["named"] != "named",
                    by=request.user,
                )
            except ValidationError as error:
                add_action_errors(form, error, {"scores": "score_1"})
            else:
                messages.success(request, "Thank you for your feedback.")
                return redirect("meetings:detail", booking.meeting_id)
        status = 400
    meeting = booking.meeting
    now = timezone.now()
    return render(
        request,
        "speakers/feedback.html",
        {
            "booking": booking,
            "meeting": meeting,
            "form": form,
            "responded": queries.has_responded(request.user, booking),
            "over": meeting.has_ended(now),
            "closes": queries.feedback_closes(booking, settings.feedback_days),
            "closed": booking.feedback_released_at is not None
            or now > queries.feedback_closes(booking, settings.feedback_days),
            "attended": queries.attended(request.user, meeting),
            "held": booking.status == Booking.Status.ACCEPTED and not meeting.is_cancelled,
        },
        status=status,
    )


# --- resources


@require_POST
def resource_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = get_booking_for_user(request, pk)
    form = ResourceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.resource_upload(
                booking=booking, upload=form.cleaned_data["upload"], by=request.user
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "The file is attached.")
            return redirect("speakers:booking", booking.pk)
    return render(
        request,
        "speakers/booking.html",
        _booking_context(request, booking, upload_form=form),
        status=400,
    )


@require_GET
def resource_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    resource = get_object_or_404(
        Resource.objects.select_related("booking__meeting__group", "booking__speaker"), pk=pk
    )
    if not can(request.user, "speakers.read_resource", resource):
        raise Http404
    response = FileResponse(
        resource.file.open("rb"),
        as_attachment=True,
        filename=resource.name,
        content_type=resource.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def resource_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Remove a file (the booking page asks first). Someone who may not see the booking gets
    a 404; someone who may see it but not remove this file is told why."""
    resource = get_object_or_404(
        Resource.objects.select_related("booking__meeting__group", "booking__speaker"), pk=pk
    )
    booking = get_booking_for_user(request, resource.booking_id)
    form = ResourceDeleteForm(request.POST)
    if form.is_valid():
        try:
            name = actions.resource_delete(resource=resource, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"“{name}” is removed; nobody can download it now.")
    return redirect("speakers:booking", booking.pk)


# --- the programme


@require_GET
def group_programme(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(groups_visible_to(request.user).select_related("network"), pk=pk)
    if not can(request.user, "speakers.see_programme", group):
        raise Http404
    return render(
        request,
        "speakers/programme.html",
        {
            "group": group,
            "network": group.network,
            "rows": queries.group_programme(group),
            "repeat_months": queries.settings_for(group.network_id).repeat_months,
            "gap_weeks": queries.GAP_WEEKS,
        },
    )


@require_GET
def network_programme(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "speakers.see_network_programme")
    bookings = queries.network_programme(network)
    now = timezone.now()
    by_speaker: dict[int, dict[str, Any]] = {}
    for booking in bookings:
        entry = by_speaker.setdefault(booking.speaker_id, {"speaker": booking.speaker, "talks": []})
        entry["talks"].append({"booking": booking, "status": queries.held_status(booking, now)})
    return render(
        request,
        "speakers/network_programme.html",
        {"network": network, "speakers": list(by_speaker.values())},
    )
