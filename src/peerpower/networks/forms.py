"""Forms for the network admin's pages and the member's "My organisation" page.

They check only the shape of the input; the actions in `actions.py` hold the rules.
"""

from typing import Any, cast

from django import forms

from peerpower.issues.models import Protocol
from peerpower.lib.timezones import canonical_time_zone, time_zone_choices
from peerpower.networks.actions import Segment, Step
from peerpower.networks.models import AgendaSegmentKind, Network, Organisation, Partner, Venue


class ShapeOnlyModelForm(forms.ModelForm[Any]):
    """A model form that leaves the model's rules (and uniqueness) to the action."""

    def _post_clean(self) -> None:
        pass


class VenueForm(ShapeOnlyModelForm):
    class Meta:
        model = Venue
        fields = ("name", "address", "access_notes", "partner", "region")
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "access_notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "access_notes": "Step-free access, parking, which bell to ring, Wi-Fi. Members see"
            " this on each meeting's page."
        }

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner = cast("forms.ModelChoiceField[Partner]", self.fields["partner"])
        partner.queryset = Partner.objects.filter(network=network)
        partner.empty_label = "No partner"
        partner.help_text = "The partner who lends the room, if any."


class PartnerForm(ShapeOnlyModelForm):
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Partner
        fields = ("name", "website", "notes")
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class OrganisationForm(ShapeOnlyModelForm):
    website = forms.URLField(required=False, assume_scheme="https")
    # Group formation mixes kinds; a form posted without one (an older page) means a charity.
    kind = forms.ChoiceField(
        label="Kind of organisation",
        choices=Organisation.Kind.choices,
        initial=Organisation.Kind.CHARITY,
        required=False,
    )

    class Meta:
        model = Organisation
        fields = (
            "name",
            "registered_number",
            "kind",
            "sector",
            "size_band",
            "region",
            "website",
        )
        labels = {"size_band": "Annual income"}

    def clean_kind(self) -> str:
        return str(self.cleaned_data.get("kind") or Organisation.Kind.CHARITY)


class NetworkSettingsForm(ShapeOnlyModelForm):
    time_zone = forms.ChoiceField(
        choices=time_zone_choices, help_text="New groups start in this time zone."
    )
    issue_retention_months = forms.IntegerField(
        label="Keep issues for (months)",
        min_value=1,
        max_value=120,
        help_text="Issues, notes and check-ins of meetings older than this are erased each night.",
    )

    class Meta:
        model = Network
        fields = ("name", "contact_email", "time_zone", "issue_retention_months")
        help_texts = {
            "contact_email": "Shown to members and used as the organiser of calendar invitations."
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A zone saved under an old alias is offered as the zone it now names.
        self.initial["time_zone"] = canonical_time_zone(self.instance.time_zone)


class SegmentForm(forms.Form):
    title = forms.CharField(max_length=80)
    kind = forms.ChoiceField(choices=AgendaSegmentKind.choices, initial=AgendaSegmentKind.OTHER)
    minutes = forms.IntegerField(min_value=1, max_value=480)


class BaseOrderedFormSet(forms.BaseFormSet[Any]):
    """Rows with a Position field to reorder them and a Remove box."""

    ordering_widget = forms.NumberInput

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        # Bounded like every number people type (tests/test_form_fuzz.py): a position is 1-99.
        form.fields["ORDER"] = forms.IntegerField(
            label="Position",
            required=False,
            min_value=1,
            max_value=99,
            widget=forms.NumberInput,
            error_messages={
                "invalid": "Give the position as a whole number.",
                "min_value": "Positions start at 1.",
                "max_value": "Give a position up to 99.",
            },
        )
        form.fields["DELETE"].label = "Remove"


def kept(formset: forms.BaseFormSet[Any]) -> list[dict[str, Any]]:
    """The rows to keep, in the order people gave, blank extra rows left out."""
    return [f.cleaned_data for f in formset.ordered_forms if f.cleaned_data]


SegmentFormSet = forms.formset_factory(
    SegmentForm, formset=BaseOrderedFormSet, extra=1, can_order=True, can_delete=True
)


def segments_from(formset: forms.BaseFormSet[Any]) -> list[Segment]:
    return [Segment(d["title"], d["kind"], d["minutes"]) for d in kept(formset)]


class ProtocolForm(ShapeOnlyModelForm):
    class Meta:
        model = Protocol
        fields = ("name", "description")


class StepForm(forms.Form):
    name = forms.CharField(label="Step name", max_length=60)
    minutes = forms.IntegerField(min_value=1, max_value=120)
    cue = forms.CharField(
        max_length=120, help_text="Shown large in the room, e.g. “Questions only — no advice yet”."
    )


StepFormSet = forms.formset_factory(
    StepForm, formset=BaseOrderedFormSet, extra=1, can_order=True, can_delete=True
)


def steps_from(formset: forms.BaseFormSet[Any]) -> list[Step]:
    return [Step(d["name"], d["minutes"], d["cue"]) for d in kept(formset)]


class DeleteForm(forms.Form):
    """Confirming a deletion asks nothing more: the button is the whole request. A form all the
    same, so every POST comes in the same way and a field added later has its place."""


class RemindRepliesForm(forms.Form):
    """The chair's one-click reminder: the button is the whole request."""


class MyOrganisationPostForm(forms.Form):
    """Which of the "My organisation" page's forms was sent: the network's section, and the
    button (`choose` from the list or `add` a new one)."""

    network = forms.SlugField()
    choose = forms.BooleanField(required=False)
    add = forms.BooleanField(required=False)


class ChooseOrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="The organisation you lead",
        empty_label="None of these",
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Organisation]", self.fields["organisation"])
        field.queryset = Organisation.objects.filter(network=network)


class AddOrganisationForm(forms.Form):
    name = forms.CharField(label="Organisation's name", max_length=160)
    registered_number = forms.CharField(
        max_length=20, required=False, help_text="Charity or company number, if registered."
    )
    sector = forms.ChoiceField(choices=Organisation.Sector.choices)
    size_band = forms.ChoiceField(label="Annual income", choices=Organisation.SizeBand.choices)
    region = forms.ChoiceField(choices=Organisation.Region.choices)
