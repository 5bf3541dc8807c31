"""Every fees action that takes `by` refuses the people its rule refuses, before it writes
anything. An action added with a `by` and no row here fails
`test_every_action_taking_by_has_a_row`; one added without a check fails its row. The chair is
refused everywhere: nothing of anyone's fees is the chair's."""

from collections.abc import Callable
from datetime import date
from functools import partial

import pytest

from peerpower.accounts.models import User
from peerpower.fees import actions
from peerpower.fees.models import (
    BillingDetails,
    Bursary,
    FeePlan,
    FeeSettings,
    Invoice,
    Payment,
    Place,
    Sponsor,
    SponsorAgreement,
)
from peerpower.groups.models import Membership
from peerpower.networks.models import Organisation
from tests import factories, refusals
from tests.fees import builders
from tests.fees.conftest import Fees

Call = Callable[[Fees], Callable[..., object]]
PLAN = {"name": "Changed", "period_months": 12}


def _invoice(f: Fees) -> Invoice:
    return actions.invoice_issue(place=f.place, by=f.world.admin)


def _agreement(f: Fees) -> SponsorAgreement:
    return builders.sponsor(f.world.network, f.world.admin)


def _bursary(f: Fees) -> Bursary:
    return actions.bursary_apply(
        network=f.world.network, income_pounds=1, reasons="x", can_pay_pence=0, by=f.world.member
    )


def _unheld_plan(f: Fees) -> FeePlan:
    return builders.plan(f.world.network, f.world.admin, name="Unheld")


def _new_seat(f: Fees) -> Membership:
    seat = factories.add_member(f.world.group, factories.make_user())
    seat.organisation = builders.organisation(f.world.network, f.world.admin, 50_000)
    seat.save()
    return seat


ACTIONS: dict[str, tuple[str, Call]] = {
    # action name: (the rule it asks, a call that succeeds for the one allowed)
    "fee_settings_update": (
        "fees.manage",
        lambda f: partial(actions.fee_settings_update, network=f.world.network, values={}),
    ),
    "plan_create": (
        "fees.manage",
        lambda f: partial(
            actions.plan_create, network=f.world.network, values=PLAN, bands=builders.FOUR_BANDS
        ),
    ),
    "plan_update": (
        "fees.manage",
        lambda f: partial(
            actions.plan_update, plan=_unheld_plan(f), values=PLAN, bands=builders.FOUR_BANDS
        ),
    ),
    "plan_new_version": (
        "fees.manage",
        lambda f: partial(
            actions.plan_new_version, plan=f.plan, values=PLAN, bands=builders.FOUR_BANDS
        ),
    ),
    "plan_publish": (
        "fees.manage",
        lambda f: partial(
            actions.plan_publish,
            plan=actions.plan_create(
                network=f.world.network,
                values=PLAN,
                bands=builders.FOUR_BANDS,
                by=f.world.admin,
                publish=False,
            ),
        ),
    ),
    "plan_retire": ("fees.manage", lambda f: partial(actions.plan_retire, plan=f.plan)),
    "billing_update": (
        "fees.manage",
        lambda f: partial(
            actions.billing_update,
            organisation=Organisation.objects.create(network=f.world.network, name="New"),
            annual_income_pounds=5,
        ),
    ),
    "place_create": (
        "fees.manage",
        lambda f: partial(
            actions.place_create, membership=_new_seat(f), plan=f.plan, starts_on=date.today()
        ),
    ),
    "place_sponsor": (
        "fees.manage",
        lambda f: partial(actions.place_sponsor, place=f.place, sponsorship=_agreement(f)),
    ),
    "place_renew": ("fees.manage", lambda f: partial(actions.place_renew, place=f.place)),
    "invoice_issue": ("fees.manage", lambda f: partial(actions.invoice_issue, place=f.place)),
    "agreement_invoice_issue": (
        "fees.manage",
        lambda f: partial(actions.agreement_invoice_issue, agreement=_agreement(f)),
    ),
    "credit_note_issue": (
        "fees.manage",
        lambda f: partial(actions.credit_note_issue, invoice=_invoice(f), reason="Wrong"),
    ),
    "payment_record": (
        "fees.manage",
        lambda f: partial(
            actions.payment_record, invoice=_invoice(f), amount_pence=1, received_on=date.today()
        ),
    ),
    "bursary_apply": (
        "fees.apply_bursary",
        lambda f: partial(
            actions.bursary_apply,
            network=f.world.network,
            income_pounds=1,
            reasons="x",
            can_pay_pence=0,
        ),
    ),
    "bursary_decide": (
        "fees.manage",
        lambda f: partial(actions.bursary_decide, bursary=_bursary(f), approve=False, reason="No"),
    ),
    "sponsor_create": (
        "fees.manage",
        lambda f: partial(actions.sponsor_create, network=f.world.network, name="Funder"),
    ),
    "agreement_create": (
        "fees.manage",
        lambda f: partial(
            actions.agreement_create,
            sponsor=Sponsor.objects.get(network=f.world.network),
            places=2,
            price_pence=1,
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
        ),
    ),
    "sponsor_contact_add": (
        "fees.manage",
        lambda f: partial(
            actions.sponsor_contact_add,
            sponsor=Sponsor.objects.get(network=f.world.network),
            email="new-contact@example.org",
        ),
    ),
}


OUTSIDE: list[tuple[str, Callable[[Fees], User]]] = [
    ("coach", lambda f: f.world.coach),
    ("speaker", lambda f: f.world.speaker),
    ("outsider", lambda f: f.world.outsider),
    ("former member", lambda f: f.world.former_member),
    ("guest", lambda f: f.world.guest),
    ("sponsor", lambda f: f.world.sponsor),
    ("admin of another network", refusals.admin_elsewhere),
    ("superuser", refusals.superuser),
]
Who = tuple[str, Callable[[Fees], User]]
REFUSED: dict[str, list[Who]] = {
    "fees.manage": [
        ("member", lambda f: f.world.member),
        ("chair", lambda f: f.world.chair),
        ("member of another group", lambda f: f.world.other_member),
        *OUTSIDE,
    ],
    "fees.apply_bursary": [("network admin (no seat)", lambda f: f.world.admin), *OUTSIDE],
}
ALLOWED = {"fees.apply_bursary": "member"}


def test_every_action_taking_by_has_a_row() -> None:
    assert refusals.actions_taking_by(actions) == sorted(ACTIONS)


def _snapshot() -> tuple[object, ...]:
    contacts = list(Sponsor.contacts.through.objects.values_list("pk", flat=True))
    return *(
        list(model.objects.order_by("pk").values())
        for model in (
            FeeSettings,
            FeePlan,
            BillingDetails,
            Place,
            Invoice,
            Payment,
            Bursary,
            Sponsor,
            SponsorAgreement,
        )
    ), contacts


@pytest.mark.parametrize("action", list(ACTIONS))
def test_the_action_refuses_and_writes_nothing(action: str, fees: Fees) -> None:
    rule_name, prepare = ACTIONS[action]
    refusals.assert_refused(prepare(fees), REFUSED[rule_name], fees, _snapshot, rule_name)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_the_one_the_rule_allows_is_let_through(action: str, fees: Fees) -> None:
    rule_name, prepare = ACTIONS[action]
    call = prepare(fees)
    call(by=getattr(fees.world, ALLOWED.get(rule_name, "admin")))
