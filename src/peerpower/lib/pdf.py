"""HTML to PDF with WeasyPrint, loading nothing from outside: the stylesheet is given as text
and every URL fetch is refused (so no inline style is needed and the CSP test holds). Used by
the fees app's invoices and the impact app's business case."""

from pathlib import Path
from typing import Any


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"A PDF loads nothing from outside ({url}).")


def html_to_pdf(html: str, stylesheet: Path) -> bytes:
    """The PDF of `html`, laid out with the CSS file `stylesheet`."""
    from weasyprint import CSS, HTML  # noqa: PLC0415 - loads pango; only when a PDF is made

    document = HTML(string=html, url_fetcher=_no_fetch, base_url=str(stylesheet.parent))
    pdf: bytes = document.write_pdf(stylesheets=[CSS(string=stylesheet.read_text())])
    return pdf
