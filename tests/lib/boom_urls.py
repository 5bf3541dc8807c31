"""A URLconf for tests of error reports: URLs shaped like the real secret ones, whose view fails."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from peerpower.urls import urlpatterns as real_urlpatterns


@login_not_required
def explode(request: HttpRequest, token: str) -> HttpResponse:
    feed_url = request.get_full_path()  # a local holding the URL, as real views have
    raise RuntimeError(f"the feed failed while building {len(feed_url)} characters")


urlpatterns = [
    path("boom/calendar/<str:token>.ics", explode, name="boom_feed"),
    *real_urlpatterns,
]
