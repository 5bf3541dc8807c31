"""The demo's fees: a four-band sliding scale on the price list, every member of the first
group on a place (paying, one on a part bursary, five sponsored by a local funder with six
places), invoices paid, part paid and overdue, a credit note, and a bursary application
waiting. Built through the actions, so every number and total is what the app would make."""

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.fees import actions
from peerpower.fees.actions import BandInput
from peerpower.groups.models import Membership, PeerGroup
from peerpower.networks.models import Network, Organisation

# An income for each of the regulators' size bands (the demo's organisations have a band only).
INCOME = {
    "micro": 45_000,
    "small": 82_000,
    "medium": 420_000,
    "large": 2_600_000,
    "major": 14_000_000,
}


def load_fees(network: Network, admin: User, make_user: Callable[[str, str], User]) -> None:
    today = timezone.localdate()
    actions.fee_settings_update(
        network=network,
        values={
            "legal_name": "Northbridge Social Leaders CIC",
            "address": "14 Canal Street\nLondon\nN1 7AB",
            "registered_number": "CIC 12345678",
            "vat_number": "GB 123 4567 89",
            "vat_rate_bp": 2000,
            "payment_terms_days": 30,
            "bank_details": "Northbridge Social Leaders CIC\nSort code 60-00-01\nAccount 12345678",
            "overdue_reminders": True,
        },
        by=admin,
    )
    plan = actions.plan_create(
        network=network,
        values={
            "name": "Peer group membership",
            "period_months": 12,
            "meetings_included": 12,
            "coaching_hours": 6,
            "includes": "the speaker programme and the network's events",
            "vat_applies": True,
        },
        bands=[
            BandInput(0, 100_000, 600_00),
            BandInput(100_000, 1_000_000, 1500_00),
            BandInput(1_000_000, 10_000_000, 3000_00),
            BandInput(10_000_000, None, 6000_00),
        ],
        by=admin,
    )
    for organisation in Organisation.objects.filter(network=network):
        slug = organisation.name.lower().replace(" ", "-").replace("'", "")[:30]
        actions.billing_update(
            organisation=organisation,
            annual_income_pounds=INCOME.get(organisation.size_band, 82_000),
            finance_email=f"finance@{slug}.example.org",
            address=f"{organisation.name}\n1 Example Road\nLondon",
            by=admin,
        )
    sponsor = actions.sponsor_create(
        network=network,
        name="Northbridge Community Foundation",
        finance_email="grants@foundation.example.org",
        address="The Foundation\n2 Market Square\nLondon",
        by=admin,
    )
    group = PeerGroup.objects.filter(network=network).order_by("pk")[0]
    agreement = actions.agreement_create(
        sponsor=sponsor,
        group=group,
        places=6,
        price_pence=600_00,
        starts_on=today - timedelta(days=200),
        ends_on=today + timedelta(days=500),
        by=admin,
    )
    sponsor.contacts.add(make_user("sponsor@demo.peerpower.test", "Priya Shah"))
    seats = list(
        Membership.objects.filter(group=group, role=Membership.Role.MEMBER)
        .select_related("user")
        .order_by("pk")
    )
    started = today - timedelta(days=120)
    places = []
    for n, seat in enumerate(seats):
        places.append(
            actions.place_create(
                membership=seat,
                plan=plan,
                starts_on=started,
                by=admin,
                sponsorship=agreement if 5 <= n < 10 else None,
            )
        )
    # The demo member: a part bursary, approved before their invoice.
    bursary = actions.bursary_apply(
        network=network,
        income_pounds=places[0].income_pounds,
        reasons="Our main grant ended in March and our reserves cover three months.",
        can_pay_pence=300_00,
        by=seats[0].user,
    )
    actions.bursary_decide(
        bursary=bursary,
        approve=True,
        amount_pence=places[0].price_pence // 2,
        reason="Income fell by more than a third this year; half the fee for this period.",
        by=admin,
    )
    # Another member's application waits for a decision.
    actions.bursary_apply(
        network=network,
        income_pounds=places[1].income_pounds,
        reasons="We are a volunteer-run charity and this would be our first paid development.",
        can_pay_pence=200_00,
        by=seats[1].user,
    )
    issued = today - timedelta(days=60)  # due 30 days ago: unpaid ones are overdue
    invoices = [
        actions.invoice_issue(place=place, by=admin, issued_on=issued)
        for place in places
        if place.organisation_pence > 0
    ]
    paid_on = today - timedelta(days=20)
    for n, invoice in enumerate(invoices):
        if n in (0, 2, 5):  # paid in full
            actions.payment_record(
                invoice=invoice,
                amount_pence=invoice.gross_pence,
                received_on=paid_on,
                reference=f"NB{invoice.number:04d}",
                by=admin,
            )
        elif n in (3, 6):  # part paid
            actions.payment_record(
                invoice=invoice,
                amount_pence=invoice.gross_pence // 2,
                received_on=paid_on,
                reference=f"NB{invoice.number:04d} PART",
                by=admin,
            )
    # A credit note: one organisation was charged for a month before it joined.
    actions.credit_note_issue(
        invoice=invoices[4], net_pence=100_00, reason="Place started a month late", by=admin
    )
    actions.agreement_invoice_issue(agreement=agreement, by=admin)
