"""The yearly impact report: the PDF's text carries the right figures (worked out here from
the rows) and quotes only from members who agreed, never a name; organisation counts under 5
are hidden, with a second one so the total gives none away."""

import csv
import io
import re

from django.urls import reverse
from pypdf import PdfReader

from peerpower.impact.models import Response
from peerpower.networks.models import Organisation
from tests import factories
from tests.conftest import ClientFor, World
from tests.impact.builders import outcome_pairs


def _text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages))


def test_the_report_pdf_and_csv_carry_the_figures_and_only_agreed_quotes(
    world: World, client_for: ClientFor
) -> None:
    pairs = [(2, 4), (3, 3), (1, 4), (2, 3), (3, 5), (4, 5), (2, 4)]
    people = outcome_pairs(world.group, pairs, later="followup_12")
    diffs = [a - b for b, a in pairs]
    mean = sum(diffs) / len(diffs)  # 12 / 7
    variance = sum((d - mean) ** 2 for d in diffs) / (len(diffs) - 1)
    half = 2.447 * variance**0.5 / len(diffs) ** 0.5  # t(0.975, 6)
    agreed, refused = people[0], people[1]
    for person, text, ok in (
        (agreed, "Quote-I-agreed", True),
        (refused, "Quote-not-agreed", False),
    ):
        response = Response.objects.get(respondent=person, round__survey__kind="followup_12")
        response.answers["what_changed"] = text
        response.may_quote = ok
        response.save()
    for i, sector in enumerate(["arts"] * 3 + ["health"] * 6 + ["youth"] * 8):
        org = Organisation.objects.create(network=world.network, name=f"Org {i}", sector=sector)
        seat = factories.add_member(world.group)
        seat.organisation = org
        seat.save()
    client = client_for(world.admin)
    assert client.get(reverse("impact:report", args=[world.network.slug])).status_code == 200
    text = _text(client.get(reverse("impact:report_pdf", args=[world.network.slug])).content)
    expected = (
        f"Confidence as a leader (1 to 5) {sum(b for b, _ in pairs) / 7:.1f} "
        f"{sum(a for _, a in pairs) / 7:.1f} {mean:+.2f} {mean - half:+.2f} to {mean + half:+.2f} 7"
    )
    assert expected in text
    assert "Quote-I-agreed" in text and "Quote-not-agreed" not in text
    assert all(p.display_name not in text for p in people)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("impact:report_csv", args=[world.network.slug])).content.decode()
            )
        )
    )
    start = rows.index(["Organisations by sector"])
    sectors = {r[0]: r[1] for r in rows[start + 2 : start + 6]}
    assert sectors["Arts and culture"] == "fewer than 5"
    # Hidden too, so All minus the shown ones gives 9 organisations, not the 3 in arts.
    assert sectors["Health and social care"] == "fewer than 5"
    assert sectors["Children and young people"] == "8" and sectors["All"] == "17"
