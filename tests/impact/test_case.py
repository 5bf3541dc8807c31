"""The trustee business case: prefilled from the member's place and the network's figures,
every paragraph editable, downloaded as PDF (read back with pypdf) and as OpenDocument."""

import io
import re
import zipfile

from django.urls import reverse
from pypdf import PdfReader

from peerpower.guests.models import GuestRequest
from peerpower.impact import actions
from peerpower.impact.case import case_for
from tests import factories
from tests.conftest import ClientFor, World
from tests.fees import builders as fee_builders
from tests.guests import builders as guest_builders
from tests.impact.builders import closed_round, outcome_pairs


def _pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)


def _with_figures(world: World) -> tuple[float, float, int]:
    """Six members' confidence at baseline and 6 months; returns the means worked out here."""
    pairs = [(2, 4), (3, 3), (1, 4), (2, 3), (3, 5), (2, 2)]
    outcome_pairs(world.group, pairs)
    before = sum(b for b, _ in pairs) / len(pairs)
    after = sum(a for _, a in pairs) / len(pairs)
    return before, after, len(pairs)


def test_the_cost_comes_from_the_members_place(world: World) -> None:
    fee_builders.invoice_details(world.network, world.admin)
    plan = fee_builders.plan(world.network, world.admin)
    seat = world.group.memberships.get(user=world.member)
    fee_builders.place(seat, plan, world.admin, income=250_000)
    cost = dict((k, t) for k, _, t in case_for(world.member, world.network).paragraphs)["cost"]
    assert cost.startswith("Our place costs £1,500.00 for 12 months")
    assert cost.endswith("plus VAT.")


def test_without_a_place_the_published_price_and_without_figures_it_says_so(world: World) -> None:
    fee_builders.invoice_details(world.network, world.admin)
    plan = fee_builders.plan(world.network, world.admin)
    from peerpower.fees.actions import plan_publish

    if plan.status != "published":
        plan_publish(plan=plan, by=world.admin)
    paragraphs = {k: t for k, _, t in case_for(world.member, world.network).paragraphs}
    assert "from £600.00 to £6,000.00" in paragraphs["cost"]
    assert "does not have enough answers yet" in paragraphs["evidence"]


def test_the_member_edits_a_paragraph_and_the_pdf_carries_it_and_the_figures(
    world: World, client_for: ClientFor
) -> None:
    before, after, n = _with_figures(world)
    meeting_people = [
        world.member,
        *(m.user for m in world.group.memberships.exclude(user=world.member)[:4]),
    ]
    closed_round(
        world.group,
        "after_meeting",
        {p: {"worth": w} for p, w in zip(meeting_people, [6, 7, 8, 9, 10], strict=True)},
    )
    client = client_for(world.member)
    url = reverse("impact:case", args=[world.network.slug])
    page = client.get(url)
    assert page.status_code == 200
    form = {key: text for key, _, text in case_for(world.member, world.network).paragraphs}
    form["decision"] = "We ask the board to fund my place: my own words, Quillon."
    assert client.post(url, form).status_code == 302
    pdf = client.get(reverse("impact:case_pdf", args=[world.network.slug]))
    assert pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "We ask the board to fund my place: my own words, Quillon." in text
    assert (
        f"Confidence as a leader (1 to 5): {before:.1f} on joining, {after:.1f} after 6 months "
        f"({n} members who answered both times)." in text
    )
    assert "answered 8.0 on average (5 answers)" in text
    assert world.member.display_name in text
    others = world.group.memberships.exclude(user=world.member).select_related("user")
    assert all(m.user.display_name not in text for m in others)  # no other member's name
    odt = client.get(reverse("impact:case_odt", args=[world.network.slug]))
    with zipfile.ZipFile(io.BytesIO(odt.content)) as archive:
        assert archive.namelist()[0] == "mimetype"
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        content = archive.read("content.xml").decode()
    assert "my own words, Quillon." in content
    # Emptied, a paragraph goes back to the suggested wording.
    form["decision"] = ""
    client.post(url, form)
    decision = dict((k, t) for k, _, t in case_for(world.member, world.network).paragraphs)
    assert decision["decision"].startswith("The board is asked to approve")


def test_a_paragraph_too_long_is_refused(world: World, client_for: ClientFor) -> None:
    url = reverse("impact:case", args=[world.network.slug])
    response = client_for(world.member).post(url, {"risks": "x" * 3001})
    assert response.status_code == 400
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.case_save(network=world.network, paragraphs={"risks": "x" * 3001}, by=world.member)


# --- an applicant: a guest who came to a meeting makes the case before joining


def _published_plan(world: World) -> None:
    from peerpower.fees.actions import plan_publish

    fee_builders.invoice_details(world.network, world.admin)
    plan = fee_builders.plan(world.network, world.admin)
    if plan.status != "published":
        plan_publish(plan=plan, by=world.admin)


def test_an_applicant_makes_the_case_with_the_price_for_their_size(
    world: World, client_for: ClientFor
) -> None:
    """A charity leader asks their trustees before joining: a guest who came to a meeting
    reaches the case from their visit page, and its cost is the scale's price for the income
    band they gave (£100k–£1m falls in one step: £1,500), not the whole scale."""
    _published_plan(world)
    past = factories.make_past_meeting(world.group, months_ago=2)
    request, applicant = guest_builders.visited(world.network, past, world.admin)
    client = client_for(applicant)
    visit = client.get(reverse("guests:visit", args=[request.pk])).content.decode()
    url = reverse("impact:case", args=[world.network.slug])
    assert url in visit
    page = client.get(url)
    assert page.status_code == 200
    cost = dict((k, t) for k, _, t in case_for(applicant, world.network).paragraphs)["cost"]
    assert "annual income £100k–£1m" in cost
    assert "is £1,500.00 for 12 months, plus VAT" in cost
    # A band spanning two steps of the scale gives both ends.
    GuestRequest.objects.filter(pk=request.pk).update(income_band="small")
    cost = dict((k, t) for k, _, t in case_for(applicant, world.network).paragraphs)["cost"]
    assert "annual income £10k–£100k" in cost and "is £600.00 for 12 months" in cost
    GuestRequest.objects.filter(pk=request.pk).update(income_band="large")
    cost = dict((k, t) for k, _, t in case_for(applicant, world.network).paragraphs)["cost"]
    assert "from £1,500.00 to £3,000.00" not in cost and "is £3,000.00" in cost
    # Editing and downloading work for them as for a member.
    form = {key: text for key, _, text in case_for(applicant, world.network).paragraphs}
    form["decision"] = "Approve my place."
    assert client.post(url, form).status_code == 302
    assert "Approve my place." in _pdf_text(
        client.get(reverse("impact:case_pdf", args=[world.network.slug])).content
    )
    assert client.get(reverse("impact:case_odt", args=[world.network.slug])).status_code == 200


def test_a_guest_who_has_not_come_yet_or_withdrew_or_of_another_network_has_no_case(
    world: World, client_for: ClientFor
) -> None:
    url = reverse("impact:case", args=[world.network.slug])
    # world.guest is invited and pledged, but the meeting has not happened.
    assert client_for(world.guest).get(url).status_code == 404
    past = factories.make_past_meeting(world.group, months_ago=2)
    request, applicant = guest_builders.visited(world.network, past, world.admin)
    other = factories.make_network("Elsewhere")
    factories.make_admin(other, "Ola Otheradmin")
    assert client_for(applicant).get(reverse("impact:case", args=[other.slug])).status_code == 404
    GuestRequest.objects.filter(pk=request.pk).update(status=GuestRequest.Status.DECLINED)
    assert client_for(applicant).get(url).status_code == 404
