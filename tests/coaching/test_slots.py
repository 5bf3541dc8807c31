"""Slot computation: wall-clock hours in the coach's zone through the clock changes,
exceptions, notice, horizon, buffers, the coach's other sessions and group meetings."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from peerpower.coaching.slots import Busy, Offer, free_slots, in_hours, wall_clock

LONDON = ZoneInfo("Europe/London")


def offer(**changes: object) -> Offer:
    values: dict[str, object] = {
        "time_zone": "Europe/London",
        "weekly": {1: [(time(9), time(10))]},  # Tuesdays 09:00–10:00
        "off_days": frozenset(),
        "extra": {},
        "buffer": timedelta(minutes=15),
        "notice": timedelta(hours=24),
        "horizon": timedelta(days=21),
    }
    values.update(changes)
    return Offer(**values)  # type: ignore[arg-type]


def local(slots: list[datetime]) -> list[str]:
    return [f"{s.astimezone(LONDON):%Y-%m-%d %H:%M %Z}" for s in slots]


def test_a_weekly_rule_keeps_its_wall_clock_time_across_the_march_change() -> None:
    now = datetime(2027, 3, 20, 12, tzinfo=UTC)  # the clocks go forward on 28 March 2027
    slots = free_slots(offer(), 60, now=now, busy=[])
    assert local(slots) == [
        "2027-03-23 09:00 GMT",
        "2027-03-30 09:00 BST",
        "2027-04-06 09:00 BST",
    ]
    assert [s.hour for s in slots] == [9, 8, 8]  # in UTC the hour moves; on the wall it does not


def test_a_weekly_rule_keeps_its_wall_clock_time_across_the_october_change() -> None:
    now = datetime(2027, 10, 23, 12, tzinfo=UTC)  # the clocks go back on 31 October 2027
    slots = free_slots(offer(), 60, now=now, busy=[])
    assert local(slots) == [
        "2027-10-26 09:00 BST",
        "2027-11-02 09:00 GMT",
        "2027-11-09 09:00 GMT",
    ]
    assert [s.hour for s in slots] == [8, 9, 9]


def test_slots_step_by_a_quarter_hour_and_fit_the_window() -> None:
    now = datetime(2027, 1, 1, tzinfo=UTC)
    slots = free_slots(offer(horizon=timedelta(days=6)), 45, now=now, busy=[])
    assert local(slots) == ["2027-01-05 09:00 GMT", "2027-01-05 09:15 GMT"]


def test_notice_and_horizon_bound_the_slots() -> None:
    now = datetime(2027, 1, 4, 10, tzinfo=UTC)  # Monday 10:00: Tuesday 09:00 is 23 hours off
    assert free_slots(offer(horizon=timedelta(days=7)), 60, now=now, busy=[]) == []
    now = datetime(2027, 1, 4, 8, tzinfo=UTC)  # 25 hours before Tuesday 09:00
    assert local(free_slots(offer(horizon=timedelta(days=2)), 60, now=now, busy=[])) == [
        "2027-01-05 09:00 GMT"
    ]


def test_a_day_off_removes_the_weekly_hours_and_extra_hours_add_some() -> None:
    now = datetime(2027, 1, 1, tzinfo=UTC)
    changed = offer(
        off_days=frozenset({date(2027, 1, 5)}),
        extra={date(2027, 1, 7): [(time(14), time(15))]},
        horizon=timedelta(days=7),
    )
    assert local(free_slots(changed, 60, now=now, busy=[])) == ["2027-01-07 14:00 GMT"]


def test_busy_time_and_the_buffer_remove_slots() -> None:
    now = datetime(2027, 1, 1, tzinfo=UTC)
    wide = offer(weekly={1: [(time(9), time(12))]}, horizon=timedelta(days=6))
    # A session 10:00–11:00 with its 15-minute buffer (until 11:15).
    busy = [Busy(datetime(2027, 1, 5, 10, tzinfo=UTC), datetime(2027, 1, 5, 11, 15, tzinfo=UTC))]
    starts = [f"{s:%H:%M}" for s in free_slots(wide, 45, now=now, busy=busy)]
    # 09:00 ends 09:45 + 15 buffer = 10:00: fits. 09:15 would need until 10:15: clashes.
    assert starts == ["09:00", "11:15"]


def test_wall_clock_refuses_a_time_skipped_by_the_clocks() -> None:
    assert wall_clock(date(2027, 3, 28), time(1, 30), LONDON) is None
    assert wall_clock(date(2027, 3, 28), time(2, 30), LONDON) is not None


def test_in_hours_checks_the_window_and_the_grid() -> None:
    o = offer()
    assert in_hours(o, datetime(2027, 1, 5, 9, tzinfo=UTC), 60)
    assert not in_hours(o, datetime(2027, 1, 5, 9, 5, tzinfo=UTC), 45)  # off the grid
    assert not in_hours(o, datetime(2027, 1, 5, 9, 30, tzinfo=UTC), 60)  # runs past 10:00
    assert not in_hours(o, datetime(2027, 1, 6, 9, tzinfo=UTC), 60)  # a Wednesday
