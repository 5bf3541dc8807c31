"""A group's first meetings, worked out from its pattern before it is saved, with the UK bank
holidays they fall on (from the maintained `holidays` package), so whoever sets the group up
can move the pattern first."""

from dataclasses import dataclass
from datetime import date

import holidays
from dateutil.relativedelta import relativedelta
from django.conf import settings

from peerpower.groups.models import PeerGroup

NATIONS = {"ENG": "England", "WLS": "Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}


@dataclass(frozen=True)
class PreviewDay:
    day: date
    bank_holiday: str  # "" when it is none; else e.g. "Easter Monday (England, Wales)"


def bank_holiday(day: date) -> str:
    """The UK bank holiday on `day`, with the nations that keep it when not all four do."""
    names: dict[str, list[str]] = {}
    for code, nation in NATIONS.items():
        name = holidays.country_holidays("GB", subdiv=code, years=day.year).get(day)
        if name:
            names.setdefault(str(name), []).append(nation)
    return "; ".join(
        name if len(nations) == len(NATIONS) else f"{name} ({', '.join(nations)})"
        for name, nations in names.items()
    )


def first_meetings(group: PeerGroup, *, today: date) -> list[PreviewDay]:
    """The pattern's meeting days for the months the series would hold (from the first month,
    or this month if later; a day already past is skipped, as the series skips it)."""
    month = max(group.series_start.replace(day=1), today.replace(day=1))
    days = []
    for n in range(settings.SERIES_MONTHS_AHEAD):
        day = group.meeting_day_in(month + relativedelta(months=n))
        if day >= today:
            days.append(PreviewDay(day, bank_holiday(day)))
    return days


PATTERN = ("week_of_month", "weekday", "start_time", "end_time", "series_start", "time_zone")


def preview_group(data: dict[str, object]) -> PeerGroup:
    """An unsaved group with the pattern from a form's cleaned data (for `first_meetings`)."""
    return PeerGroup(**{field: data[field] for field in PATTERN})
