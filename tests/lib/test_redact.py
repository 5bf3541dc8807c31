"""Secrets in URLs (feed, invitation and reply tokens) never reach a log line or an error report."""

import io
import logging
import sys
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.module_loading import import_string
from pytest_django.fixtures import Settings

from peerpower.lib.redact import MASK, redact_text, redact_url
from tests.conftest import World

FEED_TOKEN = "feedsecret-abc123XYZ"
INVITE_TOKEN = "invitesecret-987zyx"
QUERY_SECRET = "querysecret-555"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"/calendar/{FEED_TOKEN}.ics", f"/calendar/{MASK}.ics"),
        (f"/invitations/{INVITE_TOKEN}/", f"/invitations/{MASK}/"),
        (
            f"https://pp.example.org/calendar/{FEED_TOKEN}.ics?week=2",
            f"https://pp.example.org/calendar/{MASK}.ics?week=2",
        ),
        (
            "/meetings/12/?token=t0k&secret=s3c&api_key=k3y&v=4",
            f"/meetings/12/?token={MASK}&secret={MASK}&api_key={MASK}&v=4",
        ),
        ("/meetings/12/room/state/?v=4", "/meetings/12/room/state/?v=4"),
        ("/invitations/12/withdraw/", "/invitations/12/withdraw/"),  # a pk is no secret
        ("/no/such/page/", "/no/such/page/"),
    ],
)
def test_secret_parameters_are_masked_and_nothing_else(url: str, expected: str) -> None:
    assert redact_url(url) == expected


def test_every_url_in_a_log_line_is_redacted() -> None:
    line = f'"GET /calendar/{FEED_TOKEN}.ics HTTP/1.1" 404 179 from /invitations/{INVITE_TOKEN}/'
    assert (
        redact_text(line)
        == f'"GET /calendar/{MASK}.ics HTTP/1.1" 404 179 from /invitations/{MASK}/'
    )


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """What the configured console handler writes (it is on the root logger)."""
    [handler] = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    assert isinstance(handler, logging.StreamHandler)
    written = io.StringIO()
    previous = handler.setStream(written)
    yield written
    handler.setStream(previous)


def test_a_404_on_a_feed_logs_no_token(world: World, console: io.StringIO) -> None:
    response = Client().get(reverse("meetings:feed", args=[FEED_TOKEN]))
    assert response.status_code == 404
    assert console.getvalue() == f"Not Found: /calendar/{MASK}.ics\n"


@pytest.mark.urls("tests.lib.boom_urls")
def test_a_500_logs_and_mails_a_report_that_names_no_secret(
    db: None, settings: Settings, console: io.StringIO
) -> None:
    settings.ADMINS = [("Operator", "ops@example.org")]
    referrer = f"http://testserver/invitations/{INVITE_TOKEN}/"
    client = Client(raise_request_exception=False)
    response = client.get(
        f"/boom/calendar/{FEED_TOKEN}.ics",
        {"key": QUERY_SECRET, "week": "2"},
        HTTP_REFERER=referrer,
    )
    assert response.status_code == 500
    [report] = mail.outbox
    everything = "\n".join(
        [console.getvalue(), str(report.subject), str(report.body)]
        + [str(content) for content, _ in getattr(report, "alternatives", [])]
    )
    assert "the feed failed while building" in everything  # the report is there...
    assert f"Internal Server Error: /boom/calendar/{MASK}.ics" in report.subject
    for secret in (FEED_TOKEN, INVITE_TOKEN, QUERY_SECRET):
        assert secret not in everything  # ...without the secrets
    assert f"/invitations/{MASK}/" in report.body  # the referrer, redacted
    assert "week" in report.body


def fail_with(token: str) -> None:
    feed_url = f"/calendar/{token}.ics"
    raise RuntimeError(f"could not build {len(feed_url)} characters")


def test_the_full_error_report_hides_secret_variables_and_urls(db: None) -> None:
    """The HTML report (the debug page, or a mail with include_html) shows every frame's
    variables and the request: none names a secret."""
    request = RequestFactory().get(
        f"/calendar/{FEED_TOKEN}.ics",
        {"key": QUERY_SECRET, "week": "2"},
        HTTP_REFERER=f"http://testserver/invitations/{INVITE_TOKEN}/",
    )
    try:
        fail_with(FEED_TOKEN)
    except RuntimeError:
        reporter = import_string(django_settings.DEFAULT_EXCEPTION_REPORTER)(
            request, *sys.exc_info()
        )
        html, text = reporter.get_traceback_html(), reporter.get_traceback_text()
    else:  # pragma: no cover - fail_with always raises
        pytest.fail("fail_with did not fail")
    assert "could not build" in html and "fail_with" in html  # the report is there...
    for secret in (FEED_TOKEN, INVITE_TOKEN, QUERY_SECRET):
        assert secret not in html and secret not in text  # ...without the secrets
    assert f"/calendar/{MASK}.ics" in html
