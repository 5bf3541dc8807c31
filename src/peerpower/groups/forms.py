from datetime import date
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q

from peerpower.groups.models import Membership, PeerGroup
from peerpower.issues.models import Protocol
from peerpower.lib.dates import BoundedDateField, months_from_today
from peerpower.lib.timezones import time_zone_choices
from peerpower.networks.models import Network, Venue

SERIES_START_EARLIEST = date(2000, 1, 1)
GROUP_SIZE_MAX = 100


class GroupForm(forms.ModelForm[PeerGroup]):
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial="Europe/London")
    # A month, not a day: the pattern picks the day. A full date is still read (its month).
    # Bounded, so a slip of the keyboard (the year 9999) is refused here, not by a crash later.
    series_start = BoundedDateField(
        label="First month",
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text="The month of the first meeting.",
        earliest=lambda: SERIES_START_EARLIEST,
        latest=months_from_today(60),
    )
    online_link = forms.URLField(
        required=False,
        assume_scheme="https",
        help_text="Video-call link, for online or hybrid meetings.",
    )

    class Meta:
        model = PeerGroup
        fields = (
            "name",
            "description",
            "week_of_month",
            "weekday",
            "start_time",
            "end_time",
            "series_start",
            "time_zone",
            "default_venue",
            "online_link",
            "min_size",
            "max_size",
            "protocol",
        )
        labels = {
            "week_of_month": "Week of the month",
            "weekday": "Day",
            "start_time": "Starts at",
            "end_time": "Ends at",
            "series_start": "First month",
            "min_size": "Smallest size",
            "max_size": "Largest size",
        }
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("min_size", "max_size"):  # bounded, so 40000 is refused beside the field
            size = self.fields[name]
            size.validators += [MinValueValidator(1), MaxValueValidator(GROUP_SIZE_MAX)]
            size.widget.attrs.update(min=1, max=GROUP_SIZE_MAX)
        venue_field = self.fields["default_venue"]
        if isinstance(venue_field, forms.ModelChoiceField):
            venue_field.queryset = Venue.objects.filter(network=network)
            venue_field.empty_label = "No usual venue (online, or chosen for each meeting)"
        protocol_field = self.fields["protocol"]
        if isinstance(protocol_field, forms.ModelChoiceField):
            # The built-in protocols and the network's own.
            protocol_field.queryset = Protocol.objects.filter(Q(network=None) | Q(network=network))
            protocol_field.empty_label = "Issue processing (the standard)"
            protocol_field.label = "How the group works an issue"

    def clean_series_start(self) -> date:
        value: date = self.cleaned_data["series_start"]
        return value.replace(day=1)

    def _post_clean(self) -> None:
        # Validation of the whole group (pattern ends after it starts, sizes) is the action's
        # job, so the same rules hold for the admin, the API and this form.
        pass


class GroupCreateForm(GroupForm):
    chair_email = forms.EmailField(label="Chair's email address")
    chair_name = forms.CharField(label="Chair's name", max_length=150, required=False)

    def __init__(self, *args: Any, networks: list[Network], **kwargs: Any) -> None:
        super().__init__(*args, network=networks[0], **kwargs)
        if len(networks) > 1:
            self.fields["network"] = forms.ModelChoiceField(
                queryset=Network.objects.filter(pk__in=[n.pk for n in networks]),
                empty_label="Choose a network",
            )


class MembershipStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (s.value, s.label)
            for s in (Membership.Status.ACTIVE, Membership.Status.PAUSED, Membership.Status.LEFT)
        ]
    )


class PledgeForm(forms.Form):
    """Accepting the group's pledge: the button, and the page to go back to (`next`, which the
    view follows only on this site)."""

    next = forms.CharField(required=False)


class ProposalDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])


class ChairForm(forms.Form):
    """Invite a group's chair, or (`replacing`) the person who takes over from its chair."""

    email = forms.EmailField(label="New chair's email address", max_length=254)
    name = forms.CharField(label="Their name", max_length=150, required=False)
    old_chair_becomes = forms.ChoiceField(
        label="When the new chair accepts, the current chair",
        choices=[("member", "stays in the group as a member"), ("left", "leaves the group")],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, replacing: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not replacing:
            del self.fields["old_chair_becomes"]
            self.fields["email"].label = "Chair's email address"


class LeaveForm(forms.Form):
    erase_issues = forms.BooleanField(
        label="Erase my issues now, with their notes and my commitments",
        required=False,
        help_text="Otherwise they stay with the group until its retention period erases them.",
    )
    confirm = forms.BooleanField(
        label="I want to leave this group",
        error_messages={"required": "Tick this to confirm that you are leaving."},
    )
