"""A guest's account reaches the guest pages, their own account settings and what anyone may
reach without logging in; every other page is a 404 to them, as if it did not exist.

The question "is this a guest-only account?" is answered from the person's access
(`groups.access`: its one query also says whether they have a guest request), which nearly
every page loads anyway, so it costs nothing more. Views marked `lib.http.seat_checked` answer
only people with a seat in the group, which a guest never holds, and are not asked about at
all: the live room's poll stays at its three queries."""

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from peerpower.guests.queries import is_guest_only
from peerpower.lib.http import SEAT_CHECKED

# Pages of the account itself (allauth's: log-out, password, second factor) and accepting a
# member invitation, which is how a guest becomes a member.
ALLOWED_NAMES = {"account_settings", "invitation_accept", "mfa_required"}
ALLOWED_PREFIXES = ("account_", "mfa_")
# A guest's own copy of their data (the right of access is everyone's), and, once they came to
# a meeting, the business case for their trustees and a bursary application, with its answer
# (their rules say who: impact.make_case, fees.apply_bursary, fees.see_bursary).
ALLOWED_VIEWS = {
    "privacy:mine",
    "privacy:mine_json",
    "impact:case",
    "impact:case_pdf",
    "impact:case_odt",
    "fees:bursary_apply",
    "fees:bursary",
}


class GuestScopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not getattr(view_func, "login_required", True):
            return None  # public pages: a guest may see what anyone may
        if getattr(view_func, SEAT_CHECKED, False):
            return None  # the view itself answers only people with a seat
        match = request.resolver_match
        if (
            match is None
            or match.namespace in ("guests", "admin")
            or match.url_name in ALLOWED_NAMES
            or match.view_name in ALLOWED_VIEWS
        ):
            return None
        if (match.url_name or "").startswith(ALLOWED_PREFIXES) and not match.namespace:
            return None
        if not is_guest_only(request.user):
            return None
        if match.view_name == "home":
            return redirect("guests:mine")
        raise Http404
