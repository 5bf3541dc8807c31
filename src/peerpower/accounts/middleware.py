"""Per-request account policies: show times in the viewer's zone; make admins and chairs use MFA."""

import time
import zoneinfo
from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import timezone

from peerpower.accounts.models import User
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
        try:
            return self.get_response(request)
        finally:
            # The zone is this request's only: the thread's next request (or, in tests, the
            # code after a test client's request) starts from the default again.
            timezone.deactivate()


def needs_mfa(user: User) -> bool:
    """Staff and superusers (the Django admin), network admins and group chairs see other
    people's details, so they must use MFA."""
    if user.is_staff or user.is_superuser:
        return True
    admin = NetworkRole.objects.filter(user_id=user.pk, role=NetworkRole.Role.ADMIN)
    chair = Membership.objects.filter(
        user_id=user.pk, role=Membership.Role.CHAIR, status=Membership.Status.ACTIVE
    )
    return admin.exists() or chair.exists()


def has_mfa(user_id: int) -> bool:
    return Authenticator.objects.filter(  # type: ignore[no-any-return]  # allauth is untyped
        user_id=user_id, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


# Pages a person who must set up MFA can still reach: the account pages (where MFA is set up,
# and log-out), static files and the favicon, the health check and calendar feeds; and, by
# name, the one page that accepting an invitation needs (withdrawing one is not exempt).
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/favicon.ico", "/healthz", "/calendar/")
MFA_EXEMPT_VIEWS = frozenset({"invitation_accept"})


# How long a passed check is trusted before it is made again. Short, so that a new chair is
# asked for MFA within minutes; long enough that most requests (the room's polls above all)
# skip the two or three queries.
MFA_CHECK_SECONDS = 300
MFA_SESSION_KEY = "peerpower.mfa_ok_until"


def _exempt(request: HttpRequest) -> bool:
    if request.path.startswith(MFA_EXEMPT_PREFIXES):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name in MFA_EXEMPT_VIEWS


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        now = time.time()
        # The session's last passed check first: most requests stop there, unresolved.
        if (
            user.is_authenticated
            and request.session.get(MFA_SESSION_KEY, 0) < now
            and not _exempt(request)
        ):
            if not has_mfa(user.pk) and needs_mfa(user):
                return redirect("mfa_required")
            request.session[MFA_SESSION_KEY] = now + MFA_CHECK_SECONDS
        return self.get_response(request)
