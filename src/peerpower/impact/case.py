"""The trustee business case: a board paper a member takes to their trustees, every paragraph
theirs to edit. The defaults come from their own place on the network's fee plan (price,
bursary, sponsorship) or the published price list, and from the network's own figures (every
one through the small-numbers rule, with how many members it is about). Nothing
confidential goes in: no issue, no other member's name, no answer of anyone's."""

import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from django.utils import timezone

from peerpower.fees.models import FeeBand, FeePlan, Place
from peerpower.fees.money import pounds
from peerpower.fees.queries import own_places, price_list
from peerpower.groups.models import Membership
from peerpower.guests.queries import considering_joining
from peerpower.impact.dashboards import outcomes_summary, value_summary
from peerpower.impact.models import BusinessCase
from peerpower.lib.pdf import html_to_pdf
from peerpower.networks.models import Network, Organisation

PARAGRAPHS: list[tuple[str, str]] = [
    ("programme", "What the programme is"),
    ("cost", "What it costs our organisation"),
    ("time", "The time it takes"),
    ("evidence", "What members of this network report"),
    ("confidentiality", "Confidentiality"),
    ("risks", "Risks and how they are managed"),
    ("decision", "What the board is asked to decide"),
    ("review", "Review"),
]
PARAGRAPH_MAX = 3000


@dataclass(frozen=True)
class Case:
    title: str
    author: str
    network: str
    paragraphs: list[tuple[str, str, str]]  # key, heading, text
    edited: set[str]


def _place(user: Any, network: Network) -> Place | None:
    return own_places(user).filter(membership__group__network=network).first()


def _cost(user: Any, network: Network) -> str:
    place = _place(user, network)
    if place is not None:
        ours = place.price_pence - place.bursary_pence - place.sponsor_pence
        parts = [f"Our place costs {pounds(ours)} for {place.plan.period_months} months"]
        extras = []
        if place.bursary_pence:
            extras.append(f"a bursary of {pounds(place.bursary_pence)}")
        if place.sponsor_pence:
            extras.append(f"sponsorship of {pounds(place.sponsor_pence)}")
        if extras:
            parts.append(
                f" (the network's price for our income band, {place.band_label}, is "
                f"{pounds(place.price_pence)}, less {' and '.join(extras)})"
            )
        return "".join(parts) + (", plus VAT." if place.plan.vat_applies else ".")
    plans: list[FeePlan] = list(price_list(network))
    if plans:
        plan = plans[0]
        bands = list(plan.bands.all())
        # An applicant has no place yet; the income band they gave with their guest request
        # narrows the scale to the prices an organisation of their size would pay.
        applying = considering_joining(user, network)
        steps = _bands_for_income(bands, applying.income_band) if applying else []
        if applying and steps:
            low, high = min(b.price_pence for b in steps), max(b.price_pence for b in steps)
            span = pounds(low) if low == high else f"from {pounds(low)} to {pounds(high)}"
            income = Organisation.SizeBand(applying.income_band).label
            return (
                f"For an organisation of our size (annual income {income}), the network's "
                f"published price ({plan.name}) is {span} for {plan.period_months} months"
                f"{', plus VAT' if plan.vat_applies else ''}. Bursaries are available."
            )
        if bands:
            low, high = min(b.price_pence for b in bands), max(b.price_pence for b in bands)
            span = pounds(low) if low == high else f"from {pounds(low)} to {pounds(high)}"
            return (
                f"The network's published price ({plan.name}) is {span} for "
                f"{plan.period_months} months, by the organisation's annual income"
                f"{', plus VAT' if plan.vat_applies else ''}. Bursaries are available."
            )
    return "The network will confirm the price for an organisation of our size."


def _bands_for_income(bands: list[FeeBand], size_band: str) -> list[FeeBand]:
    """The steps of the sliding scale that an income in the size band can fall in."""
    low, high = Organisation.INCOME_POUNDS[size_band]
    return [
        band
        for band in bands
        if (high is None or band.lower_pounds < high)
        and (band.upper_pounds is None or band.upper_pounds > low)
    ]


def _time(user: Any, network: Network) -> str:
    place = _place(user, network)
    meetings = place.plan.meetings_included if place else 12
    coaching = place.plan.coaching_hours if place else 0
    text = f"{meetings} half-day meetings a year, one a month, about four hours each"
    if coaching:
        text += f", and {coaching} hours of one-to-one coaching"
    return text + ". Little preparation is needed: members bring the issues they are working on."


def _evidence(network: Network) -> str:
    lines = []
    for change in outcomes_summary(network):
        if change.shown:
            lines.append(
                f"{change.label}: {change.before:.1f} on joining, {change.after:.1f} after "
                f"{change.months} months ({change.n} members who answered both times)."
            )
    value = value_summary(network)
    if value.shown:
        lines.append(
            f"Asked after each meeting whether it was worth the half day (0 to 10), members "
            f"answered {value.mean:.1f} on average ({value.n} answers)."
        )
    if not lines:
        return (
            "The network asks every member the same questions when they join and 6 and 12 "
            "months later; it does not have enough answers yet to report figures (it shows "
            "none about fewer than 5 members)."
        )
    return (
        "Members answer the same questions when they join and 6 and 12 months later. "
        + " ".join(lines)
        + " Figures are about 5 members or more; none is about a single person."
    )


def defaults(user: Any, network: Network) -> dict[str, str]:
    """Each paragraph as the member would find it before editing."""
    seat = (
        Membership.objects.filter(
            user=user, group__network=network, status__in=Membership.HOLDS_PLACE
        )
        .select_related("group")
        .first()
    )
    group = f" ({seat.group.name})" if seat else ""
    review = timezone.localdate() + timedelta(days=365)
    return {
        "programme": f"{network.name} runs small peer groups of charity leaders{group}. Each "
        "group of about eight leaders meets monthly with a trained chair, works through the "
        "issues its members bring, and keeps what is said confidential.",
        "cost": _cost(user, network),
        "time": _time(user, network),
        "evidence": _evidence(network),
        "confidentiality": "Members pledge to keep what is said in the group within the group. "
        "What I bring is seen only by the group's members who have made that pledge; the "
        "network's staff do not see it. Survey answers are reported only as figures about 5 "
        "members or more.",
        "risks": "Time away from delivery: one half-day a month, planned a year ahead. Cost: a "
        "fixed price for the year, with bursaries for smaller organisations. Confidentiality: "
        "the pledge, and nothing of our organisation's business is recorded outside the group. "
        "Fit: if the group is not useful, I can leave, and the board will see the review below.",
        "decision": f"The board is asked to approve my place in the {network.name} programme "
        "for the next 12 months, at the cost and time set out above.",
        "review": f"I will report back to the board by {review:%-d %B %Y} with what changed, "
        "using the network's 12-month follow-up.",
    }


def case_for(user: Any, network: Network) -> Case:
    saved = BusinessCase.objects.filter(user=user, network=network).first()
    own = saved.paragraphs if saved else {}
    fresh = defaults(user, network)
    return Case(
        title=f"Joining {network.name}: a paper for the board",
        author=user.display_name,
        network=network.name,
        paragraphs=[(key, heading, own.get(key) or fresh[key]) for key, heading in PARAGRAPHS],
        edited=set(own),
    )


STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "peerpower" / "case.css"


def pdf(case: Case) -> bytes:
    """The case as a PDF (WeasyPrint, through the same helper as the invoices)."""
    html = render_to_string("impact/case_pdf.html", {"case": case, "today": timezone.localdate()})
    return html_to_pdf(html, STYLESHEET)


# --- an editable document: OpenDocument Text, written with the standard library


# The parts that do not change: the manifest and the heading styles (impact/odt/).
_PARTS = Path(__file__).resolve().parent / "odt"
_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.2"'
)
H1 = '<text:h text:style-name="Heading_20_1" text:outline-level="1">'
H2 = '<text:h text:style-name="Heading_20_2" text:outline-level="2">'


def odt(case: Case) -> bytes:
    """The case as an OpenDocument Text file (Word, LibreOffice and Google Docs open it)."""
    body = [
        f"{H1}{escape(case.title)}</text:h>",
        f"<text:p>{escape(case.author)}, {date.today():%-d %B %Y}</text:p>",
    ]
    for _, heading, text in case.paragraphs:
        body.append(f"{H2}{escape(heading)}</text:h>")
        body += [f"<text:p>{escape(line)}</text:p>" for line in text.splitlines() if line.strip()]
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS}>'
        f"<office:body><office:text>{''.join(body)}</office:text></office:body>"
        "</office:document-content>"
    )
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        # The mimetype first and stored, not compressed, as OpenDocument requires.
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        manifest = (_PARTS / "manifest.xml").read_text()
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        styles = (_PARTS / "styles.xml").read_text()
        archive.writestr("styles.xml", styles, zipfile.ZIP_DEFLATED)
    return out.getvalue()
