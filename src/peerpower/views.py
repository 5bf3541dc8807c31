"""Cross-app pages: each person's home ("what do I need to do next?") and the health check."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from peerpower.accounts.http import AuthenticatedRequest
from peerpower.accounts.models import Invitation
from peerpower.groups.access import access_for
from peerpower.groups.models import Membership
from peerpower.groups.queries import groups_managed_by, groups_visible_to, groups_with_counts
from peerpower.issues.queries import commitments_visible_to
from peerpower.meetings.models import Meeting, Participation, timed_agenda
from peerpower.meetings.queries import meetings_for, rsvps_awaited, upcoming, with_agenda


def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    next_meeting = with_agenda(
        upcoming(meetings_for(user), now).filter(status=Meeting.Status.SCHEDULED)
    ).first()
    my_reply = (
        Participation.objects.filter(meeting=next_meeting, user=user).first()
        if next_meeting
        else None
    )
    managed = list(groups_with_counts(groups_managed_by(user)))
    return render(
        request,
        "home.html",
        {
            "next_meeting": next_meeting,
            "segments": timed_agenda(next_meeting, list(next_meeting.agenda_items.all()))
            if next_meeting
            else [],
            "my_reply": my_reply,
            # Three are enough to act on; a fourth only tells the page there are more.
            "awaited": list(rsvps_awaited(user, now)[:4]),
            "my_groups": list(groups_visible_to(user).order_by("name")) if not managed else [],
            "managed_groups": managed,
            "commitments": list(
                commitments_visible_to(user)
                .filter(member=user, status__in=["open", "in_progress"])
                .select_related("issue__group")
                .order_by("due_on")[:5]
            ),
            "pledges_due": list(
                Membership.objects.filter(
                    user=user, status__in=Membership.CURRENT, pledge_accepted_at__isnull=True
                ).select_related("group")
            )
            if any(s.is_current and not s.pledged for s in access_for(user).seats.values())
            else [],
            "pending_invitations": list(
                Invitation.objects.filter(
                    invited_by=user, accepted_at=None, expires_at__gt=now
                ).select_related("user", "group")[:10]
            ),
        },
    )


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: the process answers. Touches no database (also the bench baseline)."""
    return HttpResponse("ok", content_type="text/plain")
