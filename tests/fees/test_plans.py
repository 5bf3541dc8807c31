"""The price list: a sliding scale with no gap and no overlap, prices in integer pence, a
member's price following their organisation's band, and versions: a plan someone holds is
never edited."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.coaching.models import Engagement
from peerpower.fees import actions
from peerpower.fees.actions import BandInput, clean_bands
from peerpower.fees.models import FeePlan, Place
from peerpower.fees.money import parse_pounds, pounds
from tests import factories
from tests.conftest import ClientFor, World
from tests.fees import builders
from tests.fees.conftest import Fees

FORM = {
    "name": "Membership",
    "period_months": "12",
    "meetings_included": "12",
    "coaching_hours": "6",
    "vat_applies": "on",
}


def form_with(*bands: tuple[str, str, str]) -> dict[str, str]:
    data = dict(FORM)
    for i, (lower, upper, price) in enumerate(bands):
        data |= {f"band_{i}_from": lower, f"band_{i}_to": upper, f"band_{i}_price": price}
    return data


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("600", 600_00), ("1,500", 1500_00), ("£3000.00", 3000_00), ("0.5", 50), ("12.34", 12_34)],
)
def test_pounds_typed_become_integer_pence(typed: str, pence: int) -> None:
    assert parse_pounds(typed) == pence
    assert isinstance(parse_pounds(typed), int)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-600", "An amount cannot be negative."),
        ("six hundred", "Enter an amount in pounds, for example 1500 or 1,500.00."),
        ("12.345", "An amount cannot have fractions of a penny."),
        ("NaN", "Enter an amount in pounds, for example 1500 or 1,500.00."),
        ("1e400", "That is more than £100 million: check the amount."),
    ],
)
def test_a_bad_amount_is_refused_with_a_sentence(typed: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_pounds(typed)


def test_pounds_are_shown_with_the_pound_sign_and_pence() -> None:
    assert [pounds(600_00), pounds(1), pounds(-1500_00)] == ["£600.00", "£0.01", "-£1,500.00"]


def test_a_gap_an_overlap_a_late_start_or_a_capped_top_band_is_refused() -> None:
    cases = {
        "gap": (
            [BandInput(0, 100_000, 1), BandInput(120_000, None, 2)],
            "There is a gap between £100,000 and £120,000: no band covers those incomes.",
        ),
        "overlap": (
            [BandInput(0, 100_000, 1), BandInput(90_000, None, 2)],
            "The bands from £0 and from £90,000 overlap: the first runs to £100,000.",
        ),
        "late start": (
            [BandInput(10, None, 1)],
            "The first band must start at £0 (it starts at £10), so every organisation has a "
            "price.",
        ),
        "capped": (
            [BandInput(0, 100, 1)],
            "The last band must have no upper limit (it ends at £100), so every organisation "
            "has a price.",
        ),
    }
    for name, (bands, message) in cases.items():
        with pytest.raises(ValidationError) as refused:
            clean_bands(bands)
        assert message in refused.value.message_dict["bands"], name
    assert clean_bands(builders.FOUR_BANDS) == builders.FOUR_BANDS


@pytest.mark.parametrize(
    ("bands", "field", "message"),
    [
        ((("0", "", "-600"),), "band_0_price", "An amount cannot be negative."),
        (
            (("0", "", "lots"),),
            "band_0_price",
            "Enter an amount in pounds, for example 1500 or 1,500.00.",
        ),
        ((("0", "", "600.001"),), "band_0_price", "An amount cannot have fractions of a penny."),
        ((("", "100000", "600"),), "band_0_from", "Give the income this band starts at."),
    ],
)
def test_a_bad_price_is_shown_beside_its_field(
    world: World,
    client_for: ClientFor,
    bands: tuple[tuple[str, str, str]],
    field: str,
    message: str,
) -> None:
    response = client_for(world.admin).post(
        f"/network/{world.network.slug}/fees/plans/new/", form_with(*bands)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<div class="invalid-feedback d-block" id="id_{field}_error">{message}</div>' in html
    assert not FeePlan.objects.exists()


def test_overlapping_bands_or_a_gap_are_shown_beside_the_scale(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.admin)
    url = f"/network/{world.network.slug}/fees/plans/new/"
    overlap = client.post(url, form_with(("0", "100000", "600"), ("50000", "", "1500")))
    assert overlap.status_code == 400
    assert (
        "The bands from £0 and from £50,000 overlap: the first runs to £100,000."
        in overlap.content.decode()
    )
    assert 'aria-describedby="band-errors"' in overlap.content.decode()
    gap = client.post(url, form_with(("0", "100000", "600"), ("200000", "", "1500")))
    assert "There is a gap between £100,000 and £200,000" in gap.content.decode()
    assert not FeePlan.objects.exists()
    good = client.post(url, form_with(("0", "100000", "600"), ("100000", "", "1,500")))
    assert good.status_code == 302
    plan = FeePlan.objects.get()
    assert [(b.lower_pounds, b.upper_pounds, b.price_pence) for b in plan.bands.all()] == [
        (0, 100_000, 600_00),
        (100_000, None, 1500_00),
    ]


@pytest.mark.parametrize(
    ("income", "price"),
    [(0, 600_00), (99_999, 600_00), (100_000, 1500_00), (9_999_999, 3000_00), (10**8, 6000_00)],
)
def test_a_members_price_follows_their_organisations_band(
    world: World, income: int, price: int
) -> None:
    builders.invoice_details(world.network, world.admin)
    plan = builders.plan(world.network, world.admin)
    seat = factories.add_member(world.group, factories.make_user())
    place = builders.place(seat, plan, world.admin, income=income)
    assert place.price_pence == price
    assert place.income_pounds == income


def test_a_plan_someone_holds_is_never_edited_a_new_version_is_made(
    fees: Fees, client_for: ClientFor
) -> None:
    admin = fees.world.admin
    changed = [BandInput(0, None, 1)]
    with pytest.raises(
        ValidationError, match="1 place is on this version, so it cannot be changed"
    ):
        actions.plan_update(plan=fees.plan, values={"name": "Cheaper"}, bands=changed, by=admin)
    assert fees.plan.bands.count() == 4
    response = client_for(admin).post(
        f"/network/{fees.world.network.slug}/fees/plans/{fees.plan.pk}/",
        form_with(("0", "", "1")),
    )
    assert response.status_code == 400
    assert "cannot be changed: make a new version instead" in response.content.decode()
    newer = actions.plan_new_version(
        plan=fees.plan, values={"name": "Membership"}, bands=changed, by=admin
    )
    fees.plan.refresh_from_db()
    assert (fees.plan.status, newer.status, newer.version) == ("retired", "published", 2)
    fees.place.refresh_from_db()
    assert fees.place.price_pence == 1500_00  # the place keeps the price it was given
    renewed = actions.place_renew(place=fees.place, by=admin)
    assert (renewed.plan, renewed.price_pence) == (newer, 1)
    with pytest.raises(ValidationError, match="already been renewed"):
        actions.place_renew(place=fees.place, by=admin)


def test_a_plan_nobody_holds_can_be_changed(world: World) -> None:
    plan = builders.plan(world.network, world.admin)
    actions.plan_update(
        plan=plan, values={"name": "Renamed"}, bands=[BandInput(0, None, 5)], by=world.admin
    )
    plan.refresh_from_db()
    assert (plan.name, [b.price_pence for b in plan.bands.all()]) == ("Renamed", [5])


def test_a_retired_plan_takes_no_new_places(fees: Fees) -> None:
    actions.plan_retire(plan=fees.plan, by=fees.world.admin)
    seat = factories.add_member(fees.world.group, factories.make_user())
    with pytest.raises(ValidationError, match="Only a published plan takes new places"):
        builders.place(seat, fees.plan, fees.world.admin)


def test_the_public_page_shows_the_price_list_with_ask_about_a_bursary(
    fees: Fees, client_for: ClientFor
) -> None:
    page = client_for(None).get(f"/n/{fees.world.network.slug}/").content.decode()
    assert "Under £100,000" in page
    assert "£10,000,000 and over" in page
    assert "£6,000.00" in page
    assert "Ask about a bursary" in page


def _coaching_plan(world: World, hours: int = 6) -> FeePlan:
    builders.invoice_details(world.network, world.admin)
    return actions.plan_create(
        network=world.network,
        values={"name": "With coaching", "coaching_hours": hours},
        bands=builders.FOUR_BANDS,
        by=world.admin,
    )


def test_a_place_with_a_coach_gets_the_plans_coaching_hours_and_keeps_the_coach_on_renewal(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    plan = _coaching_plan(world)
    seat = factories.add_member(world.group, factories.make_user("Nia New"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        place = builders.place(seat, plan, world.admin, coach=world.coach)
    engagement = place.engagement
    assert engagement is not None
    assert (
        engagement.member,
        engagement.coach.user,
        engagement.unit,
        engagement.allowance,
        engagement.starts_on,
        engagement.ends_on,
    ) == (seat.user, world.coach, "hours", 6, place.starts_on, place.ends_on)
    assert {seat.user.email, world.coach.email} <= {m.to[0] for m in mail.outbox}
    actions.plan_new_version(
        plan=plan,
        values={"name": "With coaching", "coaching_hours": 8},
        bands=builders.FOUR_BANDS,
        by=world.admin,
    )
    renewed = actions.place_renew(place=place, by=world.admin)
    assert renewed.engagement is not None
    assert (
        renewed.engagement.coach.user,
        renewed.engagement.allowance,
        renewed.engagement.starts_on,
        renewed.engagement.ends_on,
    ) == (world.coach, 8, renewed.starts_on, renewed.ends_on)
    assert Engagement.objects.filter(member=seat.user).count() == 2


def test_without_a_coach_a_place_has_no_coaching(world: World) -> None:
    plan = _coaching_plan(world)
    place = builders.place(factories.add_member(world.group), plan, world.admin)
    assert place.engagement is None
    assert actions.place_renew(place=place, by=world.admin).engagement is None
    assert not Engagement.objects.exists()


def test_a_coach_for_a_plan_without_coaching_hours_is_refused_beside_the_field(
    fees: Fees, client_for: ClientFor
) -> None:
    seat = factories.add_member(fees.world.group, factories.make_user("Nia New"))
    seat.organisation = builders.organisation(fees.world.network, fees.world.admin, 50_000)
    seat.save()
    response = client_for(fees.world.admin).post(
        f"/network/{fees.world.network.slug}/fees/places/new/",
        {
            "membership": seat.pk,
            "plan": fees.plan.pk,
            "starts_on": date.today().isoformat(),
            "coach": fees.world.coach.pk,
        },
    )
    assert response.status_code == 400
    assert (
        '<div class="invalid-feedback d-block" id="id_coach_error">Membership (version 1) '
        "includes no coaching hours: leave the coach empty.</div>" in response.content.decode()
    )
    assert not Place.objects.filter(membership=seat).exists()


def test_someone_who_is_not_a_coach_gets_no_engagement_and_no_place(world: World) -> None:
    plan = _coaching_plan(world)
    seat = factories.add_member(world.group)
    with pytest.raises(ValidationError) as refused:
        builders.place(seat, plan, world.admin, coach=world.outsider)
    assert refused.value.message_dict == {"coach": ["That person is not a coach of this network."]}
    assert not Place.objects.filter(membership=seat).exists()
    assert not Engagement.objects.exists()
