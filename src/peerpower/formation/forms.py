"""Forms of the formation pages. They check only the shape of the input; formation.actions
holds the rules (weights 0..10, at least one group, bounds that fit the pool)."""

from typing import Any

from django import forms

from peerpower.formation.actions import CANDIDATE_FIELDS, NewGroup
from peerpower.formation.models import Candidate, Run
from peerpower.groups.models import PeerGroup, Weekday, WeekOfMonth
from peerpower.networks.models import Network, Venue

WEIGHT_HELP = "0 (ignore) to 10 (matters most)."
WEIGHT_ERRORS = {
    "min_value": "Give a weight from 0 to 10.",
    "max_value": "Give a weight from 0 to 10.",
}
SIZE_ERRORS = {
    "min_value": "Give a size from 1 to 100.",
    "max_value": "Give a size from 1 to 100.",
}
SECONDS_ERRORS = {
    "min_value": "Give from 1 to 300 seconds.",
    "max_value": "Give from 1 to 300 seconds.",
}


def _weight(label: str, initial: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        initial=initial,
        min_value=0,
        max_value=10,
        help_text=WEIGHT_HELP,
        error_messages=WEIGHT_ERRORS,
    )


def _seconds(initial: int | None = None) -> forms.IntegerField:
    return forms.IntegerField(
        label="Seconds to spend",
        initial=initial,
        min_value=1,
        max_value=300,
        help_text="From 1 to 300; longer finds better mixes.",
        error_messages=SECONDS_ERRORS,
    )


class CandidateForm(forms.ModelForm[Candidate]):
    class Meta:
        model = Candidate
        fields = CANDIDATE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, prompt in (
            ("sector", "Choose a sector"),
            ("size_band", "Choose an income band"),
            ("region", "Choose a region"),
        ):
            field = self.fields[name]
            field.choices = [("", prompt), *list(field.choices)[1:]]  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        pass

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class RunForm(forms.Form):
    """A run's pool, groups, weights and time. The new groups are a formset beside it."""

    candidates = forms.ModelMultipleChoiceField(
        label="People to place",
        queryset=Candidate.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    groups = forms.ModelMultipleChoiceField(
        label="Existing groups to fill",
        queryset=PeerGroup.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Their members stay; the run fills their vacancies.",
    )
    min_size = forms.IntegerField(
        label="Smallest new group",
        initial=8,
        min_value=1,
        max_value=100,
        error_messages=SIZE_ERRORS,
    )
    max_size = forms.IntegerField(
        label="Largest new group",
        initial=16,
        min_value=1,
        max_value=100,
        error_messages=SIZE_ERRORS,
    )
    weight_sector = _weight("Mix of sectors", 5)
    weight_size = _weight("Mix of sizes", 3)
    weight_region = _weight("Mix of regions", 1)
    weight_years = _weight("Mix of years in the role", 2)
    weight_kind = _weight("Mix of kinds of organisation", 2)
    weight_looking_for = _weight("Looking for the same thing", 1)
    seconds = _seconds(10)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pool = Candidate.objects.filter(network=network).exclude(source=Candidate.Source.MEMBER)
        self.fields["candidates"].queryset = pool  # type: ignore[attr-defined]
        self.fields["groups"].queryset = PeerGroup.objects.filter(  # type: ignore[attr-defined]
            network=network
        ).order_by("name")
        if not self.is_bound:
            self.initial["candidates"] = list(pool.values_list("pk", flat=True))

    def weights(self) -> dict[str, int]:
        return {name: self.cleaned_data[attr] for name, attr in Run.WEIGHT_FIELDS}


class NewGroupForm(forms.Form):
    """One new group for the run; a row left without a name is not used."""

    name = forms.CharField(label="Name of the new group", max_length=120, required=False)
    venue = forms.ModelChoiceField(
        queryset=Venue.objects.none(), required=False, empty_label="Online"
    )
    week_of_month = forms.TypedChoiceField(
        label="Week", choices=WeekOfMonth.choices, coerce=int, initial=WeekOfMonth.SECOND
    )
    weekday = forms.TypedChoiceField(
        label="Day", choices=Weekday.choices, coerce=int, initial=Weekday.TUESDAY
    )
    start_time = forms.TimeField(label="Starts", initial="09:30", required=False)
    end_time = forms.TimeField(label="Ends", initial="13:30", required=False)
    chair_email = forms.EmailField(label="Chair's email", required=False)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Venue.objects.filter(network=network)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("name", "").strip():
            for field in ("start_time", "end_time", "chair_email"):
                if not data.get(field) and field not in self.errors:
                    self.add_error(field, "Please give this for the new group.")
        return data

    def new_group(self) -> NewGroup | None:
        data = self.cleaned_data
        if not data.get("name", "").strip():
            return None
        return NewGroup(
            name=data["name"],
            chair_email=data["chair_email"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            venue=data["venue"],
            week_of_month=data["week_of_month"],
            weekday=data["weekday"],
        )


NewGroupFormSet = forms.formset_factory(NewGroupForm, extra=3, max_num=6)


class MoveForm(forms.Form):
    """Move one person of the proposal to another group."""

    candidate = forms.IntegerField(widget=forms.HiddenInput)
    to = forms.TypedChoiceField(label="Move to", coerce=int, choices=())

    def __init__(self, *args: Any, slots: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = slots  # type: ignore[attr-defined]


class LockForm(forms.Form):
    candidate = forms.IntegerField(widget=forms.HiddenInput)
    locked = forms.BooleanField(required=False, widget=forms.HiddenInput)


class RerunForm(forms.Form):
    seconds = _seconds()


class DecisionForm(forms.Form):
    first = forms.IntegerField(widget=forms.HiddenInput)
    second = forms.IntegerField(widget=forms.HiddenInput)
    competitors = forms.TypedChoiceField(
        choices=[("yes", "Competitors"), ("no", "Not competitors")],
        coerce=lambda v: v == "yes",
        widget=forms.HiddenInput,
    )


class EmptyForm(forms.Form):
    """A lone button (import applicants, accept): a field added later has its place."""
