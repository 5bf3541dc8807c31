from datetime import timedelta

from django.core import mail
from django.utils import timezone

from peerpower.meetings.actions import meeting_cancel
from peerpower.meetings.actions import reminders_send_due as send_due_reminders
from peerpower.meetings.models import ReminderSent
from tests import factories
from tests.conftest import World


def test_week_and_day_reminders_go_out_once_each(world: World) -> None:
    meeting = world.next_meeting()
    mail.outbox.clear()
    assert send_due_reminders(now=meeting.starts_at - timedelta(days=8)) == 0
    week = send_due_reminders(now=meeting.starts_at - timedelta(days=6, hours=23))
    again = send_due_reminders(now=meeting.starts_at - timedelta(days=6))
    day = send_due_reminders(now=meeting.starts_at - timedelta(hours=20))
    # the chair and the member, not the former member; the day run also sends the other
    # group's week reminder (its meeting is two days later)
    assert (week, again, day) == (2, 0, 3)
    sent = sorted(ReminderSent.objects.filter(meeting=meeting).values_list("kind", "user__email"))
    assert sent == sorted(
        [(k, e) for k in ("day", "week") for e in (world.chair.email, world.member.email)]
    )
    subjects = sorted(m.subject for m in mail.outbox if "Tuesday" in m.subject)
    assert subjects[0].startswith("Next week: Tuesday Leaders")
    assert subjects[-1].startswith("Tomorrow: Tuesday Leaders")
    assert {m.to[0] for m in mail.outbox if "Tuesday" in m.subject} == {
        world.chair.email,
        world.member.email,
    }


def test_reminders_respect_the_notification_settings(world: World) -> None:
    world.member.remind_week_before = False
    world.member.save()
    meeting = world.next_meeting()
    mail.outbox.clear()
    send_due_reminders(now=meeting.starts_at - timedelta(days=6))
    assert [m.to for m in mail.outbox] == [[world.chair.email]]


def test_no_reminders_for_cancelled_meetings_or_paused_members(world: World) -> None:
    meeting = world.next_meeting()
    meeting_cancel(meeting=meeting, reason="Venue closed", by=world.chair)
    paused = factories.add_member(world.group, status="paused").user
    mail.outbox.clear()
    assert send_due_reminders(now=meeting.starts_at - timedelta(days=6)) == 0
    assert not ReminderSent.objects.filter(user=paused).exists()


def test_reminder_times_are_in_the_readers_zone(world: World) -> None:
    world.member.time_zone = "America/New_York"
    world.member.save()
    meeting = world.next_meeting()
    mail.outbox.clear()
    send_due_reminders(now=meeting.starts_at - timedelta(hours=20))
    [to_member] = [m for m in mail.outbox if m.to == [world.member.email]]
    local = timezone.localtime(
        meeting.starts_at, timezone=__import__("zoneinfo").ZoneInfo("America/New_York")
    )
    assert f"{local:%H:%M}" in to_member.body
    assert ".ics" in to_member.attachments[0][0]
