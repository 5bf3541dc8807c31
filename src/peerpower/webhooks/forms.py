from django import forms

from peerpower.lib.events import EVENTS


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="Address",
        max_length=500,
        help_text="Where to send the events: an https:// address of the other system.",
    )
    description = forms.CharField(
        max_length=120, required=False, help_text="What it is, for the other admins: “Our CRM”."
    )
    events = forms.MultipleChoiceField(
        choices=[(key, f"{key}: {text}") for key, text in EVENTS.items()],
        widget=forms.CheckboxSelectMultiple,
        label="Events to send",
    )
    active = forms.BooleanField(required=False, initial=True, label="Send events now")
