"""Invoices and credit notes as PDF: the same HTML the invoice page shows, laid out by
WeasyPrint with the print stylesheet in static/peerpower/invoice.css. No inline style and no
network fetch: WeasyPrint is given the stylesheet's text and a fetcher that refuses URLs."""

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from peerpower.fees.models import Invoice
from peerpower.lib.pdf import html_to_pdf

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "peerpower" / "invoice.css"


def invoice_pdf(invoice: Invoice) -> bytes:
    """The PDF of an issued invoice or credit note."""
    html = render_to_string("fees/invoice_pdf.html", {"invoice": invoice, "lines": lines(invoice)})
    return html_to_pdf(html, STYLESHEET)


def lines(invoice: Invoice) -> list[Any]:
    return list(invoice.lines.all())


def filename(invoice: Invoice) -> str:
    return f"{invoice.reference}.pdf"
