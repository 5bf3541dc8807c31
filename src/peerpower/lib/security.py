"""Security headers that Django 5.2 does not send itself: the Content Security Policy and the
Permissions-Policy, on every response (static files and error pages included), and
`Cache-Control: private, no-store` on everything that may show something confidential.

Django's SecurityMiddleware already sends Referrer-Policy (SECURE_REFERRER_POLICY),
Cross-Origin-Opener-Policy (SECURE_CROSS_ORIGIN_OPENER_POLICY) and X-Content-Type-Options.
The policy is written in settings.SECURE_CSP in the shape of Django 6.0's setting of that name,
so moving to Django's own CSP middleware later is a one-line change.
"""

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

from peerpower.lib.redact import SECRET_NAME


def policy_header(directives: Mapping[str, Sequence[str]]) -> str:
    """`{"default-src": ["'self'"], "img-src": ["'self'", "data:"]}` as a header value."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy and Permissions-Policy unless the view set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.headers = {
            "Content-Security-Policy": policy_header(settings.SECURE_CSP),
            "Permissions-Policy": settings.PERMISSIONS_POLICY,
        }

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        for name, value in self.headers.items():
            if value:
                response.headers.setdefault(name, value)
        return response


def reached_by_secret(request: HttpRequest) -> bool:
    """True for a URL whose pattern takes a secret (a calendar feed, an invitation link)."""
    match = request.resolver_match
    return match is not None and any(SECRET_NAME.search(name) for name in match.kwargs)


class PrivateNoStoreMiddleware:
    """Every response to a logged-in person, and to a URL reached by a secret, is
    `Cache-Control: private, no-store`: no browser, proxy or shared computer keeps a copy of a
    page that may show what a group said. Decided here, once, so no view can forget it; a
    view's own directives (such as `no-cache` with an ETag) stay beside these. Static files
    never get here (WhiteNoise answers them first) and stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.user.is_authenticated or reached_by_secret(request):
            patch_cache_control(response, private=True, no_store=True)
        return response
