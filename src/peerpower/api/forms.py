from datetime import timedelta

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from peerpower.api.models import AccessToken
from peerpower.networks.models import Network


class TokenForm(forms.Form):
    """A new token: its shape only; the rules and the dates are checked by token_create."""

    name = forms.CharField(
        label="Name",
        max_length=80,
        help_text="What will use it, e.g. “Our CRM”. Only you see it.",
        error_messages={"required": "Give the token a name, so you know later what uses it."},
    )
    network = forms.ModelChoiceField(
        label="Network", queryset=Network.objects.none(), empty_label=None
    )
    access = forms.ChoiceField(
        label="What it may do",
        choices=AccessToken.Access.choices,
        initial=AccessToken.Access.READ,
        widget=forms.RadioSelect,
    )
    expires_on = forms.DateField(
        label="Works until the end of",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="At most a year from today.",
    )

    def __init__(self, *args: object, networks: QuerySet[Network], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["network"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 (for mypy)
        field.queryset = networks
        self.fields["expires_on"].initial = timezone.localdate() + timedelta(days=90)


class RevokeForm(forms.Form):
    """Revoking, once the page has asked: the button is the whole request."""
