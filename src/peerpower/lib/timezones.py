"""Time zone helpers: everything is stored in UTC and shown in the viewer's IANA zone.

The zone picker offers only canonical zones (those of tzdata's `zone.tab`, plus UTC), never the
deprecated aliases ("GB", "US/Eastern", "Europe/Kiev"), common zones first, then one group per
region. Each option reads "City — Country", so typing a city's first letters finds it.
"""

import zoneinfo
from datetime import date, datetime, time
from functools import cache
from importlib.resources import files

from django.core.exceptions import ValidationError
from django.utils import timezone

# The zones most members of a UK network meet in or travel to, in the order offered.
COMMON_ZONES = (
    "Europe/London",
    "Europe/Dublin",
    "UTC",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Amsterdam",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Warsaw",
    "Europe/Athens",
    "America/New_York",
    "America/Toronto",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Dhaka",
    "Asia/Singapore",
    "Asia/Hong_Kong",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)
REGIONS = {
    "Africa": "Africa",
    "America": "Americas",
    "Antarctica": "Antarctica",
    "Arctic": "Arctic",
    "Asia": "Asia",
    "Atlantic": "Atlantic Ocean",
    "Australia": "Australia",
    "Europe": "Europe",
    "Indian": "Indian Ocean",
    "Pacific": "Pacific Ocean",
}

# tzdata's own country names, where they read oddly in a UK product.
COUNTRY_NAMES = {"GB": "United Kingdom"}

Choice = tuple[str, str]


def _tzdata_table(name: str) -> list[list[str]]:
    text = files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def _countries_of_zones() -> dict[str, str]:
    """Canonical zone name -> the country it is in (by name), from tzdata's own tables."""
    countries = {row[0]: row[1] for row in _tzdata_table("iso3166.tab")} | COUNTRY_NAMES
    return {row[2]: countries.get(row[0], row[0]) for row in _tzdata_table("zone.tab")}


@cache
def canonical_time_zones() -> tuple[str, ...]:
    """Every zone people may choose: tzdata's canonical zones and UTC, no aliases."""
    available = zoneinfo.available_timezones()
    return tuple(sorted(z for z in {*_countries_of_zones(), "UTC"} if z in available))


@cache
def _aliases() -> dict[str, str]:
    """Deprecated alias -> the zone it now names (tzdata's links, "L target alias")."""
    text = files("tzdata.zoneinfo").joinpath("tzdata.zi").read_text(encoding="utf-8")
    links = {}
    for line in text.splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias] = target
    return links


def canonical_time_zone(name: str) -> str:
    """The canonical zone for a name that may be an old alias ("GB" -> "Europe/London").

    A link may point at a zone `zone.tab` leaves out (a backward-compatibility zone); the name is
    then returned as it is."""
    if name in canonical_time_zones():
        return name
    target = _aliases().get(name, name)
    return target if target in canonical_time_zones() else name


def time_zone_label(name: str) -> str:
    """How the picker shows a zone: "London — United Kingdom", "UTC"."""
    country = _countries_of_zones().get(name)
    city = name.rsplit("/", 1)[-1].replace("_", " ")
    return f"{city} — {country}" if country and country != city else city


@cache
def _grouped() -> tuple[tuple[str, tuple[Choice, ...]], ...]:
    zones = canonical_time_zones()
    common = tuple((z, time_zone_label(z)) for z in COMMON_ZONES if z in zones)
    by_region: dict[str, list[Choice]] = {}
    for zone in zones:
        region = REGIONS.get(zone.split("/", 1)[0])
        if region is not None and "/" in zone:
            by_region.setdefault(region, []).append((zone, time_zone_label(zone)))
    regions = tuple(
        (region, tuple(sorted(by_region[region], key=lambda choice: choice[1])))
        for region in sorted(by_region)
    )
    return (("Common time zones", common), *regions)


def time_zone_choices() -> list[tuple[str, list[Choice]]]:
    """The picker's choices for a Django `ChoiceField`: groups of (zone, label), which a select
    shows as optgroups. A zone in the common group appears in its region too."""
    return [(group, list(choices)) for group, choices in _grouped()]


def zone_label(group_zone: str, *, always: bool = False) -> str:
    """The label after a time shown in the active zone (the viewer's, or the reader's in an
    email): " (America/New_York time)" when it differs from the group's zone, or always (for
    emails); "" when the viewer is in the group's zone and nothing needs saying."""
    current = timezone.get_current_timezone_name()
    if always or current != group_zone:
        return f" ({current} time)"
    return ""


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("“%(value)s” is not a known time zone.", params={"value": value})


def local_to_utc(day: date, at: time, zone: str) -> datetime:
    """The aware datetime for a wall-clock time on a day in a zone (DST-safe)."""
    return datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(zone))


def strict_local_to_utc(day: date, at: time, zone: str, *, offset: int | None = None) -> datetime:
    """The aware datetime for a wall-clock time a person typed, refusing what cannot be meant
    one way: a time that does not exist that day (the clocks went forward past it), or one
    that occurs twice (the clocks went back over it) unless `offset` (minutes east of UTC)
    says which. Raises ValidationError with the reason."""
    tz = zoneinfo.ZoneInfo(zone)
    first = datetime.combine(day, at, tzinfo=tz)
    second = first.replace(fold=1)
    offsets = {first.utcoffset(), second.utcoffset()}
    naive = datetime.combine(day, at)
    if first.astimezone(zoneinfo.ZoneInfo("UTC")).astimezone(tz).replace(tzinfo=None) != naive:
        raise ValidationError(
            "%(time)s does not exist on %(day)s in %(zone)s: the clocks go forward then.",
            code="nonexistent",
            params={"time": at.strftime("%H:%M"), "day": day.isoformat(), "zone": zone},
        )
    if offset is not None:
        for candidate in (first, second):
            given = candidate.utcoffset()
            if given is not None and int(given.total_seconds() // 60) == offset:
                return candidate.astimezone(zoneinfo.ZoneInfo("UTC"))
        raise ValidationError(
            "That time and offset do not match %(zone)s.", code="offset", params={"zone": zone}
        )
    if len(offsets) > 1:
        raise ValidationError(
            "%(time)s happens twice on %(day)s in %(zone)s (the clocks go back): "
            "choose one of the times offered.",
            code="ambiguous",
            params={"time": at.strftime("%H:%M"), "day": day.isoformat(), "zone": zone},
        )
    # In UTC: an aware time in a repeated hour compares unequal to every other zone's.
    return first.astimezone(zoneinfo.ZoneInfo("UTC"))
