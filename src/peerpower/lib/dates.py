"""Dates people type in forms: each kept to a sensible range, with a message that names it.

A date far out (the year 9999) would otherwise be saved and then break every page, calendar
file and email that adds a margin to it, so every date field of every form is bounded.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

DateBound = Callable[[], date]


def months_from_today(months: int) -> DateBound:
    """A bound that moves with the calendar: today's date plus (or minus) so many months."""

    def bound() -> date:
        return timezone.localdate() + relativedelta(months=months)

    return bound


def format_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def check_in_range(
    value: date,
    *,
    earliest: date,
    latest: date,
    too_early: str = "",
    too_late: str = "",
) -> None:
    """Refuse a date outside [earliest, latest] with a sentence saying which dates work."""
    if earliest <= value <= latest:
        return
    if value < earliest and too_early:
        raise ValidationError(too_early, code="date_too_early")
    if value > latest and too_late:
        raise ValidationError(too_late, code="date_too_late")
    raise ValidationError(
        f"Choose a date between {format_day(earliest)} and {format_day(latest)}.",
        code="date_out_of_range",
    )


class BoundedDateField(forms.DateField):
    """A date input (the browser's date picker) that accepts only dates between two bounds,
    computed when the form is made; the picker's min and max follow them. `too_early` and
    `too_late` replace the general message where a form has a more useful one."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(
        self,
        *,
        earliest: DateBound,
        latest: DateBound,
        too_early: str = "",
        too_late: str = "",
        **kwargs: Any,
    ) -> None:
        self.earliest, self.latest = earliest, latest
        self.too_early, self.too_late = too_early, too_late
        super().__init__(**kwargs)

    def limit(self, *, earliest: DateBound | None = None, latest: DateBound | None = None) -> None:
        """Narrow the bounds for one form (e.g. to the meeting being changed)."""
        self.earliest = earliest or self.earliest
        self.latest = latest or self.latest
        self._show_bounds()

    def _show_bounds(self) -> None:
        # In the widget's own format: a month picker takes "2027-01", a date picker a full date.
        shape = getattr(self.widget, "format", None) or "%Y-%m-%d"
        self.widget.attrs.update(
            min=self.earliest().strftime(shape), max=self.latest().strftime(shape)
        )

    def get_bound_field(self, form: forms.BaseForm, field_name: str) -> forms.BoundField:
        # Each form has its own copy of the field: the picker's limits are today's.
        self._show_bounds()
        return super().get_bound_field(form, field_name)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if isinstance(value, date):
            check_in_range(
                value,
                earliest=self.earliest(),
                latest=self.latest(),
                too_early=self.too_early,
                too_late=self.too_late,
            )
