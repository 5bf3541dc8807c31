"""Bursaries: a member applies, an admin decides with a reason, the waiver reaches the invoice;
and the application is confidential: its text and amounts reach only the applicant and the
network's admins (planted markers, every page, every email)."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.fees import actions
from peerpower.fees.models import Bursary, Invoice
from peerpower.groups.models import Membership
from peerpower.issues.actions import issue_submit
from tests import leaks
from tests.conftest import ClientFor
from tests.fees import builders
from tests.fees.conftest import Fees


def apply(fees: Fees, reasons: str = "Our grant ended", can_pay: int = 500_00) -> Bursary:
    return actions.bursary_apply(
        network=fees.world.network,
        income_pounds=180_000,
        reasons=reasons,
        can_pay_pence=can_pay,
        by=fees.world.member,
    )


def test_an_approved_part_bursary_is_waived_on_the_invoice(
    fees: Fees, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    bursary = apply(fees)
    assert bursary.place == fees.place
    with django_capture_on_commit_callbacks(execute=True):
        actions.bursary_decide(
            bursary=bursary,
            approve=True,
            amount_pence=1000_00,
            reason="Income fell by half",
            by=fees.world.admin,
        )
    decision = [m for m in mail.outbox if m.to == [fees.world.member.email]]
    assert [m.subject for m in decision] == ["Your bursary application to Northbridge"]
    assert "£1,000.00 of the fee is waived" in decision[0].body
    assert "Income fell by half" in decision[0].body
    invoice = actions.invoice_issue(place=fees.place, by=fees.world.admin)
    lines = [(line.description, line.net_pence, line.vat_pence) for line in invoice.lines.all()]
    assert lines[1:] == [("Bursary (waived)", -1000_00, -200_00)]
    assert (invoice.net_pence, invoice.vat_pence, invoice.gross_pence) == (500_00, 100_00, 600_00)


def test_a_decision_without_a_reason_is_refused(fees: Fees) -> None:
    bursary = apply(fees)
    for approve in (True, False):
        with pytest.raises(ValidationError) as refused:
            actions.bursary_decide(
                bursary=bursary,
                approve=approve,
                amount_pence=100_00,
                reason="  ",
                by=fees.world.admin,
            )
        assert refused.value.message_dict == {
            "reason": ["Give the reason for the decision: it is recorded."]
        }
    assert Bursary.objects.get(pk=bursary.pk).status == Bursary.Status.PENDING


def test_the_decision_form_shows_the_missing_reason_beside_its_field(
    fees: Fees, client_for: ClientFor
) -> None:
    bursary = apply(fees)
    response = client_for(fees.world.admin).post(
        f"/fees/bursaries/{bursary.pk}/", {"decision": "decline", "reason": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_reason_error"' in html
    assert "Give the reason for the decision: it is recorded." in html


def test_a_bursary_cannot_waive_more_than_the_place_costs(fees: Fees) -> None:
    bursary = apply(fees)
    with pytest.raises(ValidationError, match="a bursary cannot be more"):
        actions.bursary_decide(
            bursary=bursary, approve=True, amount_pence=1500_01, reason="x", by=fees.world.admin
        )


def test_a_declined_bursary_changes_nothing_on_the_place(fees: Fees) -> None:
    bursary = apply(fees)
    actions.bursary_decide(
        bursary=bursary, approve=False, reason="Funds spent", by=fees.world.admin
    )
    fees.place.refresh_from_db()
    assert fees.place.bursary_pence == 0
    with pytest.raises(ValidationError, match="already been decided"):
        actions.bursary_decide(bursary=bursary, approve=False, reason="again", by=fees.world.admin)


def test_a_bursary_reaches_only_the_applicant_and_the_network_admins(
    fees: Fees,
    client_for: ClientFor,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    world = fees.world
    markers = leaks.Markers()
    # The amounts are markers too: £4,321.87 they can pay, £987 waived, an income of £7,654,321.
    markers.planted["can_pay"] = "4,321.87"
    markers.planted["waived"] = "987.00"
    markers.planted["income"] = "7,654,321"
    with django_capture_on_commit_callbacks(execute=True):
        bursary = actions.bursary_apply(
            network=world.network,
            income_pounds=7_654_321,
            reasons=markers("reasons"),
            can_pay_pence=4321_87,
            by=world.member,
        )
        actions.bursary_decide(
            bursary=bursary,
            approve=True,
            amount_pence=987_00,
            reason=markers("decision"),
            by=world.admin,
        )
    # The group's pledged members and its chair: a confidential issues session is running too.
    Membership.objects.filter(group=world.group).update(pledge_accepted_at=timezone.now())
    issue_submit(meeting=world.next_meeting(), presenter=world.chair, question="How do I?")
    objects = {
        "bursary": bursary.pk,
        "place": fees.place.pk,
        "slug": world.network.slug,
        "group": world.group.pk,
        "membership_id": fees.seat.pk,
        "sponsor": world.network.sponsors.get().pk,
    }
    people = {
        **{k: v for k, v in leaks.outsiders(world).items() if k != "network admin"},
        "chair": world.chair,
    }
    assert leaks.walk(people, objects, markers) == []
    assert markers.found_in(caplog.text) == []
    assert str(bursary) == f"Bursary application {bursary.pk}"
    # Every email that is not to the applicant carries none of it (the admins are told only
    # that an application is waiting).
    others = [m for m in mail.outbox if m.to != [world.member.email]]
    assert [m.subject for m in others] == ["A bursary application is waiting for Northbridge"]
    mail.outbox[:] = others
    assert leaks.read_mail(markers) == []
    # The applicant and the admin do read it, where it belongs.
    for reader in (world.member, world.admin):
        page = client_for(reader).get(f"/fees/bursaries/{bursary.pk}/").content.decode()
        assert all(m in page for m in markers.all()), reader
    # No invoice is a bursary report: the member's own invoice says a bursary was waived
    # (it is theirs), and no other page lists who holds one.
    invoice = actions.invoice_issue(place=fees.place, by=world.admin)
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_a_former_member_or_an_outsider_cannot_apply(fees: Fees) -> None:
    for person in (fees.world.former_member, fees.world.outsider, fees.world.sponsor):
        with pytest.raises(ValidationError, match="Only members"):
            actions.bursary_apply(
                network=fees.world.network,
                income_pounds=1,
                reasons="x",
                can_pay_pence=0,
                by=person,
            )


def test_applying_twice_while_one_waits_is_refused(fees: Fees) -> None:
    apply(fees)
    with pytest.raises(ValidationError, match="already have an application waiting"):
        apply(fees)
    assert date.today()  # the first stays the one
    assert Bursary.objects.filter(applicant=fees.world.member).count() == 1


def test_a_guest_applying_to_join_asks_for_a_bursary_that_their_first_place_then_carries(
    fees: Fees, client_for: ClientFor
) -> None:
    """Cost holds charity leaders back before they join: a guest who came to a meeting asks
    from their visit page, reads the answer, and the approved amount is waived from the place
    they are given once they join."""
    from tests import factories
    from tests.guests import builders as guest_builders

    world = fees.world
    past = factories.make_past_meeting(world.group, months_ago=2)
    request, applicant = guest_builders.visited(world.network, past, world.admin)
    client = client_for(applicant)
    url = reverse("fees:bursary_apply", args=[world.network.slug])
    assert url in client.get(reverse("guests:visit", args=[request.pk])).content.decode()
    sent = client.post(
        url, {"income_pounds": "180000", "reasons": "Our grant ended", "can_pay_pence": "500"}
    )
    bursary = Bursary.objects.get(applicant=applicant)
    assert sent.status_code == 302 and sent["Location"] == reverse(
        "fees:bursary", args=[bursary.pk]
    )
    assert bursary.place is None
    assert client.get(sent["Location"]).status_code == 200
    actions.bursary_decide(
        bursary=bursary, approve=True, amount_pence=400_00, reason="Small charity", by=world.admin
    )
    seat = factories.add_member(world.group, applicant)
    place = builders.place(seat, fees.plan, world.admin, income=250_000)
    assert place.bursary_pence == 400_00
    assert Bursary.objects.get(pk=bursary.pk).place_id == place.pk
    # A guest who has not come yet cannot ask (world.guest is invited, not yet visited).
    assert client_for(world.guest).get(url).status_code == 404
