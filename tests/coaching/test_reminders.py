"""Coaching reminders: the day before and an hour before, to both people, once each (a
`SessionReminder` claims each), again after a move, never to someone who switched them off;
the reminder's calendar file read back with vobject."""

from datetime import timedelta

import vobject  # type: ignore[import-untyped]
from django.core import mail

from peerpower.accounts.models import User
from peerpower.coaching import actions
from peerpower.coaching.tasks import reminders_send_due
from tests.coaching.builders import at, book, day_ahead, ics_of
from tests.coaching.conftest import Coaching


def _to(user: User) -> list[str]:
    return [str(m.subject) for m in mail.outbox if m.to == [user.email]]


def test_both_are_reminded_the_day_before_and_an_hour_before_once_each(
    coaching: Coaching,
) -> None:
    member, coach = coaching.world.member, coaching.world.coach
    session = book(coaching.engagement, at(day_ahead(3), 10))
    mail.outbox.clear()
    assert reminders_send_due(now=session.starts_at - timedelta(hours=25)) == 0
    assert reminders_send_due(now=session.starts_at - timedelta(hours=23)) == 2
    assert reminders_send_due(now=session.starts_at - timedelta(hours=22)) == 0  # claimed
    assert reminders_send_due(now=session.starts_at - timedelta(minutes=55)) == 2
    assert reminders_send_due(now=session.starts_at - timedelta(minutes=50)) == 0
    assert len(_to(member)) == len(_to(coach)) == 2
    for message in mail.outbox:
        event = vobject.readOne(ics_of(message))
        assert event.method.value == "REQUEST"
        assert event.vevent.uid.value == f"{session.uid}@peerpower"
        assert event.vevent.dtstart.value == session.starts_at


def test_a_moved_session_is_reminded_again_at_its_new_time(coaching: Coaching) -> None:
    session = book(coaching.engagement, at(day_ahead(3), 10))
    reminders_send_due(now=session.starts_at - timedelta(hours=23))
    moved = actions.session_reschedule(
        session=session, starts_at=at(day_ahead(5), 10), by=coaching.world.coach,
        now=session.starts_at - timedelta(hours=23),
    )  # fmt: skip
    mail.outbox.clear()
    assert reminders_send_due(now=moved.starts_at - timedelta(hours=23)) == 2
    assert {int(vobject.readOne(ics_of(m)).vevent.sequence.value) for m in mail.outbox} == {1}


def test_a_cancelled_session_is_not_reminded(coaching: Coaching) -> None:
    session = book(coaching.engagement, at(day_ahead(3), 10))
    actions.session_cancel(session=session, by=coaching.world.coach)
    assert reminders_send_due(now=session.starts_at - timedelta(hours=23)) == 0


def test_each_reminder_can_be_switched_off_in_the_settings(coaching: Coaching) -> None:
    member, coach = coaching.world.member, coaching.world.coach
    User.objects.filter(pk=member.pk).update(remind_coaching_day_before=False)
    User.objects.filter(pk=coach.pk).update(remind_coaching_hour_before=False)
    session = book(coaching.engagement, at(day_ahead(3), 10))
    mail.outbox.clear()
    assert reminders_send_due(now=session.starts_at - timedelta(hours=23)) == 1
    assert reminders_send_due(now=session.starts_at - timedelta(minutes=55)) == 1
    assert (len(_to(member)), len(_to(coach))) == (1, 1)
