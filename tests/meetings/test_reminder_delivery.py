"""Reminders are sent at least once and never twice: a send that fails is tried again; a
meeting moved after its reminder gets a new one. Each reminder names the reader's zone and
carries one-click reply links that need no password, work once and expire."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from peerpower.meetings.actions import REMINDER_RETRY_AFTER, meeting_move, reminders_send_due
from peerpower.meetings.models import Meeting, Participation, ReminderSent, ReplyLink
from tests.conftest import World

# A real SMTP backend pointed at a closed port: the send fails as an outage would.
SMTP_DOWN = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": 9,
    "EMAIL_TIMEOUT": 2,
}


def member_mail(world: World) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [world.member.email] and "Tuesday" in m.subject]


def test_a_failed_send_is_tried_again_and_then_not_repeated(world: World) -> None:
    meeting = world.next_meeting()
    now = meeting.starts_at - timedelta(hours=20)
    mail.outbox.clear()
    with override_settings(**SMTP_DOWN):
        assert reminders_send_due(now=now) == 3  # claimed: chair, member, the other group's
    assert mail.outbox == []
    assert ReminderSent.objects.filter(meeting=meeting, sent_at=None).count() == 2
    # Claimed a moment ago: another run leaves them to the first.
    assert reminders_send_due(now=now + timedelta(minutes=1)) == 0
    later = now + REMINDER_RETRY_AFTER
    assert reminders_send_due(now=later) == 3
    assert len(member_mail(world)) == 1
    assert not ReminderSent.objects.filter(meeting=meeting, sent_at=None).exists()
    assert reminders_send_due(now=later + timedelta(minutes=30)) == 0
    assert len(member_mail(world)) == 1


def test_a_meeting_moved_after_its_reminder_gets_a_new_one(world: World) -> None:
    meeting = world.next_meeting()
    mail.outbox.clear()
    reminders_send_due(now=meeting.starts_at - timedelta(hours=20))
    assert len(member_mail(world)) == 1
    start = meeting.starts_at + timedelta(hours=2)
    meeting_move(
        meeting=meeting,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        venue=meeting.venue,
        online_link="",
        by=world.chair,
    )
    mail.outbox.clear()
    assert reminders_send_due(now=start - timedelta(hours=20)) == 2
    [reminder] = member_mail(world)
    assert f"{timezone.localtime(start):%H:%M}" in reminder.body
    assert reminders_send_due(now=start - timedelta(hours=19)) == 0


def test_the_reminder_names_the_zone_and_the_day_plainly(world: World) -> None:
    world.member.time_zone = "America/New_York"
    world.member.save()
    meeting = world.next_meeting()
    mail.outbox.clear()
    # Two days ahead: the week's reminder, sent late, must not say "next week".
    reminders_send_due(now=meeting.starts_at - timedelta(days=2))
    [reminder] = member_mail(world)
    local = timezone.localtime(meeting.starts_at, timezone=ZoneInfo("America/New_York"))
    assert reminder.subject.startswith(f"This {local:%A}: Tuesday Leaders")
    assert f"meets this {local:%A}, {local:%A} {local.day} {local:%B}" in reminder.body
    assert "(America/New_York time)" in reminder.body


def links_in(message: mail.EmailMessage) -> dict[str, str]:
    found = dict(re.findall(r"^(I'll be there|Send apologies): (\S+)$", str(message.body), re.M))
    assert set(found) == {"I'll be there", "Send apologies"}
    return found


@pytest.fixture
def reminded(world: World) -> tuple[Meeting, dict[str, str]]:
    meeting = world.next_meeting()
    mail.outbox.clear()
    reminders_send_due(now=meeting.starts_at - timedelta(hours=20))
    [message] = member_mail(world)
    return meeting, {
        k: v.removeprefix("http://127.0.0.1:8000") for k, v in links_in(message).items()
    }


def test_one_click_reply_needs_no_password_and_works_once(
    world: World, reminded: tuple[Meeting, dict[str, str]]
) -> None:
    meeting, links = reminded
    client = Client()  # not logged in
    page = client.get(links["I'll be there"])
    assert page.status_code == 200
    assert b'value="attending" id="id_rsvp_0" checked' in page.content
    assert page["Referrer-Policy"] == "no-referrer"
    assert not Participation.objects.filter(meeting=meeting, user=world.member).exists()
    url = links["I'll be there"].split("?")[0]
    done = client.post(url, {"rsvp": "attending", "reason": ""})
    assert done.status_code == 200
    assert b"is saved: <strong>attending</strong>" in done.content
    reply = Participation.objects.get(meeting=meeting, user=world.member)
    assert reply.rsvp == "attending"
    again = client.post(url, {"rsvp": "apologies", "reason": "Changed my mind"})
    assert again.status_code == 410
    assert b"It has been used already, or it has expired" in again.content
    reply.refresh_from_db()
    assert reply.rsvp == "attending"
    assert client.get(links["Send apologies"]).status_code == 410  # one link per email


def test_one_click_reply_works_from_a_browser_that_sends_no_origin(
    world: World, reminded: tuple[Meeting, dict[str, str]]
) -> None:
    """The page's no-referrer policy makes browsers post with `Origin: null` and no Referer; the
    token, not the session, is what the reply rests on (the test client skips CSRF by default)."""
    meeting, links = reminded
    client = Client(enforce_csrf_checks=True)
    url = links["I'll be there"].split("?")[0]
    done = client.post(url, {"rsvp": "attending", "reason": ""}, HTTP_ORIGIN="null")
    assert done.status_code == 200
    assert Participation.objects.get(meeting=meeting, user=world.member).rsvp == "attending"


def test_the_reply_page_shows_the_time_in_the_persons_zone(world: World) -> None:
    world.member.time_zone = "America/New_York"
    world.member.save()
    meeting = world.next_meeting()
    mail.outbox.clear()
    reminders_send_due(now=meeting.starts_at - timedelta(hours=20))
    [message] = member_mail(world)
    link = links_in(message)["I'll be there"].removeprefix("http://127.0.0.1:8000")
    page = Client().get(link).content.decode()
    local = timezone.localtime(meeting.starts_at, timezone=ZoneInfo("America/New_York"))
    assert f"{local:%H:%M}–" in page
    assert "(America/New_York time)" in page


def test_apologies_by_link_need_a_reason_beside_the_field(
    world: World, reminded: tuple[Meeting, dict[str, str]]
) -> None:
    meeting, links = reminded
    client = Client()
    url = links["Send apologies"].split("?")[0]
    refused = client.post(url, {"rsvp": "apologies", "reason": " "})
    assert refused.status_code == 400
    assert b'id="id_reason_error">Give a short reason with your apologies.</div>' in refused.content
    assert ReplyLink.objects.get(user=world.member, meeting=meeting).used_at is None
    saved = client.post(url, {"rsvp": "apologies", "reason": "Board meeting"})
    assert saved.status_code == 200
    reply = Participation.objects.get(meeting=meeting, user=world.member)
    assert (reply.rsvp, reply.apology_reason) == ("apologies", "Board meeting")


def test_an_expired_link_is_refused(world: World, reminded: tuple[Meeting, dict[str, str]]) -> None:
    meeting, links = reminded
    ReplyLink.objects.filter(meeting=meeting).update(expires_at=timezone.now())
    url = links["I'll be there"].split("?")[0]
    assert Client().post(url, {"rsvp": "attending"}).status_code == 410
    assert not Participation.objects.filter(meeting=meeting, user=world.member).exists()


def test_a_link_is_refused_once_its_person_has_left(
    world: World, reminded: tuple[Meeting, dict[str, str]]
) -> None:
    from peerpower.groups.models import Membership

    meeting, links = reminded
    Membership.objects.filter(user=world.member, group=world.group).update(status="left")
    url = links["I'll be there"].split("?")[0]
    response = Client().post(url, {"rsvp": "attending"})
    assert response.status_code == 400
    assert b"Only the group&#x27;s active members can reply to its meetings." in response.content
    assert not Participation.objects.filter(meeting=meeting, user=world.member).exists()
