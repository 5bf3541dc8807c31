"""The demo's fees: the four-band price list, members on every kind of place, invoices paid,
part paid and overdue, a credit note, and a sponsor's contact who sees figures."""

from datetime import date
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from peerpower.accounts.models import User
from peerpower.fees.models import Bursary, FeeBand, Invoice, Place, Sponsor
from peerpower.fees.queries import with_balance


def test_the_demo_has_a_sliding_scale_every_kind_of_place_and_invoice(db: None) -> None:
    call_command("load_demo", stdout=StringIO())
    assert FeeBand.objects.count() == 4
    places = list(Place.objects.all())
    assert any(p.bursary_pence and p.organisation_pence for p in places)  # part bursary
    assert any(p.sponsor_pence for p in places)  # sponsored
    assert any(not p.bursary_pence and not p.sponsor_pence for p in places)  # paying
    invoices = list(with_balance(Invoice.objects.filter(kind="invoice", place__isnull=False)))
    assert any(i.balance == 0 and i.paid for i in invoices)
    assert any(0 < i.paid < i.gross_pence for i in invoices)
    assert any(i.paid == 0 and i.due_on < date.today() for i in invoices)
    assert Invoice.objects.filter(kind="credit").count() == 1
    assert set(Bursary.objects.values_list("status", flat=True)) == {"approved", "pending"}
    sponsor = Sponsor.objects.get()
    client = Client()
    client.force_login(User.objects.get(email="sponsor@demo.peerpower.test"))
    page = client.get(reverse("fees:sponsor_page", args=[sponsor.pk])).content.decode()
    assert (
        "Places in use" in page and "fewer than 5 people" not in page.split("Places in use")[1][:80]
    )
