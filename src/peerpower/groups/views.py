"""Group pages: the list, a group's page (series, next meeting, members and attendance), set-up."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from peerpower.accounts.actions import invitation_create
from peerpower.accounts.forms import InviteForm
from peerpower.accounts.http import AuthenticatedRequest
from peerpower.accounts.models import Invitation
from peerpower.groups import actions
from peerpower.groups.access import access_for
from peerpower.groups.forms import (
    ChairForm,
    GroupCreateForm,
    GroupForm,
    LeaveForm,
    MembershipStatusForm,
    PledgeForm,
    ProposalDecisionForm,
)
from peerpower.groups.models import CONFIDENTIALITY_PLEDGE, Membership, PeerGroup
from peerpower.groups.preview import PreviewDay, first_meetings, preview_group
from peerpower.groups.queries import (
    current_chair,
    current_memberships,
    groups_visible_to,
    groups_with_counts,
    held_in_window,
    membership_history,
    membership_of,
    waiting_memberships,
)
from peerpower.lib.http import add_action_errors
from peerpower.lib.rules import can
from peerpower.meetings.models import Meeting, Participation
from peerpower.meetings.queries import attendance_records, own_attendance
from peerpower.networks.queries import networks_administered_by


def get_group_for_user(request: AuthenticatedRequest, pk: int) -> PeerGroup:
    """The group if the person may see it; 404 otherwise, so its existence stays private."""
    return get_object_or_404(
        groups_visible_to(request.user).select_related("network", "default_venue"), pk=pk
    )


def get_group_for_manager(request: AuthenticatedRequest, pk: int) -> PeerGroup:
    group = get_group_for_user(request, pk)
    if not can(request.user, "groups.manage", group):
        raise Http404
    return group


def group_list(request: AuthenticatedRequest) -> HttpResponse:
    groups = groups_with_counts(groups_visible_to(request.user)).order_by("network__name", "name")
    can_create = bool(access_for(request.user).administered_network_ids())
    return render(request, "groups/group_list.html", {"groups": groups, "can_create": can_create})


@require_http_methods(["GET", "POST"])
def group_create(request: AuthenticatedRequest) -> HttpResponse:
    networks = list(networks_administered_by(request.user))
    if not networks:
        raise Http404
    today = timezone.localdate()
    initial = {
        "series_start": today.replace(day=1),
        "start_time": "09:30",
        "end_time": "13:30",
        "time_zone": networks[0].time_zone,
    }
    form = GroupCreateForm(request.POST or None, networks=networks, initial=initial)
    preview: list[PreviewDay] = []
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = dict(form.cleaned_data)
        network = data.pop("network", networks[0])
        if "preview" in request.POST:  # show the first dates; save nothing
            preview = first_meetings(preview_group(data), today=today)
        else:
            try:
                group = actions.group_create(network=network, by=request.user, **data)
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(
                    request,
                    f"{group.name} is set up: a year of meetings is in place and the chair is"
                    " invited.",
                )
                return redirect("groups:detail", group.pk)
    return render(
        request,
        "groups/group_form.html",
        {
            "form": form,
            "creating": True,
            "preview": preview,
            "holidays": [p for p in preview if p.bank_holiday],
        },
    )


@require_http_methods(["GET", "POST"])
def group_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_group_for_manager(request, pk)
    form = GroupForm(request.POST or None, instance=group, network=group.network)
    # GroupForm leaves the instance alone (its _post_clean does nothing), so `group` still
    # holds the saved values and group_update compares the new ones against them.
    if request.method == "POST" and form.is_valid():
        try:
            actions.group_update(group=group, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
            group.refresh_from_db()  # the action set the refused values on it
        else:
            messages.success(
                request, "Saved. Future meetings follow the pattern, except those changed by hand."
            )
            return redirect("groups:detail", group.pk)
    return render(
        request, "groups/group_form.html", {"form": form, "group": group, "creating": False}
    )


def _tally(record: list[tuple[Meeting, Participation | None]]) -> dict[str, int]:
    marks = [reply.attendance if reply else "" for _, reply in record]
    tally = {kind: marks.count(kind) for kind in ("present", "absent", "excused")}
    return {**tally, "unrecorded": marks.count("")}


def _membership_of(
    request: AuthenticatedRequest, group: PeerGroup, current: list[Membership]
) -> Membership | None:
    """The person's own membership: none asked for when their access says they have none, and
    a current one taken from the members the page lists anyway."""
    seat = access_for(request.user).seat(group.pk)
    if seat is None:
        return None
    if seat.is_current:
        return next((m for m in current if m.user_id == request.user.pk), None)
    return membership_of(request.user, group)


def group_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request, pk)
    now = timezone.now()
    can_manage = can(request.user, "groups.manage", group)
    can_invite = can(request.user, "groups.invite_member", group)
    can_propose = can(request.user, "groups.propose_member", group)
    # the group with each meeting: its times are labelled with the group's zone
    meetings = list(
        Meeting.objects.filter(group=group).select_related("group").order_by("starts_at")
    )
    future = [m for m in meetings if m.ends_at > now]
    next_meeting = next((m for m in future if not m.is_cancelled), None)
    members = list(current_memberships(group))
    membership = _membership_of(request, group, members)
    # Members see their own attendance record; the chair and admins see everyone's tally.
    sees_everyones = can(request.user, "meetings.see_attendance", group)
    records = attendance_records(group) if sees_everyones else {}
    nothing = {"present": 0, "absent": 0, "excused": 0}
    member_rows = [(m, records.get(m.user_id, nothing)) for m in members]
    my_attendance = (
        own_attendance(membership, now)
        if not sees_everyones and membership is not None and membership.is_current
        else None
    )
    # Invitations (for the group's managers) and proposals (for the chair and admins): one query.
    waiting = list(waiting_memberships(group)) if can_manage or can_propose else []
    proposals = [m for m in waiting if m.status == Membership.Status.PROPOSED]
    pending = [m for m in waiting if m.status == Membership.Status.INVITED] if can_manage else []
    invitations = (
        {
            inv.user_id: inv
            for inv in Invitation.objects.filter(
                group=group, accepted_at=None, user_id__in=[m.user_id for m in pending]
            )
        }
        if pending
        else {}
    )
    pending_rows = [(m, invitations.get(m.user_id)) for m in pending]
    return render(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "can_manage": can_manage,
            # A network admin answers a member's request for their data (privacy app).
            "answers_requests": can(request.user, "privacy.answer_request", group.network),
            "can_invite": can_invite,
            "can_propose": can_propose,
            "can_replace_chair": can(request.user, "groups.replace_chair", group),
            "can_invite_chair": can(request.user, "groups.invite_chair", group),
            "membership": membership,
            "sees_everyones_attendance": sees_everyones,
            "my_attendance": my_attendance,
            "my_tally": _tally(my_attendance or []),
            "pledge": CONFIDENTIALITY_PLEDGE,
            "next_meeting": next_meeting,
            "future_meetings": future,
            "past_meetings": [m for m in meetings if m.ends_at <= now][-12:][::-1],
            "members": member_rows,
            "member_count": sum(1 for m in members if m.role == Membership.Role.MEMBER),
            "pending": pending_rows,
            "proposals": proposals,
            "history": list(membership_history(group, everything=can_manage or can_propose)),
            "held_in_window": held_in_window(meetings, now),
        },
    )


@require_http_methods(["GET", "POST"])
def group_invite(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The chair invites a member; a network admin proposes one, for the chair to approve."""
    group = get_group_for_user(request, pk)
    inviting = can(request.user, "groups.invite_member", group)
    if not inviting and not can(request.user, "groups.propose_member", group):
        raise Http404
    form = InviteForm(request.POST or None, roles=[Invitation.Role.MEMBER])
    if request.method == "POST" and form.is_valid():
        email, name = form.cleaned_data["email"], form.cleaned_data["name"]
        try:
            if inviting:
                invitation_create(
                    network=group.network,
                    group=group,
                    role=Invitation.Role.MEMBER,
                    email=email,
                    name=name,
                    by=request.user,
                )
            else:
                actions.membership_propose(group=group, email=email, name=name, by=request.user)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request,
                f"Invitation sent to {email}."
                if inviting
                else f"{email} is proposed. The chair is asked to approve before anything is sent.",
            )
            return redirect("groups:detail", group.pk)
    return render(
        request, "groups/group_invite.html", {"group": group, "form": form, "inviting": inviting}
    )


@require_http_methods(["GET", "POST"])
def group_chair(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A network admin invites the chair of a group without one, or replaces its chair."""
    group = get_group_for_user(request, pk)
    replacing = can(request.user, "groups.replace_chair", group)
    if not replacing and not can(request.user, "groups.invite_chair", group):
        raise Http404
    chair = current_chair(group)
    form = ChairForm(request.POST or None, replacing=replacing)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if replacing:
                actions.chair_replace(
                    group=group,
                    email=data["email"],
                    name=data["name"],
                    old_chair_becomes=data["old_chair_becomes"],
                    by=request.user,
                )
            else:
                invitation_create(
                    network=group.network,
                    group=group,
                    role=Invitation.Role.CHAIR,
                    email=data["email"],
                    name=data["name"],
                    by=request.user,
                )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request,
                f"Invitation sent to {data['email']}. They become chair when they accept"
                " and the group is told.",
            )
            return redirect("groups:detail", group.pk)
    return render(
        request,
        "groups/group_chair.html",
        {"group": group, "form": form, "replacing": replacing, "chair": chair},
    )


@require_POST
def proposal_decide(request: AuthenticatedRequest, pk: int, membership_id: int) -> HttpResponse:
    group = get_group_for_user(request, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "group__network"),
        pk=membership_id,
        group=group,
        status=Membership.Status.PROPOSED,
    )
    if not can(request.user, "groups.approve_member", membership):
        raise Http404
    form = ProposalDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose to approve or decline.")
        return redirect("groups:detail", group.pk)
    name = membership.user.display_name
    try:
        if form.cleaned_data["decision"] == "approve":
            actions.membership_approve(membership=membership, by=request.user)
        else:
            actions.membership_decline(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{name} is invited."
            if form.cleaned_data["decision"] == "approve"
            else f"The proposal of {name} is declined.",
        )
    return redirect("groups:detail", group.pk)


@require_POST
def pledge_accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request, pk)
    membership = membership_of(request.user, group)
    if membership is None:
        raise Http404
    form = PledgeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.non_field_errors()))
        actions.pledge_accept(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, "Thank you. You have accepted the group's confidentiality pledge."
        )
    next_url = form.cleaned_data.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("groups:detail", group.pk)


@require_POST
def membership_status(request: AuthenticatedRequest, pk: int, membership_id: int) -> HttpResponse:
    group = get_group_for_manager(request, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "group"), pk=membership_id, group=group
    )
    form = MembershipStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose active, paused or left.")
    else:
        try:
            actions.membership_set_status(
                membership=membership,
                status=Membership.Status(form.cleaned_data["status"]),
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"{membership.user.display_name} is now {membership.get_status_display()}."
            )
    return redirect("groups:detail", group.pk)


@require_http_methods(["GET", "POST"])
def membership_leave(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A member leaves the group: first a page that says what happens, offers their own issues
    as a file, and lets them erase those issues at once."""
    group = get_group_for_user(request, pk)
    membership = membership_of(request.user, group)
    if membership is None or not can(request.user, "groups.leave", membership):
        raise Http404
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erased = actions.membership_leave(
                membership=membership,
                by=request.user,
                erase_issues=form.cleaned_data["erase_issues"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            erased_note = (
                " "
                + ngettext("Your issue is erased.", "Your %(count)d issues are erased.", erased)
                % {"count": erased}
                if erased
                else ""
            )
            messages.success(request, f"You have left {group.name}.{erased_note}")
            return redirect("home")
    return render(
        request,
        "groups/membership_leave.html",
        {
            "group": group,
            "form": form,
            "can_keep_record": can(request.user, "issues.keep_own_record", group),
        },
    )
