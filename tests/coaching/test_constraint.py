"""The database itself refuses a double booking on PostgreSQL: the exclusion constraint
`session_no_overlap` over the coach and `[starts_at, blocked_until)` of live sessions, whatever
the code above it does (rows written straight, past every check of the booking action).
On SQLite no constraint can say it; the IMMEDIATE write transaction serialises bookings
instead (tests/coaching/test_race.py holds both legs)."""

import uuid
from datetime import datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from peerpower.coaching.models import Session
from tests.coaching.builders import at, day_ahead
from tests.coaching.conftest import Coaching

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's"
)


def _row(c: Coaching, starts: datetime, minutes: int = 60, status: str = "booked") -> Session:
    e = c.engagement
    return Session.objects.create(
        engagement=e, coach=e.coach.user, member=e.member, starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        blocked_until=starts + timedelta(minutes=minutes + 15), status=status,
        idempotency_key=uuid.uuid4(),
    )  # fmt: skip


def test_an_overlap_or_a_clash_in_the_buffer_is_refused_by_the_database(
    coaching: Coaching,
) -> None:
    ten = at(day_ahead(7), 10)
    _row(coaching, ten)  # 10:00-11:00, blocked until 11:15
    for starts in (ten + timedelta(minutes=30), ten + timedelta(minutes=60), ten):
        with pytest.raises(IntegrityError, match="session_no_overlap"), transaction.atomic():
            _row(coaching, starts)
    _row(coaching, ten + timedelta(minutes=75))  # from 11:15: touches, does not overlap
    _row(coaching, ten + timedelta(minutes=30), status="cancelled")  # holds no time
    assert Session.objects.filter(status="booked").count() == 2


def test_a_move_into_anothers_time_is_refused_by_the_database(coaching: Coaching) -> None:
    ten = at(day_ahead(7), 10)
    _row(coaching, ten)
    later = _row(coaching, ten + timedelta(hours=3))
    with pytest.raises(IntegrityError, match="session_no_overlap"), transaction.atomic():
        Session.objects.filter(pk=later.pk).update(
            starts_at=ten + timedelta(minutes=15), ends_at=ten + timedelta(minutes=75),
            blocked_until=ten + timedelta(minutes=90),
        )  # fmt: skip
