"""Forms for the public request, the admin's guest pages and the guest's own pages. They check
only the shape of the input; the actions hold the rules."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from peerpower.groups.models import PeerGroup
from peerpower.guests.models import (
    CONTACT_CONSENT,
    GuestRequest,
    GuestSettings,
    OrganisationToAvoid,
)
from peerpower.meetings.models import Meeting
from peerpower.networks.models import Organisation

RETENTION_CHOICES = [(m, f"{m} months") for m in (3, 6, 12, 18, 24, 36)]
PLACES_CHOICES = [(n, str(n)) for n in range(11)]
USEFUL_CHOICES = [(n, str(n)) for n in range(1, 6)]


class HoneypotInput(forms.TextInput):
    """A field people never see (hidden by site.css, not by an inline style) and bots fill."""


class GuestRequestForm(forms.ModelForm[GuestRequest]):
    form_token = forms.CharField(widget=forms.HiddenInput)
    # Named to tempt a bot; labelled for the rare person whose browser shows it.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=HoneypotInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = GuestRequest
        fields = (
            "name",
            "email",
            "job_title",
            "organisation",
            "registered_number",
            "sector",
            "income_band",
            "region",
            "reason",
            "preferred_group",
            "preferred_area",
            "heard_from",
            "consent",
        )
        labels = {
            "name": "Your name",
            "email": "Your email address",
            "preferred_group": "Preferred group",
            "consent": CONTACT_CONSENT,
        }
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 4}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
        }
        help_texts = {
            "registered_number": "Optional.",
            "preferred_area": "If you have no preference for a group: a town, or “online”.",
        }

    def __init__(self, *args: Any, groups: QuerySet[PeerGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[PeerGroup]", self.fields["preferred_group"])
        field.queryset = groups
        field.empty_label = "No preference"
        for name, options in (
            ("sector", Organisation.Sector.choices),
            ("income_band", Organisation.SizeBand.choices),
            ("region", Organisation.Region.choices),
        ):
            cast("forms.ChoiceField", self.fields[name]).choices = [("", "Choose…"), *options]
        self.fields["consent"].required = False  # the action says why it is needed

    def _post_clean(self) -> None:
        pass


class GuestSettingsForm(forms.ModelForm[GuestSettings]):
    retention_months = forms.TypedChoiceField(
        choices=RETENTION_CHOICES,
        coerce=int,
        label="Keep requests that do not lead to membership for",
        help_text="After the last activity. Then they are erased.",
    )

    class Meta:
        model = GuestSettings
        fields = (
            "published",
            "intro",
            "costs",
            "privacy_notice",
            "decline_message",
            "chair_approval",
            "retention_months",
        )
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("intro", "costs", "privacy_notice", "decline_message")
        }

    def _post_clean(self) -> None:
        pass


class GroupGuestForm(forms.Form):
    listed = forms.BooleanField(label="Takes guests (shown on the public page)", required=False)
    places = forms.TypedChoiceField(
        choices=PLACES_CHOICES, coerce=int, label="Guest places per meeting", initial=2
    )
    area = forms.CharField(
        max_length=80, required=False, help_text="Where it meets, e.g. “Leeds” or “online”."
    )


class TriageFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Every status")]
        + [(v, label.capitalize()) for v, label in GuestRequest.Status.choices if v != "new"],
    )
    q = forms.CharField(label="Search", required=False, max_length=100)


class InviteToMeetingForm(forms.Form):
    meeting = forms.TypedChoiceField(coerce=int, label="Meeting", choices=())

    def __init__(self, *args: Any, meetings: list[tuple[Meeting, int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.TypedChoiceField", self.fields["meeting"])
        field.choices = [("", "Choose a meeting…")] + [
            (m.pk, f"{m.group.name} — {timezone.localtime(m.starts_at):%a %-d %b %Y} ({left} left)")
            for m, left in meetings
        ]


class FeedbackForm(forms.Form):
    usefulness = forms.TypedChoiceField(
        choices=USEFUL_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        label="How useful was the meeting? (1 not at all, 5 very)",
    )
    would_join = forms.ChoiceField(
        choices=GuestRequest.WouldJoin.choices, widget=forms.RadioSelect, label="Would you join?"
    )
    held_back = forms.ChoiceField(
        choices=GuestRequest.HeldBack.choices,
        widget=forms.RadioSelect,
        label="What, if anything, holds you back?",
        required=False,
    )
    held_back_other = forms.CharField(max_length=300, required=False, label="Anything else")


class ApplicationForm(forms.Form):
    hopes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="What do you hope to get from a group?"
    )
    time_commitment = forms.CharField(max_length=200, label="What time can you commit?")
    trustees_view = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="What do your trustees think?"
    )
    group = forms.ModelChoiceField(queryset=PeerGroup.objects.none(), label="Preferred group")

    def __init__(self, *args: Any, groups: QuerySet[PeerGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[PeerGroup]", self.fields["group"])
        field.queryset = groups


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Reason")


class AvoidForm(forms.ModelForm[OrganisationToAvoid]):
    class Meta:
        model = OrganisationToAvoid
        fields = ("name", "registered_number")

    def _post_clean(self) -> None:
        pass


class GuestAttendanceForm(forms.Form):
    """One mark per guest of the meeting."""

    def __init__(self, *args: Any, guests: list[GuestRequest], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (GuestRequest.Attendance.PRESENT, "Present"),
            (GuestRequest.Attendance.ABSENT, "Absent"),
            ("", "Not recorded"),
        ]
        for guest in guests:
            self.fields[f"guest_{guest.pk}"] = forms.ChoiceField(
                label=guest.name, choices=choices, required=False, widget=forms.RadioSelect
            )

    def marks(self) -> dict[int, str]:
        return {
            int(name.removeprefix("guest_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("guest_")
        }
