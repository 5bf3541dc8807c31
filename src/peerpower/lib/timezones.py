"""Time zone helpers: everything is stored in UTC and shown in the viewer's IANA zone."""

import zoneinfo
from datetime import date, datetime, time

from django.core.exceptions import ValidationError


def all_time_zones() -> list[str]:
    return sorted(zoneinfo.available_timezones())


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in all_time_zones()]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("“%(value)s” is not a known time zone.", params={"value": value})


def local_to_utc(day: date, at: time, zone: str) -> datetime:
    """The aware datetime for a wall-clock time on a day in a zone (DST-safe)."""
    return datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(zone))
