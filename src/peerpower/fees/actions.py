"""Business actions for fees: the price list, places, invoices and credit notes, payments,
bursaries and sponsors.

Each action that takes `by` asks its rule first (fees.rules), then validates, then writes in
one transaction; emails go out on commit (fees.tasks). Amounts are integer pence throughout.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from allauth.account.models import EmailAddress
from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from peerpower.accounts.models import User
from peerpower.coaching import actions as coaching_actions
from peerpower.coaching.models import Engagement
from peerpower.fees import rules as _rules  # noqa: F401 - registers the rules required here
from peerpower.fees import tasks
from peerpower.fees.models import (
    BillingDetails,
    Bursary,
    FeeBand,
    FeePlan,
    FeeSettings,
    Invoice,
    InvoiceLine,
    InvoiceSequence,
    Payment,
    Place,
    Sponsor,
    SponsorAgreement,
)
from peerpower.fees.money import line_vat, pounds
from peerpower.fees.queries import current_version, settings_of, with_balance
from peerpower.groups.models import Membership
from peerpower.guests.actions import public_page_key
from peerpower.lib.events import emit
from peerpower.lib.rules import require
from peerpower.networks.models import Network, NetworkRole, Organisation

PLAN_FIELDS = (
    "name",
    "period_months",
    "meetings_included",
    "coaching_hours",
    "includes",
    "vat_applies",
)
SETTINGS_FIELDS = (
    "legal_name",
    "address",
    "registered_number",
    "vat_number",
    "vat_rate_bp",
    "payment_terms_days",
    "bank_details",
    "overdue_reminders",
)
MAX_BANDS = 8


@dataclass(frozen=True)
class BandInput:
    """One band as typed: income from `lower` up to (not including) `upper` pounds (None: no
    upper limit), at `price_pence`."""

    lower: int
    upper: int | None
    price_pence: int


def clean_bands(bands: list[BandInput]) -> list[BandInput]:
    """The bands in order, or a ValidationError (keyed `bands`) saying what is wrong: the scale
    must start at £0, each band must start where the one before ends (no gap, no overlap), and
    only the last may be open-ended."""
    if not bands:
        raise ValidationError({"bands": "Add at least one income band."})
    if len(bands) > MAX_BANDS:
        raise ValidationError({"bands": f"A plan has at most {MAX_BANDS} bands."})
    ordered = sorted(bands, key=lambda b: b.lower)
    problems: list[str] = []
    for band in ordered:
        if band.price_pence < 0:
            problems.append("A price cannot be negative.")
        if band.upper is not None and band.upper <= band.lower:
            problems.append(
                f"The band from £{band.lower:,} must end above where it starts "
                f"(it ends at £{band.upper:,})."
            )
    if ordered[0].lower != 0:
        problems.append(
            f"The first band must start at £0 (it starts at £{ordered[0].lower:,}), so every "
            "organisation has a price."
        )
    for before, after in pairwise(ordered):
        if before.upper is None:
            problems.append(
                f"The band from £{before.lower:,} has no upper limit, so it overlaps the band "
                f"from £{after.lower:,}; only the last band may be open-ended."
            )
        elif after.lower < before.upper:
            problems.append(
                f"The bands from £{before.lower:,} and from £{after.lower:,} overlap: the first "
                f"runs to £{before.upper:,}."
            )
        elif after.lower > before.upper:
            problems.append(
                f"There is a gap between £{before.upper:,} and £{after.lower:,}: no band covers "
                "those incomes."
            )
    if ordered[-1].upper is not None:
        problems.append(
            f"The last band must have no upper limit (it ends at £{ordered[-1].upper:,}), so "
            "every organisation has a price."
        )
    if problems:
        raise ValidationError({"bands": list(dict.fromkeys(problems))})
    return ordered


def _clean_plan(values: dict[str, Any]) -> dict[str, Any]:
    cleaned = {name: values[name] for name in PLAN_FIELDS if name in values}
    name = str(cleaned.get("name", "")).strip()
    if not name:
        raise ValidationError({"name": "Give the plan a name."})
    cleaned["name"] = name
    period = int(cleaned.get("period_months", 12))
    if not 1 <= period <= 36:
        raise ValidationError({"period_months": "A period is 1 to 36 months."})
    return cleaned


def _price_list_changed(network_id: int) -> None:
    """The public page shows the price list: drop its cached copy once the change commits."""
    slug = Network.objects.filter(pk=network_id).values_list("slug", flat=True).first()
    if slug:
        transaction.on_commit(lambda: cache.delete(public_page_key(slug)))


def _write_bands(plan: FeePlan, bands: list[BandInput]) -> None:
    FeeBand.objects.filter(plan=plan).delete()
    FeeBand.objects.bulk_create(
        FeeBand(plan=plan, lower_pounds=b.lower, upper_pounds=b.upper, price_pence=b.price_pence)
        for b in bands
    )


def fee_settings_update(*, network: Network, values: dict[str, Any], by: User) -> FeeSettings:
    """Save what the network's invoices say about it, its VAT rate and reminders. Issued
    invoices keep the details they were issued with."""
    require(by, "fees.manage", network)
    if not 0 <= int(values.get("vat_rate_bp", 2000)) <= 10_000:
        raise ValidationError({"vat_rate_bp": "A VAT rate is between 0 and 10000 (100%)."})
    with transaction.atomic():
        current, _ = FeeSettings.objects.get_or_create(
            network=network, defaults={"legal_name": network.name}
        )
        for name in SETTINGS_FIELDS:
            if name in values:
                setattr(current, name, values[name])
        current.full_clean()
        current.save()
    return current


def plan_create(
    *,
    network: Network,
    values: dict[str, Any],
    bands: list[BandInput],
    by: User,
    publish: bool = True,
) -> FeePlan:
    """A new plan (version 1) with its sliding scale, published unless `publish` is false."""
    require(by, "fees.manage", network)
    cleaned = _clean_plan(values)
    ordered = clean_bands(bands)
    with transaction.atomic():
        plan = FeePlan.objects.create(
            network=network,
            status=FeePlan.Status.PUBLISHED if publish else FeePlan.Status.DRAFT,
            **cleaned,
        )
        _write_bands(plan, ordered)
        _price_list_changed(network.pk)
    return plan


def plan_update(
    *, plan: FeePlan, values: dict[str, Any], bands: list[BandInput], by: User
) -> FeePlan:
    """Change a plan nobody holds. Once a place is on it, refused: make a new version.

    Locks the plan row, so a place taken at the same moment waits and sees the change, or
    this waits and is refused."""
    require(by, "fees.manage", plan)
    cleaned = _clean_plan(values)
    ordered = clean_bands(bands)
    with transaction.atomic():
        locked = FeePlan.objects.select_for_update().get(pk=plan.pk)
        held = Place.objects.filter(plan=locked).count()
        if held:
            raise ValidationError(
                f"{held} place{'s' if held != 1 else ''} {'are' if held != 1 else 'is'} on this "
                "version, so it cannot be changed: make a new version instead (the places "
                "keep the price they were given)."
            )
        if locked.status == FeePlan.Status.RETIRED:
            raise ValidationError("This version is retired; make a new version instead.")
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save()
        _write_bands(locked, ordered)
        _price_list_changed(locked.network_id)
    return locked


def plan_new_version(
    *, plan: FeePlan, values: dict[str, Any], bands: list[BandInput], by: User
) -> FeePlan:
    """The next version of the plan, published; the version it replaces is retired. Places
    on the old version keep it; renewals take the new one."""
    require(by, "fees.manage", plan)
    cleaned = _clean_plan(values)
    ordered = clean_bands(bands)
    with transaction.atomic():
        family = list(
            FeePlan.objects.select_for_update()
            .filter(network_id=plan.network_id, family=plan.family)
            .order_by("-version")
        )
        newest = family[0]
        created = FeePlan.objects.create(
            network_id=plan.network_id,
            family=plan.family,
            version=newest.version + 1,
            status=FeePlan.Status.PUBLISHED,
            **cleaned,
        )
        _write_bands(created, ordered)
        FeePlan.objects.filter(pk__in=[p.pk for p in family]).exclude(
            status=FeePlan.Status.DRAFT
        ).update(status=FeePlan.Status.RETIRED)
        _price_list_changed(plan.network_id)
    return created


def plan_publish(*, plan: FeePlan, by: User) -> FeePlan:
    """Put a draft on the price list."""
    require(by, "fees.manage", plan)
    if plan.status != FeePlan.Status.DRAFT:
        raise ValidationError("Only a draft can be published.")
    with transaction.atomic():
        plan.status = FeePlan.Status.PUBLISHED
        plan.save(update_fields=["status"])
        _price_list_changed(plan.network_id)
    return plan


def plan_retire(*, plan: FeePlan, by: User) -> FeePlan:
    """Take the plan off the price list. Places on it stay as they are."""
    require(by, "fees.manage", plan)
    with transaction.atomic():
        plan.status = FeePlan.Status.RETIRED
        plan.save(update_fields=["status"])
        _price_list_changed(plan.network_id)
    return plan


def billing_update(
    *,
    organisation: Organisation,
    annual_income_pounds: int,
    finance_email: str = "",
    address: str = "",
    by: User,
) -> BillingDetails:
    """Record an organisation's income (which decides its band) and where invoices go."""
    require(by, "fees.manage", organisation)
    if annual_income_pounds < 0:
        raise ValidationError({"annual_income_pounds": "An income cannot be negative."})
    details, _ = BillingDetails.objects.update_or_create(
        organisation=organisation,
        defaults={
            "annual_income_pounds": annual_income_pounds,
            "finance_email": finance_email.strip(),
            "address": address.strip(),
        },
    )
    return details


def _band_for(plan: FeePlan, income_pounds: int) -> FeeBand:
    for band in plan.bands.all():
        if band.contains(income_pounds):
            return band
    raise ValidationError(f"No band of {plan} covers an income of £{income_pounds:,}.")


def _period_end(plan: FeePlan, starts_on: date) -> date:
    return starts_on + relativedelta(months=plan.period_months) - timedelta(days=1)


def _income_of(membership: Membership) -> tuple[Organisation, int]:
    organisation = membership.organisation
    if organisation is None:
        raise ValidationError(
            {"membership": "Say which organisation this member leads first (My organisation)."}
        )
    details = BillingDetails.objects.filter(organisation=organisation).first()
    if details is None:
        raise ValidationError(
            {"membership": f"Record {organisation.name}'s annual income first: it sets the band."}
        )
    return organisation, details.annual_income_pounds


def place_create(
    *,
    membership: Membership,
    plan: FeePlan,
    starts_on: date,
    by: User,
    sponsorship: SponsorAgreement | None = None,
    coach: User | None = None,
) -> Place:
    """Give a member a place on a published plan for its period, at the price of their
    organisation's income band; with a sponsorship, the sponsor pays its share; a bursary
    approved before they had a place is waived from it. With a coach,
    the plan's coaching hours become a coaching engagement (coaching.actions.engagement_create,
    which emails the member and the coach) for the place's period, in the same transaction."""
    require(by, "fees.manage", plan)
    if membership.group.network_id != plan.network_id:
        raise ValidationError({"membership": "That member is not in this network."})
    if plan.status != FeePlan.Status.PUBLISHED:
        raise ValidationError({"plan": "Only a published plan takes new places."})
    if coach is not None and not plan.coaching_hours:
        raise ValidationError(
            {"coach": f"{plan} includes no coaching hours: leave the coach empty."}
        )
    if membership.status not in Membership.HOLDS_PLACE:
        raise ValidationError({"membership": "Only a current or invited member takes a place."})
    organisation, income = _income_of(membership)
    with transaction.atomic():
        FeePlan.objects.select_for_update().filter(pk=plan.pk).first()  # no edit meanwhile
        plan = FeePlan.objects.prefetch_related("bands").get(pk=plan.pk)
        if plan.status != FeePlan.Status.PUBLISHED:
            raise ValidationError({"plan": "Only a published plan takes new places."})
        band = _band_for(plan, income)
        ends_on = _period_end(plan, starts_on)
        overlapping = Place.objects.filter(
            membership=membership, starts_on__lte=ends_on, ends_on__gte=starts_on
        ).exists()
        if overlapping:
            raise ValidationError(
                {"starts_on": "This member already has a place for part of that period."}
            )
        place = Place.objects.create(
            membership=membership,
            plan=plan,
            organisation=organisation,
            income_pounds=income,
            band_label=band.label,
            price_pence=band.price_pence,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        if sponsorship is not None:
            _assign_sponsor(place, sponsorship)
        _apply_waiting_bursary(place)
        if coach is not None:
            place.engagement = coaching_actions.engagement_create(
                network=membership.group.network,
                coach=coach,
                member=membership.user,
                unit=Engagement.Unit.HOURS,
                allowance=plan.coaching_hours,
                starts_on=starts_on,
                ends_on=ends_on,
                areas=[],
                by=by,
            )
            place.save(update_fields=["engagement"])
    return place


def _apply_waiting_bursary(place: Place) -> None:
    """A bursary approved before the person had a place (asked for as a guest applying to
    join, or before the place was given) is waived from their first place, up to its price
    after any sponsor's share."""
    waiting = (
        Bursary.objects.select_for_update()
        .filter(
            network_id=place.plan.network_id,
            applicant_id=place.membership.user_id,
            status=Bursary.Status.APPROVED,
            place=None,
        )
        .order_by("decided_at", "pk")
        .first()
    )
    if waiting is None:
        return
    place.bursary_pence = min(waiting.amount_pence, place.price_pence - place.sponsor_pence)
    place.save(update_fields=["bursary_pence"])
    waiting.place = place
    waiting.save(update_fields=["place"])


def _assign_sponsor(place: Place, agreement: SponsorAgreement) -> None:
    """Lock the agreement, refuse one place more than it funds, and give the sponsor its share."""
    locked = (
        SponsorAgreement.objects.select_for_update().select_related("sponsor").get(pk=agreement.pk)
    )
    if locked.sponsor.network_id != place.plan.network_id:
        raise ValidationError({"sponsorship": "That sponsor is not in this network."})
    if locked.group_id is not None and locked.group_id != place.membership.group_id:
        raise ValidationError({"sponsorship": "This sponsor funds places in another group."})
    used = Place.objects.filter(sponsorship=locked).exclude(pk=place.pk).count()
    if used >= locked.places:
        raise ValidationError(
            {
                "sponsorship": f"All {locked.places} place{'s' if locked.places != 1 else ''} "
                f"{locked.sponsor.name} funds are assigned."
            }
        )
    place.sponsorship = locked
    place.sponsor_pence = min(locked.price_pence, place.price_pence - place.bursary_pence)
    place.save(update_fields=["sponsorship", "sponsor_pence"])


def _uninvoiced(place: Place) -> None:
    if Invoice.objects.filter(place=place, kind=Invoice.Kind.INVOICE).exists():
        raise ValidationError(
            "This place is already invoiced: issue a credit note first, then a new invoice."
        )


def place_sponsor(*, place: Place, sponsorship: SponsorAgreement, by: User) -> Place:
    """Assign a sponsored place to a member's place not yet invoiced. Locks the agreement, so
    two admins assigning the last place at once cannot both have it."""
    require(by, "fees.manage", place.plan)
    with transaction.atomic():
        _uninvoiced(place)
        _assign_sponsor(place, sponsorship)
    return place


def place_renew(*, place: Place, by: User) -> Place:
    """The next place, from the day after this one ends, on the plan's current version at the
    price of the organisation's band now. A place with coaching keeps its coach for the new
    version's coaching hours, while that person still coaches in the network."""
    require(by, "fees.manage", place.plan)
    if Place.objects.filter(renewed_from=place).exists():
        raise ValidationError("This place has already been renewed.")
    plan = current_version(place.plan)
    coach = _coach_of(place) if plan.coaching_hours else None
    renewed = place_create(
        membership=place.membership,
        plan=plan,
        starts_on=place.ends_on + timedelta(days=1),
        by=by,
        coach=coach,
    )
    renewed.renewed_from = place
    renewed.save(update_fields=["renewed_from"])
    return renewed


def _coach_of(place: Place) -> User | None:
    """The coach of the place's engagement, if they still hold the coach role in its network."""
    if place.engagement_id is None:
        return None
    engagement = (
        Engagement.objects.select_related("coach__user").filter(pk=place.engagement_id).first()
    )
    if engagement is None:
        return None
    coach = engagement.coach.user
    still = NetworkRole.objects.filter(
        network_id=engagement.network_id, user=coach, role=NetworkRole.Role.COACH
    ).exists()
    return coach if still else None


# --- invoices


def _next_number(network: Network, kind: str) -> int:
    """The next number of its kind in the network. Must run inside the issuing transaction:
    it locks the counter row (`SELECT … FOR UPDATE` on PostgreSQL; on SQLite the IMMEDIATE
    transaction already holds the database's write lock), so a second issue waits for the
    first to commit and numbers have no gaps and no repeats."""
    InvoiceSequence.objects.get_or_create(network=network, kind=kind)
    sequence = InvoiceSequence.objects.select_for_update().get(network=network, kind=kind)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


@dataclass(frozen=True)
class LineInput:
    description: str
    unit_pence: int
    quantity: int = 1


def _issue(
    *,
    network: Network,
    kind: str,
    lines: list[LineInput],
    vat_rate_bp: int,
    buyer_name: str,
    buyer_address: str,
    buyer_email: str,
    by: User | None,
    place: Place | None = None,
    agreement: SponsorAgreement | None = None,
    credits: Invoice | None = None,
    issued_on: date | None = None,
) -> Invoice:
    """Number and write an invoice or credit note with its lines, and queue its email."""
    fee_settings = settings_of(network)
    issued_on = issued_on or timezone.localdate()
    computed = []
    for position, line in enumerate(lines, 1):
        net = line.unit_pence * line.quantity
        computed.append(
            InvoiceLine(
                position=position,
                description=line.description,
                quantity=line.quantity,
                unit_pence=line.unit_pence,
                net_pence=net,
                vat_rate_bp=vat_rate_bp,
                vat_pence=line_vat(net, vat_rate_bp),
            )
        )
    net_total = sum(line.net_pence for line in computed)
    vat_total = sum(line.vat_pence for line in computed)
    invoice = Invoice.objects.create(
        network=network,
        kind=kind,
        number=_next_number(network, kind),
        place=place,
        agreement=agreement,
        credits=credits,
        issued_on=issued_on,
        due_on=issued_on + timedelta(days=fee_settings.payment_terms_days),
        seller_name=fee_settings.legal_name or network.name,
        seller_address=fee_settings.address,
        seller_number=fee_settings.registered_number,
        seller_vat_number=fee_settings.vat_number,
        bank_details=fee_settings.bank_details,
        payment_terms_days=fee_settings.payment_terms_days,
        buyer_name=buyer_name,
        buyer_address=buyer_address,
        buyer_email=buyer_email,
        net_pence=net_total,
        vat_pence=vat_total,
        gross_pence=net_total + vat_total,
        issued_by=by,
    )
    for row in computed:
        row.invoice = invoice
    InvoiceLine.objects.bulk_create(computed)
    _emit(invoice, "invoice.issued")
    invoice_id = invoice.pk
    transaction.on_commit(lambda: tasks.send_invoice(invoice_id=invoice_id))
    return invoice


def _emit(invoice: Invoice, event: str) -> None:
    """Tell other systems (a finance package, through webhooks) in the act's transaction: the
    invoice's reference, kind, amounts and dates; the buyer by name, as on the invoice."""
    emit(
        event,
        network_id=invoice.network_id,
        data={
            "invoice": invoice.pk,
            "reference": invoice.reference,
            "kind": invoice.kind,
            "buyer_name": invoice.buyer_name,
            "gross_pence": invoice.gross_pence,
            "issued_on": invoice.issued_on.isoformat(),
            "due_on": invoice.due_on.isoformat(),
            "credits": invoice.credits_id,
        },
    )


def _vat_rate(network: Network, plan: FeePlan | None) -> int:
    fee_settings = settings_of(network)
    if not fee_settings.vat_registered or (plan is not None and not plan.vat_applies):
        return 0
    return fee_settings.vat_rate_bp


def invoice_issue(*, place: Place, by: User, issued_on: date | None = None) -> Invoice:
    """Issue the invoice for the organisation's share of a place: the plan's price for the
    band, less any bursary and sponsor's share (each a line of its own), with VAT per line.
    Numbered from the network's counter under a lock; emailed to the finance contact on commit.
    """
    require(by, "fees.manage", place.plan)
    place = Place.objects.select_related(
        "membership__user", "membership__group__network", "plan", "organisation", "sponsorship"
    ).get(pk=place.pk)
    network = place.membership.group.network
    if place.organisation_pence <= 0:
        raise ValidationError("Nothing is owed by the organisation for this place.")
    plan = place.plan
    lines = [
        LineInput(
            f"{plan.name}: membership of {place.membership.group.name} for "
            f"{place.membership.user.display_name}, {place.starts_on:%-d %B %Y} to "
            f"{place.ends_on:%-d %B %Y} (income band {place.band_label})",
            place.price_pence,
        )
    ]
    if place.bursary_pence:
        lines.append(LineInput("Bursary (waived)", -place.bursary_pence))
    if place.sponsor_pence:
        lines.append(LineInput("Funded by a sponsor", -place.sponsor_pence))
    organisation = place.organisation
    details = (
        BillingDetails.objects.filter(organisation=organisation).first() if organisation else None
    )
    with transaction.atomic():
        Place.objects.select_for_update().filter(pk=place.pk).first()
        _uninvoiced_or_credited(place)
        return _issue(
            network=network,
            kind=Invoice.Kind.INVOICE,
            lines=lines,
            vat_rate_bp=_vat_rate(network, plan),
            buyer_name=organisation.name if organisation else place.membership.user.display_name,
            buyer_address=details.address if details else "",
            buyer_email=(details.finance_email if details else "") or place.membership.user.email,
            by=by,
            place=place,
            issued_on=issued_on,
        )


def _uninvoiced_or_credited(place: Place) -> None:
    """A place has one invoice standing at a time: a new one only once the last is credited
    in full."""
    for invoice in with_balance(Invoice.objects.filter(place=place, kind=Invoice.Kind.INVOICE)):
        if invoice.credited < invoice.gross_pence:
            raise ValidationError(
                f"This place is already invoiced ({invoice.reference}): credit it in full "
                "before issuing another."
            )


def agreement_invoice_issue(*, agreement: SponsorAgreement, by: User) -> Invoice:
    """Invoice a sponsor for the places its agreement funds."""
    sponsor = agreement.sponsor
    require(by, "fees.manage", sponsor)
    network = sponsor.network
    with transaction.atomic():
        SponsorAgreement.objects.select_for_update().filter(pk=agreement.pk).first()
        standing = with_balance(Invoice.objects.filter(agreement=agreement)).filter(
            credited__lt=F("gross_pence")
        )
        if standing.exists():
            raise ValidationError("This agreement is already invoiced.")
        where = f" in {agreement.group.name}" if agreement.group else ""
        return _issue(
            network=network,
            kind=Invoice.Kind.INVOICE,
            lines=[
                LineInput(
                    f"Sponsored places{where}, {agreement.starts_on:%-d %B %Y} to "
                    f"{agreement.ends_on:%-d %B %Y}",
                    agreement.price_pence,
                    agreement.places,
                )
            ],
            vat_rate_bp=_vat_rate(network, None),
            buyer_name=sponsor.name,
            buyer_address=sponsor.address,
            buyer_email=sponsor.finance_email,
            by=by,
            agreement=agreement,
        )


def credit_note_issue(
    *, invoice: Invoice, by: User, net_pence: int | None = None, reason: str
) -> Invoice:
    """A credit note against an issued invoice: the whole of it (its lines reversed, as they
    were) or `net_pence` of it with VAT at the invoice's rate. Never more than what is left of
    the invoice after earlier credit notes. Locks the invoice's row."""
    require(by, "fees.manage", invoice)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the invoice is credited."})
    if invoice.is_credit_note:
        raise ValidationError("A credit note cannot itself be credited.")
    with transaction.atomic():
        locked = with_balance(Invoice.objects.select_for_update(of=("self",))).get(pk=invoice.pk)
        lines = list(locked.lines.all())
        left = locked.gross_pence - locked.credited
        rate = lines[0].vat_rate_bp if lines else 0
        if net_pence is None:
            credit_lines = [
                LineInput(f"Credit: {line.description}", line.unit_pence, line.quantity)
                for line in lines
            ]
            gross = locked.gross_pence
        else:
            if net_pence <= 0:
                raise ValidationError({"net_pence": "Credit an amount above £0."})
            credit_lines = [LineInput(f"Credit against {locked.reference}: {reason}", net_pence)]
            gross = net_pence + line_vat(net_pence, rate)
        if gross > left:
            raise ValidationError(
                {
                    "net_pence": f"A credit note cannot exceed its invoice: {pounds(left)} "
                    f"of {locked.reference} is left to credit, and this would be {pounds(gross)}."
                }
            )
        return _issue(
            network=locked.network,
            kind=Invoice.Kind.CREDIT_NOTE,
            lines=credit_lines,
            vat_rate_bp=rate,
            buyer_name=locked.buyer_name,
            buyer_address=locked.buyer_address,
            buyer_email=locked.buyer_email,
            by=by,
            place=locked.place,
            agreement=locked.agreement,
            credits=locked,
        )


def payment_record(
    *,
    invoice: Invoice,
    amount_pence: int,
    received_on: date,
    by: User,
    reference: str = "",
    method: str = Payment.Method.BANK_TRANSFER,
) -> Payment:
    """Record money received against an invoice; part payments are fine. A payment larger than
    what is still owed is refused with the balance, so an overpayment is never recorded by
    accident (record what is owed, and refund or credit the rest). Locks the invoice's row, so
    two payments recorded at once cannot both pass the balance check."""
    require(by, "fees.manage", invoice)
    if invoice.is_credit_note:
        raise ValidationError("Payments are recorded against invoices, not credit notes.")
    if amount_pence <= 0:
        raise ValidationError({"amount_pence": "Enter an amount above £0."})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "A payment cannot be received in the future."})
    with transaction.atomic():
        locked = with_balance(Invoice.objects.select_for_update(of=("self",))).get(pk=invoice.pk)
        balance = locked.balance
        if amount_pence > balance:
            raise ValidationError(
                {
                    "amount_pence": f"That is more than the {pounds(balance)} still owed on "
                    f"{locked.reference}. Record at most {pounds(balance)}; refund anything "
                    "paid over."
                }
            )
        payment = Payment.objects.create(
            invoice=locked,
            amount_pence=amount_pence,
            received_on=received_on,
            reference=reference.strip(),
            method=method,
            recorded_by=by,
        )
        if amount_pence == balance:
            _emit(locked, "invoice.paid")
        return payment


# --- bursaries


@sensitive_variables("reasons")
def bursary_apply(
    *, network: Network, income_pounds: int, reasons: str, can_pay_pence: int, by: User
) -> Bursary:
    """A member applies for a full or part waiver. Only they and the network's admins will
    see it; the admins are told that an application is waiting (with nothing of it)."""
    require(by, "fees.apply_bursary", network)
    reasons = reasons.strip()
    if not reasons:
        raise ValidationError({"reasons": "Say why you are asking for a bursary."})
    if income_pounds < 0:
        raise ValidationError({"income_pounds": "An income cannot be negative."})
    if Bursary.objects.filter(
        network=network, applicant=by, status=Bursary.Status.PENDING
    ).exists():
        raise ValidationError("You already have an application waiting for a decision.")
    place = (
        Place.objects.filter(membership__user=by, membership__group__network=network)
        .order_by("-starts_on")
        .first()
    )
    with transaction.atomic():
        bursary = Bursary.objects.create(
            network=network,
            applicant=by,
            place=place,
            income_pounds=income_pounds,
            reasons=reasons,
            can_pay_pence=can_pay_pence,
        )
        bursary_id = bursary.pk
        transaction.on_commit(lambda: tasks.send_bursary_received(bursary_id=bursary_id))
    return bursary


def bursary_decide(
    *, bursary: Bursary, approve: bool, reason: str, by: User, amount_pence: int = 0
) -> Bursary:
    """Approve with an amount, or decline; either way with the reason, which is recorded and
    emailed to the applicant. An approved amount is waived from the applicant's place in the
    network if it is not yet invoiced (otherwise credit the invoice and issue a new one)."""
    require(by, "fees.manage", bursary)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the decision: it is recorded."})
    with transaction.atomic():
        locked = Bursary.objects.select_for_update().get(pk=bursary.pk)
        if locked.status != Bursary.Status.PENDING:
            raise ValidationError("This application has already been decided.")
        place = (
            Place.objects.select_for_update().filter(pk=locked.place_id).first()
            if locked.place_id
            else None
        )
        if approve:
            if amount_pence <= 0:
                raise ValidationError({"amount_pence": "Approve an amount above £0."})
            if place is not None:
                most = place.price_pence - place.sponsor_pence
                if amount_pence > most:
                    raise ValidationError(
                        {
                            "amount_pence": f"The place costs {pounds(most)} after any "
                            "sponsor's share: a bursary cannot be more."
                        }
                    )
                _uninvoiced_or_credited(place)
                place.bursary_pence = amount_pence
                place.save(update_fields=["bursary_pence"])
            locked.status = Bursary.Status.APPROVED
            locked.amount_pence = amount_pence
        else:
            locked.status = Bursary.Status.DECLINED
            locked.amount_pence = 0
        locked.decision_reason = reason
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save()
        bursary_id = locked.pk
        transaction.on_commit(lambda: tasks.send_bursary_decision(bursary_id=bursary_id))
    return locked


# --- sponsors


def sponsor_create(
    *, network: Network, name: str, finance_email: str = "", address: str = "", by: User
) -> Sponsor:
    """A funder, partner or company that pays for places."""
    require(by, "fees.manage", network)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the sponsor's name."})
    if Sponsor.objects.filter(network=network, name__iexact=name).exists():
        raise ValidationError({"name": "There is already a sponsor of that name."})
    return Sponsor.objects.create(
        network=network, name=name, finance_email=finance_email.strip(), address=address.strip()
    )


def agreement_create(
    *,
    sponsor: Sponsor,
    places: int,
    price_pence: int,
    starts_on: date,
    ends_on: date,
    by: User,
    group: Any = None,
) -> SponsorAgreement:
    """The sponsor funds `places` places (in one group, or any of the network's)."""
    require(by, "fees.manage", sponsor)
    if places < 1:
        raise ValidationError({"places": "A sponsor funds at least one place."})
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": "The agreement must end after it starts."})
    if group is not None and group.network_id != sponsor.network_id:
        raise ValidationError({"group": "That group is not in this network."})
    return SponsorAgreement.objects.create(
        sponsor=sponsor,
        group=group,
        places=places,
        price_pence=price_pence,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def sponsor_contact_add(*, sponsor: Sponsor, email: str, name: str = "", by: User) -> User:
    """Let a person log in to the sponsor's aggregate page. Someone without an account gets
    one with no password and an email saying how to set one (the password reset)."""
    require(by, "fees.manage", sponsor)
    email = email.strip().lower()
    if "@" not in email:
        raise ValidationError({"email": "Enter the contact's email address."})
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        created = user is None
        if user is None:
            user = User.objects.create_user(email=email, password=None, name=name.strip())
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        sponsor.contacts.add(user)
        user_id, sponsor_id = user.pk, sponsor.pk
        transaction.on_commit(
            lambda: tasks.send_sponsor_access(
                user_id=user_id, sponsor_id=sponsor_id, new_account=created
            )
        )
    return user
