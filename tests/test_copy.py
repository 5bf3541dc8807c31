"""The site's copy, checked on every page every role reaches: sentence case, real plurals, one
possessive, no machine placeholders ("---------") in a select, no bare "Left"."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

import peerpower
from peerpower.lib.templatetags.peerpower import possessive
from peerpower.meetings.actions import meeting_cancel
from peerpower.meetings.tasks import send_calendar_withdrawal, send_series_invitation
from tests import factories, urlwalk
from tests.conftest import ClientFor, World
from tests.test_access import EXPECTED, ROLES, url_for

SRC = Path(peerpower.__file__).parent
PAGES = sorted(
    (name, role) for name, by_role in EXPECTED.items() for role in ROLES if by_role[role] == 200
)


def pages_of(world: World, client_for: ClientFor) -> dict[str, str]:
    patterns = dict(urlwalk.all_patterns())
    clients = {role: client_for(getattr(world, role, None)) for role in ROLES}
    seen = {}
    for name, role in PAGES:
        response = clients[role].get(url_for(world, name, patterns[name]))
        if response.status_code == 200 and "text/html" in response.headers.get("Content-Type", ""):
            seen[f"{name} as {role}"] = response.content.decode()
    return seen


@pytest.mark.parametrize(
    ("what", "pattern"),
    [
        ("an empty choice shown as dashes", r"<option[^>]*>\s*-{3,}\s*</option>"),
        ("a (s) plural", r"\w\(s\)"),
        ("a possessive 's after an s", r"s's\b"),
    ],
)
def test_no_page_shows(world: World, client_for: ClientFor, what: str, pattern: str) -> None:
    found = {
        page: re.findall(pattern, body)
        for page, body in pages_of(world, client_for).items()
        if re.search(pattern, body)
    }
    assert found == {}, what


def test_a_name_takes_one_possessive_everywhere(
    world: World,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    assert possessive("Maya") == "Maya's"
    assert possessive("Tuesday Leaders") == "Tuesday Leaders'"
    meeting = world.next_meeting()
    page = client_for(world.chair).get(reverse("meetings:move", args=[meeting.pk]))
    assert "Move or change the venue of Tuesday Leaders&#x27; meeting" in page.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, reason="Snow", by=world.chair)
    text = str(mail.outbox[0].body)
    assert "Tuesday Leaders' meeting on" in text and "Leaders's" not in text


def test_emails_greet_people_by_their_name_as_written(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    world.member.name = "Dr Sunita Rao"
    world.member.save()
    assert world.member.get_short_name() == "Dr Sunita Rao"  # never "Dr"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=world.next_meeting(), reason="Snow", by=world.chair)
    send_series_invitation.call_local(
        meeting_ids=[world.next_meeting().pk], user_ids=[world.member.pk]
    )
    send_calendar_withdrawal.call_local(group_id=world.group.pk, user_id=world.member.pk)
    to_her = [m for m in mail.outbox if m.to == [world.member.email]]
    assert to_her
    for message in to_her:
        assert str(message.body).startswith("Hello Dr Sunita Rao,"), message.subject
        html = "".join(str(content) for content, _ in getattr(message, "alternatives", []))
        assert "<p>Hello Dr Sunita Rao,</p>" in html, message.subject


def test_the_chair_records_that_a_member_has_left_in_plain_words(
    world: World, client_for: ClientFor
) -> None:
    page = client_for(world.chair).get(reverse("groups:detail", args=[world.group.pk]))
    body = page.content.decode()
    assert ">Record as left<" in body and ">Left<" not in body
    assert "Record that Maya Member has left" in body
    assert "Their membership ends: they no longer see the group's issues" in body


def test_no_button_is_grey() -> None:
    """A grey outline button reads as disabled: buttons are the brand's primary, or danger."""
    grey = [
        str(path)
        for path in SRC.rglob("templates/**/*.html")
        if re.search(r"btn-(outline-)?secondary", path.read_text())
    ]
    assert grey == []


def test_the_reencrypt_command_counts_in_words(db: None) -> None:
    out = StringIO()
    call_command("mfa_reencrypt", stdout=out)
    factories.make_user(mfa=True)
    call_command("mfa_reencrypt", stdout=out)
    assert out.getvalue().splitlines() == [
        "Re-encrypted 0 two-factor secrets with the newest key.",
        "Re-encrypted 1 two-factor secret with the newest key.",
    ]
