"""Per-request account policies: show times in the viewer's zone; make admins and chairs use MFA."""

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
    return (
        NetworkRole.objects.filter(user_id=user_id, role=NetworkRole.Role.ADMIN).exists()
        or Membership.objects.filter(
            user_id=user_id, role=Membership.Role.CHAIR, status=Membership.Status.ACTIVE
        ).exists()
    )


def has_mfa(user_id: int) -> bool:
    return Authenticator.objects.filter(  # type: ignore[no-any-return]  # allauth is untyped
        user_id=user_id, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


# Pages a person who must set up MFA can still reach: the account pages (where MFA is set up,
# and log-out), static files and the health check.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/invitations/", "/calendar/")


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and not has_mfa(user.pk)
            and needs_mfa(user.pk)
        ):
            return redirect("mfa_required")
        return self.get_response(request)
