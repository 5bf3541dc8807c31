"""Forms for fees. They check the shape of what is typed (an amount in pounds becomes integer
pence, beside its field when it cannot); the rules and the money checks are the actions'."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.fees.actions import BandInput
from peerpower.fees.models import FeePlan, FeeSettings, Payment, SponsorAgreement
from peerpower.fees.money import parse_pounds, pounds_plain
from peerpower.groups.models import Membership, PeerGroup
from peerpower.lib.dates import BoundedDateField, months_from_today

BAND_ROWS = 6
MAX_INCOME = 10**12  # £1 trillion: more than any charity's income, less than the column holds


class PoundsField(forms.CharField):
    """An amount typed in pounds ("1,500" or "1500.00"), cleaned to integer pence."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return pounds_plain(value) if isinstance(value, int) else value

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse_pounds(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class FeeSettingsForm(forms.ModelForm[FeeSettings]):
    vat_percent = forms.DecimalField(
        label="VAT rate (%)",
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        help_text="Used only when a VAT number is given and the plan says VAT applies.",
    )

    class Meta:
        model = FeeSettings
        fields = (
            "legal_name",
            "address",
            "registered_number",
            "vat_number",
            "payment_terms_days",
            "bank_details",
            "overdue_reminders",
        )
        labels = {"legal_name": "Legal name", "payment_terms_days": "Payment terms (days)"}
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "bank_details": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vat_percent"].initial = Decimal(self.instance.vat_rate_bp) / 100

    def values(self) -> dict[str, Any]:
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        values["vat_rate_bp"] = int(self.cleaned_data["vat_percent"] * 100)
        return values


class PlanForm(forms.Form):
    """A plan and its sliding scale: up to BAND_ROWS rows of income from, up to and price."""

    name = forms.CharField(max_length=120)
    period_months = forms.IntegerField(
        label="Period (months)", min_value=1, max_value=36, initial=12
    )
    meetings_included = forms.IntegerField(
        label="Meetings included", min_value=0, max_value=60, initial=12
    )
    coaching_hours = forms.IntegerField(
        label="Coaching hours included", min_value=0, max_value=200, initial=0
    )
    includes = forms.CharField(
        label="What else it includes", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    vat_applies = forms.BooleanField(label="VAT applies", required=False, initial=True)

    def __init__(self, *args: Any, plan: FeePlan | None = None, **kwargs: Any) -> None:
        if plan is not None and "initial" not in kwargs:
            initial: dict[str, Any] = {
                name: getattr(plan, name)
                for name in (
                    "name",
                    "period_months",
                    "meetings_included",
                    "coaching_hours",
                    "includes",
                    "vat_applies",
                )
            }
            for i, band in enumerate(plan.bands.all()):
                initial[f"band_{i}_from"] = band.lower_pounds
                initial[f"band_{i}_to"] = band.upper_pounds
                initial[f"band_{i}_price"] = pounds_plain(band.price_pence)
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for i in range(BAND_ROWS):
            self.fields[f"band_{i}_from"] = forms.IntegerField(
                label=f"Band {i + 1}: income from (£)",
                required=False,
                min_value=0,
                max_value=MAX_INCOME,
            )
            self.fields[f"band_{i}_to"] = forms.IntegerField(
                label=f"Band {i + 1}: up to, not including (£)",
                required=False,
                min_value=1,
                max_value=MAX_INCOME,
                help_text="Empty for the top band." if i == 0 else "",
            )
            self.fields[f"band_{i}_price"] = PoundsField(
                label=f"Band {i + 1}: price (£)", required=False
            )
        self.band_errors: list[str] = []

    def band_rows(self) -> list[tuple[int, Any, Any, Any]]:
        return [
            (i + 1, self[f"band_{i}_from"], self[f"band_{i}_to"], self[f"band_{i}_price"])
            for i in range(BAND_ROWS)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        bands = []
        for i in range(BAND_ROWS):
            lower = cleaned.get(f"band_{i}_from")
            upper = cleaned.get(f"band_{i}_to")
            price = cleaned.get(f"band_{i}_price")
            if lower is None and upper is None and price is None:
                continue
            if lower is None:
                self.add_error(f"band_{i}_from", "Give the income this band starts at.")
            if price is None and f"band_{i}_price" not in self.errors:
                self.add_error(f"band_{i}_price", "Give this band's price.")
            if lower is not None and price is not None:
                bands.append(BandInput(lower, upper, price))
        cleaned["bands"] = bands
        return cleaned

    def plan_values(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in (
                "name",
                "period_months",
                "meetings_included",
                "coaching_hours",
                "includes",
                "vat_applies",
            )
        }


class BillingForm(forms.Form):
    annual_income_pounds = forms.IntegerField(
        label="Annual income (£)",
        min_value=0,
        max_value=MAX_INCOME,
        help_text="From the latest accounts: it sets the band.",
    )
    finance_email = forms.EmailField(label="Finance contact's email", required=False)
    address = forms.CharField(
        label="Invoice address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlaceForm(forms.Form):
    membership = forms.ModelChoiceField(queryset=Membership.objects.none(), label="Member")
    plan = forms.ModelChoiceField(queryset=FeePlan.objects.none())
    starts_on = BoundedDateField(
        label="Starts on", earliest=months_from_today(-24), latest=months_from_today(24)
    )
    sponsorship = forms.ModelChoiceField(
        queryset=SponsorAgreement.objects.none(), required=False, label="Sponsored place"
    )
    coach = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Coach",
        help_text="Where the plan includes coaching hours: they become coaching with this coach "
        "for the place's period.",
    )

    def __init__(
        self,
        *args: Any,
        memberships: QuerySet[Membership],
        plans: QuerySet[FeePlan],
        agreements: QuerySet[SponsorAgreement],
        coaches: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["membership"]
        field.queryset = memberships
        field.label_from_instance = lambda m: f"{m.user.display_name} ({m.group.name})"
        field.empty_label = "Choose a member"
        plan_field: Any = self.fields["plan"]
        plan_field.queryset = plans
        plan_field.empty_label = "Choose a plan"
        sponsored: Any = self.fields["sponsorship"]
        sponsored.queryset = agreements
        sponsored.label_from_instance = lambda a: (
            f"{a.sponsor.name}: {a.places} places{' in ' + a.group.name if a.group else ''}"
        )
        sponsored.empty_label = "Not sponsored"
        coach: Any = self.fields["coach"]
        coach.queryset = coaches
        coach.label_from_instance = lambda u: u.display_name
        coach.empty_label = "No coaching"
        self.fields["starts_on"].initial = timezone.localdate()


class PlaceSponsorForm(forms.Form):
    sponsorship = forms.ModelChoiceField(queryset=SponsorAgreement.objects.none(), label="Sponsor")

    def __init__(self, *args: Any, agreements: QuerySet[SponsorAgreement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["sponsorship"]
        field.queryset = agreements
        field.label_from_instance = lambda a: f"{a.sponsor.name}: {a.places} places"
        field.empty_label = "Choose a sponsor"


class EmptyForm(forms.Form):
    """A lone button: the form has no fields (yet), so a field added later has its place."""


class PaymentForm(forms.Form):
    amount_pence = PoundsField(label="Amount received (£)")
    received_on = BoundedDateField(
        label="Received on",
        earliest=months_from_today(-36),
        latest=months_from_today(0),
        too_late="A payment cannot be received in the future.",
    )
    reference = forms.CharField(max_length=80, required=False, help_text="The bank's reference.")
    method = forms.ChoiceField(choices=Payment.Method.choices, initial=Payment.Method.BANK_TRANSFER)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()


class CreditForm(forms.Form):
    WHOLE = "whole"
    PART = "part"
    scope = forms.ChoiceField(
        label="What to credit",
        choices=[(WHOLE, "The whole invoice"), (PART, "Part of it (an amount before VAT)")],
        widget=forms.RadioSelect,
        initial=WHOLE,
    )
    net_pence = PoundsField(label="Amount to credit before VAT (£)", required=False)
    reason = forms.CharField(max_length=200)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        wanted = cleaned.get("scope") == self.PART and cleaned.get("net_pence") is None
        if wanted and "net_pence" not in self.errors:
            self.add_error("net_pence", "Give the amount to credit.")
        return cleaned


class BursaryForm(forms.Form):
    income_pounds = forms.IntegerField(
        label="Your organisation's annual income (£)", min_value=0, max_value=MAX_INCOME
    )
    reasons = forms.CharField(
        label="Why you are asking", widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )
    can_pay_pence = PoundsField(label="What your organisation can pay a year (£)")


class BursaryDecisionForm(forms.Form):
    APPROVE = "approve"
    DECLINE = "decline"
    decision = forms.ChoiceField(
        choices=[(APPROVE, "Approve"), (DECLINE, "Decline")], widget=forms.RadioSelect
    )
    amount_pence = PoundsField(label="Amount waived (£)", required=False)
    reason = forms.CharField(
        label="Reason (sent to the applicant)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class SponsorForm(forms.Form):
    name = forms.CharField(max_length=160)
    finance_email = forms.EmailField(label="Finance contact's email", required=False)
    address = forms.CharField(
        label="Invoice address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AgreementForm(forms.Form):
    places = forms.IntegerField(label="Places funded", min_value=1, max_value=500)
    price_pence = PoundsField(label="Amount a place (£)")
    starts_on = BoundedDateField(
        label="Starts on", earliest=months_from_today(-36), latest=months_from_today(60)
    )
    ends_on = BoundedDateField(
        label="Ends on", earliest=months_from_today(-36), latest=months_from_today(96)
    )
    group = forms.ModelChoiceField(
        queryset=PeerGroup.objects.none(), required=False, empty_label="Any of the network's groups"
    )

    def __init__(self, *args: Any, groups: QuerySet[PeerGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]


class ContactForm(forms.Form):
    email = forms.EmailField(label="Contact's email")
    name = forms.CharField(max_length=120, required=False, label="Contact's name")


class ExportForm(forms.Form):
    KINDS = [("invoices", "Invoices and credit notes"), ("payments", "Payments")]
    kind = forms.ChoiceField(choices=KINDS, label="What to export")
    date_from = BoundedDateField(
        label="From", earliest=months_from_today(-120), latest=months_from_today(12)
    )
    date_to = BoundedDateField(
        label="To (inclusive)", earliest=months_from_today(-120), latest=months_from_today(12)
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end of the range must not be before its start.")
        return cleaned
