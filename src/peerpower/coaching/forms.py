"""Coaching forms: they check the shape of the input; the rules are in the actions."""

import re
import uuid
from datetime import date, datetime, time
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from peerpower.accounts.models import User
from peerpower.coaching.models import (
    AGENDA_MAX,
    AREA_MAX,
    AREAS_MAX,
    GOAL_MAX,
    NOTE_MAX,
    UPDATE_MAX,
    Area,
    AvailabilityException,
    CoachProfile,
    Engagement,
    Session,
    SessionNote,
    Weekday,
)
from peerpower.issues.models import Commitment
from peerpower.lib.dates import BoundedDateField, months_from_today
from peerpower.lib.timezones import strict_local_to_utc, time_zone_choices
from peerpower.networks.models import Network, NetworkRole

# "2027-03-28T09:30", optionally with the offset the page showed it in ("+01:00", "Z").
WALL_CLOCK = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::00)?(Z|[+-]\d{2}:?\d{2})?$"
)


def parse_wall_clock(text: str, zone: str) -> datetime:
    """A time the person chose or typed, read in their zone. Refuses a malformed one, a time
    that does not exist that day (clocks forward) and, without an offset, one that occurs
    twice (clocks back)."""
    found = WALL_CLOCK.match(text.strip())
    if not found:
        raise ValidationError("Give a date and time like 2027-03-28T09:30.", code="malformed")
    year, month, day, hour, minute, offset_text = found.groups()
    try:
        on = date(int(year), int(month), int(day))
        at = time(int(hour), int(minute))
    except ValueError:
        raise ValidationError("That is not a real date and time.", code="malformed") from None
    offset = None
    if offset_text:
        if offset_text == "Z":
            offset = 0
        else:
            sign = -1 if offset_text[0] == "-" else 1
            digits = offset_text[1:].replace(":", "")
            offset = sign * (int(digits[:2]) * 60 + int(digits[2:]))
    return strict_local_to_utc(on, at, zone, offset=offset)


class WallClockField(forms.CharField):
    """A date and time in a given zone, as `parse_wall_clock` reads it."""

    def __init__(self, *, zone: str = "UTC", **kwargs: Any) -> None:
        self.zone = zone
        super().__init__(max_length=40, **kwargs)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None
        return parse_wall_clock(text, self.zone)


class WeekForm(forms.Form):
    """Which week of free times to show (0: from today)."""

    week = forms.IntegerField(min_value=0, max_value=60, required=False, widget=forms.HiddenInput)


class LengthForm(WeekForm):
    minutes = forms.TypedChoiceField(label="Length", coerce=int, choices=())

    def __init__(self, *args: Any, lengths: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.TypedChoiceField", self.fields["minutes"])
        field.choices = [(n, f"{n} minutes") for n in lengths]


class BookingForm(forms.Form):
    starts_at = WallClockField(label="Time", error_messages={"required": "Choose a time."})
    minutes = forms.TypedChoiceField(coerce=int, choices=(), widget=forms.HiddenInput)
    agenda = forms.CharField(
        label="What you would like to work on",
        required=False,
        max_length=AGENDA_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only you and your coach see this.",
    )
    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args: Any, zone: str, lengths: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        starts_at = cast("WallClockField", self.fields["starts_at"])
        starts_at.zone = zone
        minutes = cast("forms.TypedChoiceField", self.fields["minutes"])
        minutes.choices = [(n, str(n)) for n in lengths]


class RescheduleForm(forms.Form):
    starts_at = WallClockField(label="New time", error_messages={"required": "Choose a time."})

    def __init__(self, *args: Any, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("WallClockField", self.fields["starts_at"])
        field.zone = zone


class EmptyForm(forms.Form):
    """A button that is the whole request (cancel, waive)."""


class MarkForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[(Session.Status.HELD, "Held"), (Session.Status.NO_SHOW, "No-show")]
    )


class NoteForm(forms.Form):
    kind = forms.ChoiceField(
        label="Who sees it", choices=SessionNote.Kind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="Note", max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, coach: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not coach:
            self.fields["kind"].choices = [  # type: ignore[attr-defined]
                (SessionNote.Kind.SHARED, "Shared with your coach")
            ]
            self.fields["kind"].initial = SessionNote.Kind.SHARED
        else:
            self.fields["kind"].initial = SessionNote.Kind.PRIVATE


class GoalForm(forms.Form):
    title = forms.CharField(label="Goal", max_length=GOAL_MAX)


class ProgressForm(forms.Form):
    text = forms.CharField(label="How it is going", max_length=UPDATE_MAX)
    rating = forms.TypedChoiceField(
        label="Your rating (1 = just started, 5 = done)",
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
    )


class LinkForm(forms.Form):
    commitment = forms.ModelChoiceField(
        label="A commitment from your group", queryset=Commitment.objects.none(), required=False
    )

    def __init__(self, *args: Any, member: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Commitment]", self.fields["commitment"])
        field.queryset = Commitment.objects.filter(
            member=member, status__in=Commitment.UNFINISHED_STATUSES
        )
        field.label_from_instance = _commitment_label  # type: ignore[method-assign,assignment]


def _commitment_label(commitment: Commitment) -> str:
    return f"{commitment.text} (by {commitment.due_on:%-d %b %Y})"


class EngagementForm(forms.Form):
    coach = forms.ModelChoiceField(queryset=User.objects.none())
    member = forms.ModelChoiceField(queryset=User.objects.none())
    unit = forms.ChoiceField(label="Allowance in", choices=Engagement.Unit.choices)
    allowance = forms.IntegerField(min_value=1, max_value=500)
    starts_on = BoundedDateField(
        label="From", earliest=months_from_today(-12), latest=months_from_today(24)
    )
    ends_on = BoundedDateField(
        label="Until", earliest=months_from_today(-12), latest=months_from_today(36)
    )
    areas = forms.ModelMultipleChoiceField(
        queryset=Area.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        coaches = User.objects.filter(
            network_roles__network=network, network_roles__role=NetworkRole.Role.COACH
        )
        members = User.objects.filter(
            memberships__group__network=network, memberships__status__in=("active", "paused")
        ).distinct()
        for name, queryset in (("coach", coaches), ("member", members)):
            field = cast("forms.ModelChoiceField[User]", self.fields[name])
            field.queryset = queryset.order_by("name", "email")
            field.empty_label = f"Choose a {name}"
        areas = cast("forms.ModelMultipleChoiceField[Area]", self.fields["areas"])
        areas.queryset = Area.objects.filter(network=network)


class EngagementChangeForm(forms.Form):
    status = forms.ChoiceField(choices=Engagement.Status.choices)
    ends_on = BoundedDateField(
        label="Until", earliest=months_from_today(-12), latest=months_from_today(36)
    )
    allowance = forms.IntegerField(min_value=1, max_value=500)


class SettingsForm(forms.Form):
    notice_hours = forms.IntegerField(
        label="Cancellation notice (hours)",
        min_value=0,
        max_value=336,
        help_text="A member who cancels later than this uses the session up, unless the "
        "coach waives it.",
    )


class AreasForm(forms.Form):
    names = forms.CharField(
        label="Areas coaches work in",
        max_length=AREAS_MAX * (AREA_MAX + 2),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One a line. Coaches choose theirs on their profile, and you choose an "
        "engagement's.",
    )

    def clean_names(self) -> list[str]:
        return [line for line in self.cleaned_data["names"].splitlines() if line.strip()]


class ProfileForm(forms.ModelForm[CoachProfile]):
    time_zone = forms.ChoiceField(label="Working time zone", choices=time_zone_choices)

    class Meta:
        model = CoachProfile
        fields = (
            "biography",
            "areas",
            "time_zone",
            "buffer_minutes",
            "notice_hours",
            "horizon_days",
            "lengths",
            "where",
            "where_detail",
        )
        widgets = {
            "biography": forms.Textarea(attrs={"rows": 4}),
            "areas": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = cast("forms.ModelMultipleChoiceField[Area]", self.fields["areas"])
        areas.queryset = Area.objects.filter(network_id=self.instance.network_id)

    def _post_clean(self) -> None:
        """The action validates the profile (coaching.actions.profile_update)."""


class RuleForm(forms.Form):
    weekday = forms.TypedChoiceField(label="Day", coerce=int, choices=Weekday.choices)
    starts = forms.TimeField(label="From", widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label="Until", widget=forms.TimeInput(attrs={"type": "time"}))


class ExceptionForm(forms.Form):
    day = BoundedDateField(label="Day", earliest=months_from_today(0), latest=months_from_today(13))
    kind = forms.ChoiceField(label="What", choices=AvailabilityException.Kind.choices)
    starts = forms.TimeField(
        label="From", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends = forms.TimeField(
        label="Until", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
