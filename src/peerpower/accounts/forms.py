from typing import Any

from django import forms
from django.contrib.auth import password_validation

from peerpower.accounts.models import Invitation, User
from peerpower.lib.timezones import time_zone_choices


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(max_length=150, label="Your name")
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Type it again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["name"].initial = user.name
        self.fields[
            "password1"
        ].help_text = password_validation.password_validators_help_text_html()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords are not the same.")
        elif p1:
            self.user.name = data.get("name", self.user.name)
            try:
                password_validation.validate_password(p1, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    name = forms.CharField(label="Name", max_length=150, required=False)
    role = forms.ChoiceField(choices=())

    def __init__(self, *args: Any, roles: list[Invitation.Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        if isinstance(role, forms.ChoiceField):
            # No default: a slip must not hand someone the most powerful role.
            role.choices = [("", "Choose a role…")] + [
                (r.value, r.label.capitalize()) for r in roles
            ]
        if len(roles) == 1:
            self.fields["role"].initial = roles[0].value
            self.fields["role"].widget = forms.HiddenInput()


class InvitationRevokeForm(forms.Form):
    """Withdrawing an invitation asks nothing more: the button is the whole request. A form all
    the same, so every POST comes in the same way and a field added later has its place."""


class InvitationRestoreForm(forms.Form):
    """The "Undo" of a withdrawal: the button is the whole request (what to put back waits in
    the session, see lib.undo)."""


class CalendarRotateForm(forms.Form):
    """Replacing the calendar link asks nothing more: the button is the whole request."""


class AccountSettingsForm(forms.ModelForm[User]):
    time_zone = forms.ChoiceField(
        choices=time_zone_choices, help_text="Every time is shown to you in this zone."
    )

    class Meta:
        model = User
        fields = (
            "name",
            "time_zone",
            "remind_week_before",
            "remind_day_before",
            "remind_coaching_day_before",
            "remind_coaching_hour_before",
        )
