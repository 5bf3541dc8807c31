"""Invoices and credit notes as PDF: the same HTML the invoice page shows, laid out by
WeasyPrint with the print stylesheet in static/peerpower/invoice.css. No inline style and no
network fetch: WeasyPrint is given the stylesheet's text and a fetcher that refuses URLs."""

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from peerpower.fees.models import Invoice

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "peerpower" / "invoice.css"


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"Invoices load nothing from outside ({url}).")


def invoice_pdf(invoice: Invoice) -> bytes:
    """The PDF of an issued invoice or credit note."""
    from weasyprint import CSS, HTML  # noqa: PLC0415 - loads pango; only when a PDF is made

    html = render_to_string("fees/invoice_pdf.html", {"invoice": invoice, "lines": lines(invoice)})
    document = HTML(string=html, url_fetcher=_no_fetch, base_url=str(STYLESHEET.parent))
    pdf: bytes = document.write_pdf(stylesheets=[CSS(string=STYLESHEET.read_text())])
    return pdf


def lines(invoice: Invoice) -> list[Any]:
    return list(invoice.lines.all())


def filename(invoice: Invoice) -> str:
    return f"{invoice.reference}.pdf"
