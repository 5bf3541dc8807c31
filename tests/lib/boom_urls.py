"""A URLconf for tests of error pages and reports: the real URLs, plus views that fail."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from peerpower.urls import urlpatterns as real_urlpatterns


@login_not_required
def explode(request: HttpRequest, token: str) -> HttpResponse:
    feed_url = request.get_full_path()  # a local holding the URL, as real views have
    raise RuntimeError(f"the feed failed while building {len(feed_url)} characters")


@login_not_required
def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("Group 7's issues are for its members")


@login_not_required
def bad(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a malformed request")


@login_not_required
def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the database said no")


urlpatterns = [
    path("boom/calendar/<str:token>.ics", explode, name="boom_feed"),
    path("boom/forbidden/", forbidden),
    path("boom/bad/", bad),
    path("boom/fail/", fail),
    *real_urlpatterns,
]
