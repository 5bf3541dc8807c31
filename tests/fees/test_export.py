"""The CSV exports for the accounts package: invoices and credit notes, or payments, by date
range; bad dates answered beside their field (the same values the form fuzz feeds)."""

import csv
import io
from datetime import date, timedelta

import pytest

from peerpower.fees import actions
from tests.conftest import ClientFor
from tests.fees.conftest import Fees
from tests.test_form_fuzz import DATES, error_beside


def rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode())))


def test_invoices_credit_notes_and_payments_export_by_date_range(
    fees: Fees, client_for: ClientFor
) -> None:
    admin = fees.world.admin
    invoice = actions.invoice_issue(place=fees.place, by=admin)
    actions.payment_record(invoice=invoice, amount_pence=300_00, received_on=date.today(), by=admin)
    actions.credit_note_issue(invoice=invoice, by=admin, net_pence=100_00, reason="Late start")
    client = client_for(admin)
    url = f"/network/{fees.world.network.slug}/fees/export/"
    today = date.today().isoformat()
    response = client.get(url, {"kind": "invoices", "date_from": today, "date_to": today})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert fees.place.organisation is not None
    buyer = fees.place.organisation.name
    assert rows(response.content) == [
        [
            "number",
            "type",
            "issued",
            "due",
            "buyer",
            "credits",
            "net",
            "vat",
            "gross",
            "paid",
            "balance",
        ],
        [
            "CN-000001",
            "credit note",
            today,
            (date.today() + timedelta(days=30)).isoformat(),
            buyer,
            "INV-000001",
            "100.00",
            "20.00",
            "120.00",
            "0.00",
            "0.00",
        ],
        [
            "INV-000001",
            "invoice",
            today,
            (date.today() + timedelta(days=30)).isoformat(),
            buyer,
            "",
            "1500.00",
            "300.00",
            "1800.00",
            "300.00",
            "1380.00",
        ],
    ]
    payments = client.get(url, {"kind": "payments", "date_from": today, "date_to": today})
    assert rows(payments.content) == [
        ["invoice", "received", "amount", "method", "reference"],
        ["INV-000001", today, "300.00", "bank transfer", ""],
    ]
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    earlier = client.get(url, {"kind": "invoices", "date_from": yesterday, "date_to": yesterday})
    assert len(rows(earlier.content)) == 1  # the heading only


def test_a_cell_a_spreadsheet_would_run_is_defused(fees: Fees, client_for: ClientFor) -> None:
    admin = fees.world.admin
    invoice = actions.invoice_issue(place=fees.place, by=admin)
    actions.payment_record(
        invoice=invoice,
        amount_pence=1,
        received_on=date.today(),
        reference="=HYPERLINK(1)",
        by=admin,
    )
    today = date.today().isoformat()
    response = client_for(admin).get(
        f"/network/{fees.world.network.slug}/fees/export/",
        {"kind": "payments", "date_from": today, "date_to": today},
    )
    assert rows(response.content)[1][4] == "'=HYPERLINK(1)"


@pytest.mark.parametrize("field", ["date_from", "date_to"])
def test_bad_dates_get_a_message_beside_their_field(
    fees: Fees, client_for: ClientFor, field: str
) -> None:
    client = client_for(fees.world.admin)
    url = f"/network/{fees.world.network.slug}/fees/export/"
    today = date.today().isoformat()
    problems = []
    for value in DATES:
        data = {"kind": "invoices", "date_from": today, "date_to": today, field: value}
        response = client.get(url, data)
        if response.status_code != 400 or not error_beside(
            response.content.decode(), f"id_{field}"
        ):
            problems.append(value)
    assert problems == []
    backwards = client.get(
        url,
        {
            "kind": "invoices",
            "date_from": today,
            "date_to": (date.today() - timedelta(days=1)).isoformat(),
        },
    )
    assert error_beside(backwards.content.decode(), "id_date_to") == (
        "The end of the range must not be before its start."
    )
