"""Cross-app pages: each person's home ("what do I need to do next?") and the health check.

Home has a part for each role the person holds, each built from the owning apps' queries in a
fixed number of queries whatever the number of groups: what a member has to do, what a chair
has to do for the groups they chair, what a network admin has to look at across the network,
and an honest word to coaches and speakers, whose pages do not exist yet.
"""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_GET

from peerpower.accounts.http import AuthenticatedRequest
from peerpower.accounts.models import User
from peerpower.groups.access import Access, access_for
from peerpower.groups.models import PeerGroup
from peerpower.groups.queries import (
    groups_visible_to,
    groups_with_counts,
    pledges_due,
    proposals_waiting_for,
    with_chair_state,
)
from peerpower.impact.queries import open_invitations_for
from peerpower.issues.queries import carried_over_of, open_commitments_of, proposed_counts
from peerpower.meetings.models import Meeting, timed_agenda
from peerpower.meetings.queries import (
    meetings_awaiting_attendance,
    meetings_for,
    members_not_replied,
    next_meetings_with_replies,
    reply_of,
    rsvps_awaited,
    upcoming,
    with_talks,
)
from peerpower.networks.models import Network, NetworkRole
from peerpower.networks.queries import invitations_sent_by, invitations_waiting, reminded_today


def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    access = access_for(user)
    return render(
        request,
        "home.html",
        {
            **_as_member(user, access, now),
            **_as_chair(user, access, now),
            **_as_admin(access, now),
            **_other_roles(access),
            "surveys": open_invitations_for(user, now),
        },
    )


def _as_member(user: User, access: Access, now: Any) -> dict[str, Any]:
    current = access.current_group_ids()
    if not current:  # an admin, coach or speaker with no group of their own asks nothing here
        return {"has_seats": False, "awaited": [], "pledges_due": []}
    next_meeting = with_talks(
        upcoming(meetings_for(user), now).filter(status=Meeting.Status.SCHEDULED)
    ).first()
    return {
        "has_seats": True,
        "next_meeting": next_meeting,
        "segments": timed_agenda(
            next_meeting, list(next_meeting.agenda_items.all()), next_meeting.confirmed_talk()
        )
        if next_meeting
        else [],
        "my_reply": reply_of(user, next_meeting),
        # Three are enough to act on; a fourth only tells the page there are more.
        "awaited": list(rsvps_awaited(user, now)[:4]),
        "my_groups": list(groups_visible_to(user).filter(id__in=current).order_by("name")),
        "commitments": open_commitments_of(user, limit=5),
        "carried_over": carried_over_of(user, now),
        "pledges_due": pledges_due(user),
    }


def _as_chair(user: User, access: Access, now: Any) -> dict[str, Any]:
    """For each group the person chairs: the next meeting's missing replies (with the one-click
    reminder), the issues waiting for the chair's order, the network's proposals waiting for
    the chair's decision, attendance to record, and its size."""
    chaired = access.chaired_group_ids()
    if not chaired:
        return {"chaired": []}
    groups = {g.pk: g for g in groups_with_counts(PeerGroup.objects.filter(id__in=chaired))}
    meetings = next_meetings_with_replies(chaired, now)
    waiting = members_not_replied(meetings)
    to_order = proposed_counts(user, [m.pk for m in meetings])
    proposals = proposals_waiting_for(chaired)
    reminded = reminded_today(meetings, now)
    attendance = meetings_awaiting_attendance(chaired, now)
    next_of = {m.group_id: m for m in meetings}
    rows = []
    for group in sorted(groups.values(), key=lambda g: g.name):
        meeting = next_of.get(group.pk)
        rows.append(
            {
                "group": group,
                "meeting": meeting,
                "waiting": waiting.get(meeting.pk, []) if meeting else [],
                "reminded": meeting is not None and meeting.pk in reminded,
                "to_order": to_order.get(meeting.pk, 0) if meeting else 0,
                "attendance": [m for m in attendance if m.group_id == group.pk],
                "proposals": [p for p in proposals if p.group_id == group.pk],
            }
        )
    return {
        "chaired": rows,
        "pending_invitations": list(invitations_sent_by(user, now)[:10]),
    }


def _as_admin(access: Access, now: Any) -> dict[str, Any]:
    """For each network the person runs: the next meetings across its groups with their reply
    rates, invitations waiting, and groups without a chair or outside their size."""
    networks = access.administered_networks()
    if not networks:
        return {"administered": []}
    ids = [n.pk for n in networks]
    # Annotated rows (member_count, has_chair): typed loosely, as the templates read them.
    groups: list[Any] = list(
        with_chair_state(groups_with_counts(PeerGroup.objects.filter(network_id__in=ids))).order_by(
            "name"
        )
    )
    meetings = next_meetings_with_replies([g.pk for g in groups], now)
    waiting = invitations_waiting(ids, now)
    return {
        "administered": [
            {
                "network": network,
                "meetings": [m for m in meetings if m.group.network_id == network.pk],
                "invitations": waiting.get(network.pk, 0),
                "unchaired": [g for g in groups if g.network_id == network.pk and not g.has_chair],
                "too_small": [
                    g for g in groups if g.network_id == network.pk and g.member_count < g.min_size
                ],
                "too_big": [
                    g for g in groups if g.network_id == network.pk and g.member_count > g.max_size
                ],
            }
            for network in networks
        ]
    }


def _other_roles(access: Access) -> dict[str, Any]:
    """Coaches and speakers: which networks they hold the role in (their pages come later)."""
    roles: dict[str, list[int]] = {NetworkRole.Role.COACH: [], NetworkRole.Role.SPEAKER: []}
    for network_id, held in access.roles.items():
        for role in roles:
            if role in held:
                roles[role].append(network_id)
    wanted = roles[NetworkRole.Role.COACH] + roles[NetworkRole.Role.SPEAKER]
    if not wanted:
        return {"coach_in": [], "speaker_in": []}
    names = dict(Network.objects.filter(id__in=wanted).values_list("pk", "name"))
    return {
        "coach_in": sorted(names[i] for i in roles[NetworkRole.Role.COACH]),
        "speaker_in": sorted(names[i] for i in roles[NetworkRole.Role.SPEAKER]),
    }


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page's <link> says: send them to the icon.
    Not a permanent redirect: the icon's name carries a content hash, so it changes with a
    deploy that changes the icon, and a browser would keep asking for the old one."""
    return HttpResponseRedirect(static("peerpower/favicon.svg"))


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: the process answers. Touches no database (also the bench baseline)."""
    return HttpResponse("ok", content_type="text/plain")
