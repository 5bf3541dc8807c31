"""Invoices: numbered without gaps, immutable once issued, VAT per line, totals from the lines,
the PDF carrying exactly what the invoice says, emailed on issue; credit notes and payments."""

import io
import threading
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from pypdf import PdfReader
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.fees import actions
from peerpower.fees.models import ImmutableError, Invoice, InvoiceLine, Payment
from peerpower.fees.pdf import invoice_pdf
from peerpower.fees.queries import with_balance
from tests.conftest import ClientFor, World
from tests.factories import add_member, make_admin, make_group, make_network, make_user
from tests.fees import builders
from tests.fees.conftest import Fees


def balance(invoice: Invoice) -> int:
    return int(with_balance(Invoice.objects.filter(pk=invoice.pk)).get().balance)


def pdf_text(invoice: Invoice) -> str:
    reader = PdfReader(io.BytesIO(invoice_pdf(invoice)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_an_invoice_charges_the_band_price_with_vat_per_line(fees: Fees) -> None:
    invoice = actions.invoice_issue(place=fees.place, by=fees.world.admin)
    lines = list(invoice.lines.all())
    assert [(line.net_pence, line.vat_pence) for line in lines] == [(1500_00, 300_00)]
    assert (invoice.net_pence, invoice.vat_pence, invoice.gross_pence) == (
        1500_00,
        300_00,
        1800_00,
    )
    assert invoice.reference == "INV-000001"
    assert invoice.due_on == invoice.issued_on + timedelta(days=30)
    assert invoice.seller_vat_number == "GB123456789"


def test_totals_equal_the_sum_of_the_lines_with_vat_rounded_per_line(fees: Fees) -> None:
    """Three lines of odd pence: each line's VAT is rounded to the nearest penny (half up),
    and the invoice's VAT is their sum, as HMRC allows."""
    invoice = actions._issue(
        network=fees.world.network,
        kind=Invoice.Kind.INVOICE,
        lines=[
            actions.LineInput("A", 1_03),  # 20.6p of VAT -> 21p
            actions.LineInput("B", 2_02),  # 40.4p -> 40p
            actions.LineInput("C", 12, 3),  # 36p net, 7.2p -> 7p
            actions.LineInput("D", -2_53),  # -50.6p -> -51p (away from zero)
        ],
        vat_rate_bp=2000,
        buyer_name="Buyer",
        buyer_address="",
        buyer_email="",
        by=fees.world.admin,
    )
    lines = list(invoice.lines.order_by("position"))
    assert [line.vat_pence for line in lines] == [21, 40, 7, -51]
    assert invoice.net_pence == sum(line.net_pence for line in lines) == 1_03 + 2_02 + 36 - 2_53
    assert invoice.vat_pence == sum(line.vat_pence for line in lines) == 17
    assert invoice.gross_pence == invoice.net_pence + invoice.vat_pence


def test_a_network_not_registered_for_vat_charges_none(world: World) -> None:
    builders.invoice_details(world.network, world.admin, vat_number="")
    plan = builders.plan(world.network, world.admin)
    place = builders.place(world.group.memberships.get(user=world.member), plan, world.admin)
    invoice = actions.invoice_issue(place=place, by=world.admin)
    assert (invoice.vat_pence, invoice.gross_pence) == (0, 1500_00)


def test_an_issued_invoice_cannot_be_changed_or_deleted(fees: Fees) -> None:
    invoice = actions.invoice_issue(place=fees.place, by=fees.world.admin)
    invoice.buyer_name = "Someone else"
    with pytest.raises(ImmutableError, match="INV-000001 is issued and cannot be changed"):
        invoice.save()
    with pytest.raises(ImmutableError):
        invoice.save(update_fields=["buyer_name"])
    with pytest.raises(ImmutableError):
        invoice.delete()
    line = invoice.lines.get()
    line.unit_pence = 1
    with pytest.raises(ImmutableError):
        line.save()
    with pytest.raises(ImmutableError):
        line.delete()
    fresh = Invoice.objects.get(pk=invoice.pk)
    assert fresh.buyer_name != "Someone else"
    assert fresh.lines.get().unit_pence == 1500_00


def test_a_second_invoice_for_a_place_is_refused_until_the_first_is_credited(fees: Fees) -> None:
    admin = fees.world.admin
    first = actions.invoice_issue(place=fees.place, by=admin)
    with pytest.raises(ValidationError, match="already invoiced"):
        actions.invoice_issue(place=fees.place, by=admin)
    actions.credit_note_issue(invoice=first, by=admin, reason="Wrong band")
    second = actions.invoice_issue(place=fees.place, by=admin)
    assert second.number == first.number + 1


def test_the_pdf_carries_the_number_totals_and_vat_lines_exactly(fees: Fees) -> None:
    invoice = actions.invoice_issue(place=fees.place, by=fees.world.admin)
    text = pdf_text(invoice)
    assert "Invoice INV-000001" in text
    assert "Net total £1,500.00" in text
    assert "VAT £300.00" in text
    assert "Total due £1,800.00" in text
    # The line: quantity, unit price, net, VAT rate and VAT.
    assert "1 £1,500.00 £1,500.00 20% £300.00" in text
    assert "VAT number: GB123456789" in text
    assert "Sort code 12-34-56, account 12345678" in text
    assert fees.place.organisation is not None
    assert fees.place.organisation.name in text


def test_the_pdf_carries_every_line_with_its_vat_and_the_totals_of_a_mixed_place(
    fees: Fees,
) -> None:
    """A place paid partly by a bursary and partly by a sponsor: three lines, each with its own
    VAT, and totals that are their sums, read back from the PDF exactly."""
    admin = fees.world.admin
    bursary = actions.bursary_apply(
        network=fees.world.network,
        income_pounds=250_000,
        reasons="Grant ended",
        can_pay_pence=0,
        by=fees.world.member,
    )
    actions.bursary_decide(
        bursary=bursary, approve=True, amount_pence=333_33, reason="Part", by=admin
    )
    actions.place_sponsor(
        place=fees.place, sponsorship=builders.sponsor(fees.world.network, admin), by=admin
    )
    invoice = actions.invoice_issue(place=fees.place, by=admin)
    assert [(line.net_pence, line.vat_pence) for line in invoice.lines.all()] == [
        (1500_00, 300_00),
        (-333_33, -66_67),  # 66.666p of VAT, to the nearest penny away from zero
        (-500_00, -100_00),
    ]
    text = pdf_text(invoice)
    assert "1 £1,500.00 £1,500.00 20% £300.00" in text
    assert "Bursary (waived) 1 -£333.33 -£333.33 20% -£66.67" in text
    assert "Funded by a sponsor 1 -£500.00 -£500.00 20% -£100.00" in text
    assert "Net total £666.67" in text
    assert "VAT £133.33" in text
    assert "Total due £800.00" in text
    assert (invoice.net_pence, invoice.vat_pence, invoice.gross_pence) == (666_67, 133_33, 800_00)


def test_issuing_emails_the_invoice_with_its_pdf_to_the_finance_contact(
    fees: Fees, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invoice = actions.invoice_issue(place=fees.place, by=fees.world.admin)
    assert fees.place.organisation is not None
    finance = fees.place.organisation.billing.finance_email
    sent = [m for m in mail.outbox if m.to == [finance]]
    assert len(sent) == 1
    assert sent[0].subject == f"Invoice INV-000001 from {fees.world.network.name} Peer Networks CIC"
    (name, content, mimetype) = sent[0].attachments[0]
    assert (name, mimetype) == ("INV-000001.pdf", "application/pdf")
    assert "Invoice INV-000001" in "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(content)).pages
    )
    assert Invoice.objects.get(pk=invoice.pk).emailed_at is not None


def test_part_payments_reduce_the_balance_and_an_overpayment_is_refused(fees: Fees) -> None:
    admin = fees.world.admin
    invoice = actions.invoice_issue(place=fees.place, by=admin)
    actions.payment_record(invoice=invoice, amount_pence=500_00, received_on=date.today(), by=admin)
    assert balance(invoice) == 1300_00
    with pytest.raises(ValidationError) as refused:
        actions.payment_record(
            invoice=invoice, amount_pence=1300_01, received_on=date.today(), by=admin
        )
    assert refused.value.message_dict["amount_pence"] == [
        "That is more than the £1,300.00 still owed on INV-000001. Record at most £1,300.00; "
        "refund anything paid over."
    ]
    actions.payment_record(
        invoice=invoice, amount_pence=1300_00, received_on=date.today(), by=admin
    )
    assert balance(invoice) == 0
    assert Payment.objects.filter(invoice=invoice).count() == 2


def test_a_credit_note_never_exceeds_its_invoice(fees: Fees) -> None:
    admin = fees.world.admin
    invoice = actions.invoice_issue(place=fees.place, by=admin)
    part = actions.credit_note_issue(
        invoice=invoice, by=admin, net_pence=1000_00, reason="Late start"
    )
    assert (part.reference, part.net_pence, part.vat_pence, part.gross_pence) == (
        "CN-000001",
        1000_00,
        200_00,
        1200_00,
    )
    assert balance(invoice) == 600_00
    with pytest.raises(ValidationError, match="A credit note cannot exceed its invoice"):
        actions.credit_note_issue(invoice=invoice, by=admin, net_pence=500_01, reason="More")
    with pytest.raises(ValidationError, match="A credit note cannot exceed its invoice"):
        actions.credit_note_issue(invoice=invoice, by=admin, reason="The rest, as whole")
    last = actions.credit_note_issue(invoice=invoice, by=admin, net_pence=500_00, reason="Rest")
    assert last.gross_pence == 600_00
    assert balance(invoice) == 0
    with pytest.raises(ValidationError, match="reason"):
        actions.credit_note_issue(invoice=invoice, by=admin, net_pence=1, reason=" ")


def _issue_many(world: World, count: int) -> list[str]:
    """`count` places invoiced at once from `count` threads, each with its own connection."""
    plan = builders.plan(world.network, world.admin, name="Concurrent")
    places = [
        builders.place(add_member(world.group, make_user()), plan, world.admin)
        for _ in range(count)
    ]
    barrier = threading.Barrier(count)
    results: list[str] = []

    def issue(place_id: int) -> None:
        from peerpower.fees.models import Place

        try:
            barrier.wait()
            place = Place.objects.get(pk=place_id)
            results.append(actions.invoice_issue(place=place, by=world.admin).reference)
        except Exception as error:
            results.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(p.pk,)) for p in places]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_twenty_invoices_issued_at_once_are_numbered_without_gaps_or_repeats(
    world: World,
) -> None:
    builders.invoice_details(world.network, world.admin)
    results = _issue_many(world, 20)
    assert sorted(results) == [f"INV-{n:06d}" for n in range(1, 21)]
    numbers = sorted(Invoice.objects.filter(network=world.network).values_list("number", flat=True))
    assert numbers == list(range(1, 21))
    assert InvoiceLine.objects.filter(invoice__network=world.network).count() == 20


def test_numbers_are_per_network_and_credit_notes_have_their_own(fees: Fees) -> None:
    world = fees.world
    invoice = actions.invoice_issue(place=fees.place, by=world.admin)
    note = actions.credit_note_issue(invoice=invoice, by=world.admin, reason="Wrong")
    other_network = make_network("Elsewhere")

    admin = make_admin(other_network)
    builders.invoice_details(other_network, admin)
    other_plan = builders.plan(other_network, admin)
    seat = add_member(make_group(other_network, generate=False), make_user())
    other = actions.invoice_issue(place=builders.place(seat, other_plan, admin), by=admin)
    assert (invoice.reference, note.reference, other.reference) == (
        "INV-000001",
        "CN-000001",
        "INV-000001",
    )


def test_the_invoice_page_and_pdf_reach_the_admin_and_the_member_only(
    fees: Fees, client_for: ClientFor
) -> None:
    invoice = actions.invoice_issue(place=fees.place, by=fees.world.admin)
    w = fees.world
    for user, status in [
        (w.admin, 200),
        (w.member, 200),
        (w.chair, 404),
        (w.other_member, 404),
        (w.outsider, 404),
    ]:
        client = client_for(user)
        assert client.get(f"/fees/invoices/{invoice.pk}/").status_code == status, user
        pdf = client.get(f"/fees/invoices/{invoice.pk}/pdf/")
        assert pdf.status_code == status, user
    response = client_for(w.member).get(f"/fees/invoices/{invoice.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
