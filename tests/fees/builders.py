"""Fee data for the tests, built through the real actions: the network's invoice details, the
four-band sliding scale, organisations with their income, places, invoices and sponsors."""

from datetime import date
from itertools import count

from peerpower.accounts.models import User
from peerpower.fees import actions
from peerpower.fees.actions import BandInput
from peerpower.fees.models import FeePlan, Invoice, Place, Sponsor, SponsorAgreement
from peerpower.groups.models import Membership
from peerpower.networks.models import Network, Organisation

_seq = count(1)

# The issue's example: under £100k: £600; £100k–£1m: £1,500; £1m–£10m: £3,000; over: £6,000.
FOUR_BANDS = [
    BandInput(0, 100_000, 600_00),
    BandInput(100_000, 1_000_000, 1500_00),
    BandInput(1_000_000, 10_000_000, 3000_00),
    BandInput(10_000_000, None, 6000_00),
]


def invoice_details(network: Network, admin: User, *, vat_number: str = "GB123456789") -> None:
    actions.fee_settings_update(
        network=network,
        values={
            "legal_name": f"{network.name} Peer Networks CIC",
            "address": "1 High Street\nLeeds LS1 1AA",
            "registered_number": "12345678",
            "vat_number": vat_number,
            "vat_rate_bp": 2000,
            "payment_terms_days": 30,
            "bank_details": "Sort code 12-34-56, account 12345678",
            "overdue_reminders": True,
        },
        by=admin,
    )


def plan(network: Network, admin: User, *, name: str = "Membership", vat: bool = True) -> FeePlan:
    return actions.plan_create(
        network=network,
        values={"name": name, "period_months": 12, "meetings_included": 12, "vat_applies": vat},
        bands=FOUR_BANDS,
        by=admin,
    )


def organisation(network: Network, admin: User, income: int, name: str = "") -> Organisation:
    org = Organisation.objects.create(network=network, name=name or f"Charity {next(_seq)}")
    actions.billing_update(
        organisation=org,
        annual_income_pounds=income,
        finance_email=f"finance{next(_seq)}@example.org",
        address="2 Low Road\nYork",
        by=admin,
    )
    return org


def place(
    membership: Membership,
    fee_plan: FeePlan,
    admin: User,
    *,
    income: int = 250_000,
    starts_on: date | None = None,
    sponsorship: SponsorAgreement | None = None,
    coach: User | None = None,
) -> Place:
    if membership.organisation is None:
        membership.organisation = organisation(fee_plan.network, admin, income)
        membership.save(update_fields=["organisation"])
    return actions.place_create(
        membership=membership,
        plan=fee_plan,
        starts_on=starts_on or date.today(),
        by=admin,
        sponsorship=sponsorship,
        coach=coach,
    )


def invoice(place_: Place, admin: User) -> Invoice:
    return actions.invoice_issue(place=place_, by=admin)


def sponsor(network: Network, admin: User, places: int = 6, name: str = "") -> SponsorAgreement:
    found = actions.sponsor_create(
        network=network,
        name=name or f"Local Funder {next(_seq)}",
        finance_email="grants@example.org",
        by=admin,
    )
    return actions.agreement_create(
        sponsor=found,
        places=places,
        price_pence=500_00,
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 12, 31),
        by=admin,
    )


def sponsor_of(agreement: SponsorAgreement) -> Sponsor:
    return agreement.sponsor
