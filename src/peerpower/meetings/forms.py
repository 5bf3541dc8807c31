from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

from peerpower.lib.dates import BoundedDateField, format_day, months_from_today
from peerpower.meetings.actions import MOVE_HORIZON_MONTHS, AgendaSegment, move_latest_day
from peerpower.meetings.models import Meeting, Participation
from peerpower.networks.models import AgendaSegmentKind, Venue


class MeetingMoveForm(forms.Form):
    """Date and times are in the group's time zone, as the group agrees them."""

    date = BoundedDateField(
        earliest=months_from_today(0),
        latest=months_from_today(MOVE_HORIZON_MONTHS),
        too_early="Choose a time in the future.",
    )
    start_time = forms.TimeField(
        label="Starts at", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label="Ends at", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    venue = forms.ModelChoiceField(
        queryset=Venue.objects.none(), required=False, empty_label="No venue (online only)"
    )
    online_link = forms.URLField(required=False, label="Online link", assume_scheme="https")

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        self.zone = ZoneInfo(meeting.group.time_zone)
        starts, ends = (
            meeting.starts_at.astimezone(self.zone),
            meeting.ends_at.astimezone(self.zone),
        )
        kwargs.setdefault(
            "initial",
            {
                "date": starts.date(),
                "start_time": starts.time(),
                "end_time": ends.time(),
                "venue": meeting.venue_id,
                "online_link": meeting.online_link,
            },
        )
        super().__init__(*args, **kwargs)
        latest = move_latest_day(meeting)
        date_field = self.fields["date"]
        if isinstance(date_field, BoundedDateField):
            date_field.limit(latest=lambda: latest)
            date_field.too_late = (
                f"Choose a date up to {format_day(latest)}: "
                "a meeting moves within a year of its month."
            )
        venue_field = self.fields["venue"]
        if isinstance(venue_field, forms.ModelChoiceField):
            venue_field.queryset = Venue.objects.filter(network_id=meeting.group.network_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", f"The meeting must end after it starts ({start:%H:%M}).")
        return data

    def times(self) -> tuple[datetime, datetime]:
        day = self.cleaned_data["date"]
        return (
            datetime.combine(day, self.cleaned_data["start_time"], tzinfo=self.zone),
            datetime.combine(day, self.cleaned_data["end_time"], tzinfo=self.zone),
        )


class MeetingCancelForm(forms.Form):
    reason = forms.CharField(
        max_length=200,
        label="Reason members will see",
        widget=forms.TextInput(attrs={"placeholder": "e.g. the venue is closed"}),
    )


# As the database constraint agenda_item_minutes_range.
AGENDA_SEGMENT_MAX_MINUTES = 480


class MeetingReinstateForm(forms.Form):
    """Reinstating asks nothing more: the button is the whole request. A form all the same,
    so every POST comes in the same way and a field added later has its place."""


class AgendaSegmentForm(forms.Form):
    title = forms.CharField(
        max_length=80,
        label="Title",
        error_messages={"required": "Give the segment a title."},
    )
    kind = forms.ChoiceField(choices=AgendaSegmentKind.choices, label="Kind")
    minutes = forms.IntegerField(
        min_value=1,
        max_value=AGENDA_SEGMENT_MAX_MINUTES,
        label="Minutes",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "data-agenda": "minutes"}),
        error_messages={
            "required": "Give the segment a length in minutes.",
            "invalid": "Give the length as a whole number of minutes.",
            "min_value": "A segment lasts at least 1 minute.",
            "max_value": "A segment lasts at most 480 minutes (8 hours).",
        },
    )


class BaseAgendaFormSet(forms.BaseFormSet[AgendaSegmentForm]):
    """The agenda's segments; the order and remove controls have plain labels, and the order
    is a position number the editor's script keeps in step with the rows."""

    def add_fields(self, form: AgendaSegmentForm, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["ORDER"] = forms.IntegerField(
            label="Position",
            required=False,
            min_value=1,
            max_value=99,
            widget=forms.NumberInput(attrs={"inputmode": "numeric", "data-agenda": "order"}),
            error_messages={
                "invalid": "Give the position as a whole number.",
                "min_value": "Positions start at 1.",
                "max_value": "Give a position up to 99.",
            },
        )
        form.fields["DELETE"].label = "Remove this segment"
        form.fields["DELETE"].widget.attrs.update({"data-agenda": "delete"})


def segments_of(formset: forms.BaseFormSet[AgendaSegmentForm]) -> list[AgendaSegment]:
    """The kept rows of a valid agenda formset, in the order the chair gave."""
    rows = [f for f in formset.ordered_forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    return [
        AgendaSegment(
            title=f.cleaned_data["title"],
            kind=f.cleaned_data["kind"],
            minutes=f.cleaned_data["minutes"],
        )
        for f in rows
    ]


# No extra row: the editor adds one when the chair asks (an empty extra row made "Save"
# refuse an unchanged agenda).
AgendaFormSet = forms.formset_factory(
    AgendaSegmentForm,
    formset=BaseAgendaFormSet,
    extra=0,
    can_delete=True,
    can_order=True,
    max_num=20,
    validate_max=True,
)


class RsvpForm(forms.Form):
    rsvp = forms.ChoiceField(
        choices=[
            (Participation.Rsvp.ATTENDING, "I'll be there"),
            (Participation.Rsvp.APOLOGIES, "Send apologies"),
        ],
        widget=forms.RadioSelect,
        label="Your reply",
    )
    reason = forms.CharField(max_length=200, required=False, label="Reason for apologies")


class AttendanceForm(forms.Form):
    """The register: one mark per current member. "All present" fills in only the people not
    marked yet: present, or excused for those who sent apologies; a mark chosen is kept."""

    all_present = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, people: list[Any], apologised: frozenset[int] = frozenset(), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.people = people
        self.apologised = apologised
        choices = [(v, label.capitalize()) for v, label in Participation.Attendance.choices if v]
        for person in people:
            self.fields[f"user_{person.user_id}"] = forms.ChoiceField(
                label=person.user.display_name,
                choices=[*choices, ("", "Not recorded")],
                required=False,
                widget=forms.RadioSelect,
            )

    def marks(self) -> dict[int, str]:
        """Every person's mark; an empty one clears what was recorded (unless "All present"
        fills it in)."""
        fill = self.cleaned_data.get("all_present")
        marks: dict[int, str] = {}
        for name, value in self.cleaned_data.items():
            if not name.startswith("user_"):
                continue
            user_id = int(name.removeprefix("user_"))
            if fill and not value:
                value = (
                    Participation.Attendance.EXCUSED
                    if user_id in self.apologised
                    else Participation.Attendance.PRESENT
                )
            marks[user_id] = value
        return marks
