"""Fees: a network's published price list (plans with a sliding scale by income), each member's
place on a plan and who pays for it, bursaries, sponsors, and the invoices, credit notes and
payments that follow. Every amount is an integer number of pence (see fees.money)."""

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from peerpower.fees.money import pounds


class ImmutableError(Exception):
    """An issued invoice or credit note, or one of its lines, was about to be changed."""


class FeeSettings(models.Model):
    """What the network's invoices say about it, its VAT and its reminders."""

    network = models.OneToOneField(
        "networks.Network", on_delete=models.CASCADE, related_name="fee_settings"
    )
    legal_name = models.CharField(max_length=160, blank=True)
    address = models.TextField(blank=True)
    registered_number = models.CharField("charity or company number", max_length=40, blank=True)
    vat_number = models.CharField(
        "VAT number", max_length=20, blank=True, help_text="Leave empty if not registered."
    )
    vat_rate_bp = models.PositiveIntegerField(
        "VAT rate (basis points)",
        default=2000,
        validators=[MaxValueValidator(10_000)],
        help_text="2000 is 20%.",
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(0), MaxValueValidator(120)]
    )
    bank_details = models.TextField(
        blank=True, help_text="Account name, sort code and account number for bank transfers."
    )
    overdue_reminders = models.BooleanField(
        "send overdue reminders", default=True, help_text="At 7 and 30 days overdue."
    )

    class Meta:
        verbose_name_plural = "fee settings"
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(vat_rate_bp__lte=10_000), name="fee_settings_vat_rate_range"
            )
        ]

    def __str__(self) -> str:
        return f"Fee settings of {self.network_id}"

    @property
    def vat_registered(self) -> bool:
        return bool(self.vat_number.strip())


class BillingDetails(models.Model):
    """An organisation's income (which decides its band) and where its invoices go."""

    organisation = models.OneToOneField(
        "networks.Organisation", on_delete=models.CASCADE, related_name="billing"
    )
    annual_income_pounds = models.PositiveBigIntegerField("annual income (£)")
    finance_email = models.EmailField("finance contact's email", blank=True)
    address = models.TextField("invoice address", blank=True)

    def __str__(self) -> str:
        return f"Billing details of organisation {self.organisation_id}"


class FeePlan(models.Model):
    """One version of a plan. Once anyone holds a place on a version it is never edited:
    a change is a new version (same `family`, next `version`), and the old one is retired."""

    class Status(models.TextChoices):
        DRAFT = "draft", "draft"
        PUBLISHED = "published", "published"
        RETIRED = "retired", "retired"

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="fee_plans"
    )
    family = models.UUIDField(default=uuid.uuid4, editable=False)
    version = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=120)
    period_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(36)]
    )
    meetings_included = models.PositiveSmallIntegerField(default=12)
    coaching_hours = models.PositiveSmallIntegerField(default=0)
    includes = models.TextField("what else it includes", blank=True)
    vat_applies = models.BooleanField("VAT applies", default=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["name", "-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["network", "family", "version"], name="fee_plan_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(period_months__gte=1), name="fee_plan_period_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


class FeeBand(models.Model):
    """One step of a plan's sliding scale: organisations with an income from `lower_pounds`
    up to (not including) `upper_pounds` pay `price_pence`. The last band has no upper."""

    plan = models.ForeignKey(FeePlan, on_delete=models.CASCADE, related_name="bands")
    lower_pounds = models.PositiveBigIntegerField()
    upper_pounds = models.PositiveBigIntegerField(null=True, blank=True)
    price_pence = models.PositiveIntegerField()

    class Meta:
        ordering: ClassVar = ["lower_pounds"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["plan", "lower_pounds"], name="fee_band_lower_unique"),
            models.CheckConstraint(
                condition=models.Q(upper_pounds__isnull=True)
                | models.Q(upper_pounds__gt=models.F("lower_pounds")),
                name="fee_band_upper_above_lower",
            ),
            models.CheckConstraint(
                condition=models.Q(price_pence__gte=0), name="fee_band_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Band from £{self.lower_pounds:,}"

    @property
    def label(self) -> str:
        if self.upper_pounds is None:
            return f"£{self.lower_pounds:,} and over"
        if self.lower_pounds == 0:
            return f"Under £{self.upper_pounds:,}"
        return f"£{self.lower_pounds:,} to under £{self.upper_pounds:,}"

    def contains(self, income_pounds: int) -> bool:
        return self.lower_pounds <= income_pounds and (
            self.upper_pounds is None or income_pounds < self.upper_pounds
        )


class Sponsor(models.Model):
    """A funder, partner or company that pays for places."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="sponsors"
    )
    name = models.CharField(max_length=160)
    finance_email = models.EmailField("finance contact's email", blank=True)
    address = models.TextField("invoice address", blank=True)
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="sponsor_of"
    )

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["network", "name"], name="sponsor_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SponsorAgreement(models.Model):
    """A sponsor funds `places` places in the network (or one group) for a period, at
    `price_pence` a place."""

    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="agreements")
    group = models.ForeignKey(
        "groups.PeerGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    places = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    price_pence = models.PositiveIntegerField("amount a place")
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering: ClassVar = ["-starts_on"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="sponsor_agreement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(places__gte=1), name="sponsor_agreement_places_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement {self.pk} of sponsor {self.sponsor_id}"


class Place(models.Model):
    """A member's place for one period: the plan version and price that apply, and who pays.

    The organisation pays the price less the bursary and the sponsor's share."""

    membership = models.ForeignKey(
        "groups.Membership", on_delete=models.PROTECT, related_name="places"
    )
    plan = models.ForeignKey(FeePlan, on_delete=models.PROTECT, related_name="places")
    organisation = models.ForeignKey(
        "networks.Organisation", null=True, on_delete=models.PROTECT, related_name="+"
    )
    income_pounds = models.PositiveBigIntegerField()
    band_label = models.CharField(max_length=80)
    price_pence = models.PositiveIntegerField()
    bursary_pence = models.PositiveIntegerField(default=0)
    sponsorship = models.ForeignKey(
        SponsorAgreement, null=True, blank=True, on_delete=models.PROTECT, related_name="seats"
    )
    sponsor_pence = models.PositiveIntegerField(default=0)
    starts_on = models.DateField()
    ends_on = models.DateField()
    renewed_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="renewal"
    )
    # The coaching engagement made from the plan's coaching hours for this period, if a coach
    # was chosen (fees.actions.place_create).
    engagement = models.ForeignKey(
        "coaching.Engagement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-starts_on"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["membership", "starts_on"], name="place_one_per_membership_start"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="place_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    bursary_pence__lte=models.F("price_pence") - models.F("sponsor_pence")
                ),
                name="place_shares_within_price",
            ),
            models.CheckConstraint(
                condition=models.Q(sponsorship__isnull=False) | models.Q(sponsor_pence=0),
                name="place_sponsor_share_needs_sponsor",
            ),
        ]

    def __str__(self) -> str:
        return f"Place {self.pk}"

    @property
    def organisation_pence(self) -> int:
        return self.price_pence - self.bursary_pence - self.sponsor_pence

    @property
    def payers(self) -> str:
        parts = []
        if self.organisation_pence:
            parts.append("the organisation")
        if self.sponsor_pence:
            parts.append("a sponsor")
        if self.bursary_pence:
            parts.append("a bursary")
        return ", ".join(parts) if parts else "nobody (free)"


class Bursary(models.Model):
    """An application for a full or part waiver, and the admin's decision. Confidential: only
    the applicant and the network's admins see it (fees.queries)."""

    class Status(models.TextChoices):
        PENDING = "pending", "waiting for a decision"
        APPROVED = "approved", "approved"
        DECLINED = "declined", "declined"

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="bursaries"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bursaries"
    )
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="bursaries"
    )
    income_pounds = models.PositiveBigIntegerField()
    reasons = models.TextField()
    can_pay_pence = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    amount_pence = models.PositiveIntegerField(default=0)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "bursaries"
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(status="pending") | ~models.Q(decision_reason=""),
                name="bursary_decision_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"Bursary application {self.pk}"


class Invoice(models.Model):
    """An invoice or a credit note, issued with its number: immutable from then on.

    The seller's and the buyer's details are copied onto it when it is issued, so a later
    change of the network's settings or an organisation's address never alters it."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", "invoice"
        CREDIT_NOTE = "credit", "credit note"

    PREFIX: ClassVar[dict[str, str]] = {"invoice": "INV", "credit": "CN"}

    network = models.ForeignKey(
        "networks.Network", on_delete=models.PROTECT, related_name="invoices"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.INVOICE)
    number = models.PositiveIntegerField()
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    agreement = models.ForeignKey(
        SponsorAgreement, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    credits = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes"
    )
    issued_on = models.DateField()
    due_on = models.DateField()
    seller_name = models.CharField(max_length=160)
    seller_address = models.TextField(blank=True)
    seller_number = models.CharField(max_length=40, blank=True)
    seller_vat_number = models.CharField(max_length=20, blank=True)
    bank_details = models.TextField(blank=True)
    payment_terms_days = models.PositiveSmallIntegerField()
    buyer_name = models.CharField(max_length=160)
    buyer_address = models.TextField(blank=True)
    buyer_email = models.EmailField(blank=True)
    net_pence = models.BigIntegerField()
    vat_pence = models.BigIntegerField()
    gross_pence = models.BigIntegerField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    # The only fields that may change after issue: the record of the email going out.
    MUTABLE_AFTER_ISSUE: ClassVar[frozenset[str]] = frozenset({"emailed_at"})

    class Meta:
        ordering: ClassVar = ["-issued_on", "-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["network", "kind", "number"], name="invoice_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(gross_pence=models.F("net_pence") + models.F("vat_pence")),
                name="invoice_gross_is_net_plus_vat",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="invoice") | models.Q(credits__isnull=False),
                name="invoice_credit_note_credits_an_invoice",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["network", "due_on"])]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= self.MUTABLE_AFTER_ISSUE:
                raise ImmutableError(
                    f"{self.reference} is issued and cannot be changed: issue a credit note."
                )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableError(f"{self.reference} is issued and cannot be deleted.")

    @property
    def reference(self) -> str:
        return f"{self.PREFIX[self.kind]}-{self.number:06d}"

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=240)
    quantity = models.PositiveSmallIntegerField(default=1)
    unit_pence = models.BigIntegerField()
    net_pence = models.BigIntegerField()
    vat_rate_bp = models.PositiveIntegerField()
    vat_pence = models.BigIntegerField()

    class Meta:
        ordering: ClassVar = ["position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position"),
            models.CheckConstraint(
                condition=models.Q(net_pence=models.F("unit_pence") * models.F("quantity")),
                name="invoice_line_net_is_unit_times_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"Line {self.position} of invoice {self.invoice_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("An issued invoice's lines cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableError("An issued invoice's lines cannot be deleted.")


class InvoiceSequence(models.Model):
    """The last number issued, per network and kind: the counter row that `invoice_issue`
    locks, so numbers have no gaps and no repeats however many are issued at once."""

    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Invoice.Kind.choices)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["network", "kind"], name="invoice_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} numbers of network {self.network_id}: {self.last_number}"


class Payment(models.Model):
    """Money received against an invoice. Bank transfer today; a payment provider would
    record its payments through the same action (fees.payments)."""

    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", "bank transfer"
        CHEQUE = "cheque", "cheque"
        OTHER = "other", "other"

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    received_on = models.DateField()
    amount_pence = models.PositiveBigIntegerField()
    reference = models.CharField(max_length=80, blank=True)
    method = models.CharField(max_length=16, choices=Method.choices, default=Method.BANK_TRANSFER)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["received_on", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(amount_pence__gt=0), name="payment_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"Payment {self.pk} of {pounds(self.amount_pence)}"


class ReminderSent(models.Model):
    """One reminder claimed: the unique row stops two workers sending the same one."""

    class Kind(models.TextChoices):
        RENEWAL_6W = "renewal_6w", "renewal, 6 weeks before"
        RENEWAL_2W = "renewal_2w", "renewal, 2 weeks before"
        OVERDUE_7D = "overdue_7d", "7 days overdue"
        OVERDUE_30D = "overdue_30d", "30 days overdue"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    place = models.ForeignKey(Place, null=True, on_delete=models.CASCADE, related_name="+")
    invoice = models.ForeignKey(Invoice, null=True, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "place"], name="fee_reminder_place_once"),
            models.UniqueConstraint(fields=["kind", "invoice"], name="fee_reminder_invoice_once"),
        ]

    def __str__(self) -> str:
        return f"Fee reminder {self.kind}"
