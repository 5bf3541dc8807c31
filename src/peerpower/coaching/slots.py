"""Free slots of a coach: from the weekly rules and exceptions (wall-clock times in the coach's
zone, so 09:00 stays 09:00 through the clock changes), minus the minimum notice, beyond the
horizon, and anything that clashes with the coach's live sessions (buffers included) or the
group meetings they attend.

Pure functions over plain values: `coaching.queries.slots_for` loads the rows (in two
queries) and the booking action asks `clash` of the same intervals inside its transaction.
"""

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Slots start on the quarter hour of the coach's window.
STEP = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Window:
    """Hours the coach offers on one day, in their zone."""

    day: date
    starts: time
    ends: time


@dataclass(frozen=True, slots=True)
class Busy:
    """Time the coach is taken, as instants: a session's `[starts_at, blocked_until)` or a
    group meeting's `[starts_at, ends_at)`. `pad` is added before it (a meeting's buffer)."""

    starts_at: datetime
    until: datetime


@dataclass(frozen=True, slots=True)
class Offer:
    time_zone: str
    weekly: dict[int, list[tuple[time, time]]]
    off_days: frozenset[date]
    extra: dict[date, list[tuple[time, time]]]
    buffer: timedelta
    notice: timedelta
    horizon: timedelta


def wall_clock(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """The instant of a wall-clock time in a zone, or None if that time does not exist on that
    day (the hour skipped when the clocks go forward). A time that occurs twice (the hour
    repeated when they go back) is taken at its first occurrence."""
    local = datetime.combine(day, at, tzinfo=zone)
    if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return local


def windows(offer: Offer, first: date, last: date) -> list[Window]:
    """The coach's hours on each day from `first` to `last` (their zone), exceptions applied:
    a day off removes the weekly hours; extra hours are added."""
    found = []
    day = first
    while day <= last:
        if day not in offer.off_days:
            for starts, ends in offer.weekly.get(day.weekday(), ()):
                found.append(Window(day, starts, ends))
        for starts, ends in offer.extra.get(day, ()):
            found.append(Window(day, starts, ends))
        day += timedelta(days=1)
    return found


def clash(starts_at: datetime, ends_at: datetime, buffer: timedelta, busy: Iterable[Busy]) -> bool:
    """Whether a session at `[starts_at, ends_at)`, with `buffer` after it, meets anything busy.
    A session's `until` already carries its own buffer; a meeting's is padded by the coach's
    buffer when it is loaded, so a session keeps the buffer on both sides of a meeting."""
    blocked_until = ends_at + buffer
    return any(b.starts_at < blocked_until and starts_at < b.until for b in busy)


def free_slots(
    offer: Offer, minutes: int, *, now: datetime, busy: Sequence[Busy]
) -> list[datetime]:
    """Every start (aware, UTC) at which a session of `minutes` fits the coach's hours, lies
    between now + notice and now + horizon, and clashes with nothing busy."""
    zone = ZoneInfo(offer.time_zone)
    length = timedelta(minutes=minutes)
    earliest = now + offer.notice
    latest = now + offer.horizon
    first = earliest.astimezone(zone).date()
    last = latest.astimezone(zone).date()
    # Busy intervals by start, with the latest end among each prefix: a slot clashes when some
    # interval starting before the slot's blocked end is still running at the slot's start,
    # i.e. when that prefix's latest end is after it (a bisection per slot).
    ordered = sorted(busy, key=lambda b: b.starts_at)
    starts = [b.starts_at for b in ordered]
    latest_end: list[datetime] = []
    for b in ordered:
        latest_end.append(max(b.until, latest_end[-1]) if latest_end else b.until)

    def taken(at: datetime, ends: datetime) -> bool:
        before = bisect_left(starts, ends + offer.buffer)
        return before > 0 and latest_end[before - 1] > at

    found: set[datetime] = set()
    for window in windows(offer, first, last):
        opens = wall_clock(window.day, window.starts, zone)
        closes = wall_clock(window.day, window.ends, zone)
        if opens is None or closes is None:
            continue
        # Step in wall-clock terms, so a slot is never at 09:00 one week and 08:00 the next.
        local = datetime.combine(window.day, window.starts)
        while True:
            at = wall_clock(local.date(), local.time(), zone)
            local += STEP
            if at is None:
                continue
            ends = at + length
            if ends > closes:
                break
            if earliest <= at and ends <= latest and not taken(at, ends):
                found.add(at.astimezone(UTC))
    return sorted(found)


def in_hours(offer: Offer, starts_at: datetime, minutes: int) -> bool:
    """Whether a session starting at `starts_at` lies wholly inside one of the coach's windows
    on its day (their zone), on the quarter-hour grid of that window."""
    zone = ZoneInfo(offer.time_zone)
    local = starts_at.astimezone(zone)
    ends_at = starts_at + timedelta(minutes=minutes)
    for window in windows(offer, local.date(), local.date()):
        opens = wall_clock(window.day, window.starts, zone)
        closes = wall_clock(window.day, window.ends, zone)
        if opens is None or closes is None:
            continue
        if opens <= starts_at and ends_at <= closes:
            offset = local.replace(tzinfo=None) - opens.replace(tzinfo=None)
            return offset % STEP == timedelta(0)
    return False
