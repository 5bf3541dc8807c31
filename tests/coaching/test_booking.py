"""Booking, moving, cancelling, waiving and marking sessions, and what each refuses."""

import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.coaching import actions, queries
from peerpower.coaching.models import AvailabilityException, Engagement, Session
from tests import factories
from tests.coaching import builders
from tests.coaching.builders import at, book, day_ahead, ics_of
from tests.coaching.conftest import Coaching


def messages(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def test_the_member_books_a_free_slot_and_both_are_emailed_a_calendar_request(
    coaching: Coaching, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    starts = at(day_ahead(7), 10)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session = book(coaching.engagement, starts)
    assert (session.starts_at, session.minutes, session.status) == (starts, 60, "booked")
    assert session.blocked_until == starts + timedelta(minutes=75)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [coaching.world.member.email, coaching.world.coach.email]
    )
    assert all("METHOD:REQUEST" in ics_of(m) for m in mail.outbox)
    assert queries.allowance_of(coaching.engagement).remaining == 5


def test_a_replayed_key_books_once_and_a_reused_key_for_another_time_is_refused(
    coaching: Coaching,
) -> None:
    key = uuid.uuid4()
    starts = at(day_ahead(7), 10)
    first = actions.session_book(
        engagement=coaching.engagement, starts_at=starts, minutes=60,
        idempotency_key=key, by=coaching.world.member,
    )  # fmt: skip
    again = actions.session_book(
        engagement=coaching.engagement, starts_at=starts, minutes=60,
        idempotency_key=key, by=coaching.world.member,
    )  # fmt: skip
    assert again.pk == first.pk
    assert Session.objects.count() == 1
    with pytest.raises(ValidationError) as error:
        actions.session_book(
            engagement=coaching.engagement, starts_at=starts + timedelta(hours=2), minutes=60,
            idempotency_key=key, by=coaching.world.member,
        )  # fmt: skip
    assert messages(error) == {
        "starts_at": [
            "This booking form was already sent. Open the booking page again to book another time."
        ]
    }
    assert Session.objects.count() == 1


def test_a_taken_time_is_refused_with_the_nearest_free_slots(coaching: Coaching) -> None:
    other = factories.add_member(coaching.world.group).user
    rival = builders.engagement(coaching.profile, other)
    starts = at(day_ahead(7), 10)
    book(rival, starts)
    with pytest.raises(actions.SlotTaken) as error:
        book(coaching.engagement, starts + timedelta(minutes=30), minutes=45)
    assert messages(error) == {"starts_at": ["That time was just taken."]}
    london = ZoneInfo("Europe/London")
    # 09:00 (90 minutes away) is free too, but 11:15, 11:30 and 11:45 are nearer.
    assert [f"{s.astimezone(london):%H:%M}" for s in error.value.nearest] == [
        "11:15",
        "11:30",
        "11:45",
    ]


def test_only_the_buffer_clashes_and_it_is_refused(coaching: Coaching) -> None:
    starts = at(day_ahead(7), 10)
    book(coaching.engagement, starts)  # 10:00–11:00, blocked until 11:15
    with pytest.raises(actions.SlotTaken):
        book(coaching.engagement, starts + timedelta(minutes=60))  # 11:00: inside the buffer
    assert book(coaching.engagement, starts + timedelta(minutes=75)).pk  # 11:15 fits


def test_the_coachs_group_meeting_is_busy_time(coaching: Coaching) -> None:
    world = coaching.world
    factories.add_member(world.other_group, world.coach)
    meeting = (
        world.other_group.meetings.filter(starts_at__gt=timezone.now() + timedelta(days=2))
        .order_by("starts_at")
        .first()
    )
    assert meeting is not None
    with pytest.raises(actions.SlotTaken):
        book(coaching.engagement, meeting.starts_at.replace(minute=0) + timedelta(hours=1))
    slots = queries.slots_for(coaching.profile, 60)
    assert not any(
        meeting.starts_at - timedelta(minutes=75) < s < meeting.ends_at + timedelta(minutes=15)
        for s in slots
    )


def test_the_coachs_sessions_in_another_network_are_busy_time(coaching: Coaching) -> None:
    network = factories.make_network()
    profile = builders.coach_profile(network, coaching.world.coach)
    elsewhere = builders.engagement(profile, factories.make_user())
    starts = at(day_ahead(8), 14)
    book(elsewhere, starts)
    with pytest.raises(actions.SlotTaken):
        book(coaching.engagement, starts)


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (lambda: timezone.now() - timedelta(hours=2), "That time has passed."),
        (lambda: timezone.now() + timedelta(hours=3), "The coach needs 24 hours' notice."),
        (
            lambda: at(day_ahead(120), 10),
            "The coach takes bookings up to 90 days ahead.",
        ),
        (lambda: at(day_ahead(7), 18), "That time is outside the coach's hours."),
        (lambda: at(day_ahead(7), 10, 5), "That time is outside the coach's hours."),
    ],
    ids=["past", "inside-notice", "beyond-horizon", "outside-hours", "off-the-grid"],
)
def test_bad_times_are_refused_with_the_reason_beside_the_time(
    coaching: Coaching, when: object, message: str
) -> None:
    with pytest.raises(ValidationError) as error:
        book(coaching.engagement, when())  # type: ignore[operator]
    assert messages(error) == {"starts_at": [message]}


def test_a_day_off_is_refused(coaching: Coaching) -> None:
    day = day_ahead(9)
    actions.exception_add(
        profile=coaching.profile, day=day, kind=AvailabilityException.Kind.OFF,
        starts=None, ends=None, by=coaching.world.coach,
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        book(coaching.engagement, at(day, 10))
    assert messages(error) == {"starts_at": ["The coach is not available that day."]}
    assert not any(
        s.astimezone(ZoneInfo("Europe/London")).date() == day
        for s in queries.slots_for(coaching.profile, 60)
    )


def test_extra_hours_can_be_booked(coaching: Coaching) -> None:
    day = day_ahead(9)
    actions.exception_add(
        profile=coaching.profile, day=day, kind=AvailabilityException.Kind.EXTRA,
        starts=time(19), ends=time(20), by=coaching.world.coach,
    )  # fmt: skip
    assert book(coaching.engagement, at(day, 19)).pk


def test_a_length_not_offered_is_refused(coaching: Coaching) -> None:
    with pytest.raises(ValidationError) as error:
        book(coaching.engagement, at(day_ahead(7), 10), minutes=30)
    assert messages(error) == {"minutes": ["Choose one of the lengths the coach offers."]}


def test_beyond_the_allowance_is_refused(coaching: Coaching) -> None:
    small = builders.engagement(
        coaching.profile, factories.add_member(coaching.world.group).user, allowance=2
    )
    day = day_ahead(10)
    book(small, at(day, 9))
    book(small, at(day, 11))
    with pytest.raises(ValidationError) as error:
        book(small, at(day, 13))
    assert messages(error) == {
        "starts_at": ["That is beyond the allowance: 0 sessions left of 2 sessions."]
    }


def test_an_allowance_in_hours_counts_minutes(coaching: Coaching) -> None:
    hours = builders.engagement(
        coaching.profile, factories.add_member(coaching.world.group).user,
        allowance=2, unit=Engagement.Unit.HOURS,
    )  # fmt: skip
    day = day_ahead(10)
    book(hours, at(day, 9), minutes=90)
    with pytest.raises(ValidationError) as error:
        book(hours, at(day, 11), minutes=45)
    assert messages(error) == {
        "starts_at": ["That is beyond the allowance: 0.5 hours left of 2 hours."]
    }


def test_a_paused_engagement_takes_no_bookings(coaching: Coaching) -> None:
    e = coaching.engagement
    actions.engagement_change(
        engagement=e, status="paused", ends_on=e.ends_on, allowance=e.allowance,
        by=coaching.world.admin,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="active engagement"):
        book(e, at(day_ahead(7), 10))


def test_a_late_cancellation_by_the_member_counts_until_the_coach_waives_it(
    coaching: Coaching, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    session = book(coaching.engagement, at(day_ahead(3), 10))
    mail.outbox.clear()
    later = session.starts_at - timedelta(hours=5)
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = actions.session_cancel(session=session, by=coaching.world.member, now=later)
    assert (cancelled.status, cancelled.late, cancelled.sequence) == ("cancelled", True, 1)
    assert all("METHOD:CANCEL" in ics_of(m) for m in mail.outbox)
    assert len(mail.outbox) == 2
    assert queries.allowance_of(coaching.engagement).used == 1
    with pytest.raises(ValidationError):
        actions.session_waive(session=cancelled, by=coaching.world.member)
    actions.session_waive(session=cancelled, by=coaching.world.coach)
    assert queries.allowance_of(coaching.engagement).used == 0


def test_a_cancellation_in_good_time_or_by_the_coach_never_counts(coaching: Coaching) -> None:
    early = book(coaching.engagement, at(day_ahead(5), 10))
    assert not actions.session_cancel(session=early, by=coaching.world.member).late
    late_by_coach = book(coaching.engagement, at(day_ahead(5), 12))
    cancelled = actions.session_cancel(
        session=late_by_coach,
        by=coaching.world.coach,
        now=late_by_coach.starts_at - timedelta(hours=1),
    )
    assert not cancelled.late
    assert queries.allowance_of(coaching.engagement).used == 0


def test_the_networks_notice_policy_decides_what_is_late(coaching: Coaching) -> None:
    actions.settings_update(
        network=coaching.world.network, notice_hours=48, by=coaching.world.admin
    )
    session = book(coaching.engagement, at(day_ahead(5), 10))
    cancelled = actions.session_cancel(
        session=session, by=coaching.world.member, now=session.starts_at - timedelta(hours=30)
    )
    assert cancelled.late


def test_rescheduling_keeps_the_uid_and_raises_the_sequence(
    coaching: Coaching, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    session = book(coaching.engagement, at(day_ahead(6), 10))
    uid = session.uid
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = actions.session_reschedule(
            session=session, starts_at=at(day_ahead(6), 14), by=coaching.world.member
        )
    assert (moved.uid, moved.sequence, moved.starts_at) == (uid, 1, at(day_ahead(6), 14))
    assert len(mail.outbox) == 2
    assert "SEQUENCE:1" in ics_of(mail.outbox[0])


def test_a_move_into_its_own_old_time_is_no_clash_but_into_another_session_is(
    coaching: Coaching,
) -> None:
    first = book(coaching.engagement, at(day_ahead(6), 10))
    book(coaching.engagement, at(day_ahead(6), 12))
    moved = actions.session_reschedule(
        session=first, starts_at=at(day_ahead(6), 10, 30), by=coaching.world.coach
    )
    assert moved.starts_at == at(day_ahead(6), 10, 30)
    with pytest.raises(actions.SlotTaken):
        actions.session_reschedule(
            session=first, starts_at=at(day_ahead(6), 12), by=coaching.world.member
        )


def test_the_member_cannot_move_a_session_inside_the_notice_but_the_coach_can(
    coaching: Coaching,
) -> None:
    session = book(coaching.engagement, at(day_ahead(2), 10))
    near = session.starts_at - timedelta(hours=3)
    with pytest.raises(ValidationError, match="less than 24 hours"):
        actions.session_reschedule(
            session=session, starts_at=at(day_ahead(4), 10), by=coaching.world.member, now=near
        )
    moved = actions.session_reschedule(
        session=session, starts_at=at(day_ahead(4), 10), by=coaching.world.coach, now=near
    )
    assert moved.sequence == 1


def test_the_coach_marks_a_begun_session_held_or_a_no_show(coaching: Coaching) -> None:
    session = book(coaching.engagement, at(day_ahead(2), 10))
    with pytest.raises(ValidationError, match="once it has begun"):
        actions.session_mark(session=session, outcome="held", by=coaching.world.coach)
    after = session.starts_at + timedelta(minutes=61)
    with pytest.raises(ValidationError):
        actions.session_mark(session=session, outcome="held", by=coaching.world.member, now=after)
    marked = actions.session_mark(
        session=session, outcome="no_show", by=coaching.world.coach, now=after
    )
    assert marked.status == "no_show"
    assert queries.allowance_of(coaching.engagement).used == 1


def test_a_session_booked_before_the_clocks_change_keeps_its_wall_clock_time(
    coaching: Coaching,
) -> None:
    """Booked on 20 March 2027 for 6 April 09:00 London (after the change on 28 March)."""
    now = datetime(2027, 3, 20, 12, tzinfo=UTC)
    e = coaching.engagement
    Engagement.objects.filter(pk=e.pk).update(ends_on=datetime(2027, 12, 31).date())
    e.refresh_from_db()
    session = actions.session_book(
        engagement=e, starts_at=at(datetime(2027, 4, 6).date(), 9), minutes=60,
        idempotency_key=uuid.uuid4(), by=coaching.world.member, now=now,
    )  # fmt: skip
    session.refresh_from_db()
    assert session.starts_at == datetime(2027, 4, 6, 8, tzinfo=UTC)  # BST: 09:00 is 08:00 UTC
    assert f"{session.starts_at.astimezone(ZoneInfo('Europe/London')):%H:%M}" == "09:00"
