"""Per-request account policies: show times in the viewer's zone; make admins and chairs use MFA."""

import time
import zoneinfo
from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from peerpower.groups.models import Membership
from peerpower.networks.models import NetworkRole


class UserTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


def needs_mfa(user_id: int) -> bool:
    """Network admins and group chairs see other people's details, so they must use MFA."""
    admin = NetworkRole.objects.filter(user_id=user_id, role=NetworkRole.Role.ADMIN)
    chair = Membership.objects.filter(
        user_id=user_id, role=Membership.Role.CHAIR, status=Membership.Status.ACTIVE
    )
    return admin.exists() or chair.exists()


def has_mfa(user_id: int) -> bool:
    return Authenticator.objects.filter(  # type: ignore[no-any-return]  # allauth is untyped
        user_id=user_id, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


# Pages a person who must set up MFA can still reach: the account pages (where MFA is set up,
# and log-out), static files and the health check.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/invitations/", "/calendar/")


# How long a passed check is trusted before it is made again. Short, so that a new chair is
# asked for MFA within minutes; long enough that most requests (the room's polls above all)
# skip the two or three queries.
MFA_CHECK_SECONDS = 300
MFA_SESSION_KEY = "peerpower.mfa_ok_until"


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(MFA_EXEMPT_PREFIXES):
            now = time.time()
            if request.session.get(MFA_SESSION_KEY, 0) < now:
                if not has_mfa(user.pk) and needs_mfa(user.pk):
                    return redirect("mfa_required")
                request.session[MFA_SESSION_KEY] = now + MFA_CHECK_SECONDS
        return self.get_response(request)
