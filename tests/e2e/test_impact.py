"""Evidence of value as new users would meet it: a member answers their baseline survey and
the survey after a meeting from the home page; the chair opens the group's health; the admin
opens the network's outcomes; a member edits a paragraph of their trustee business case and
downloads the PDF. Every page is checked with axe, at 360 px too."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot
from tests.impact.builders import closed_round, outcome_pairs
from tests.impact.conftest import builtin_surveys as builtin_surveys  # the fixture
from tests.impact.conftest import send

from peerpower.impact.models import Response


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(settings: Settings, live_server: LiveServer) -> None:
    settings.SITE_URL = live_server.url


@pytest.fixture
def scene(builtin_surveys: None) -> dict[str, Any]:
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders", venue=factories.make_venue(network))
    admin = factories.make_admin(network, "Alex Admin")
    chair = factories.add_member(
        group, factories.make_user("Helen Chair", mfa=True), role="chair"
    ).user
    member = factories.add_member(group, factories.make_user("Maya Member")).user

    world: Any = SimpleNamespace(network=network, group=group)  # what tests.impact's send takes
    outcome_pairs(group, [(2, 4), (3, 3), (1, 4), (2, 3), (3, 5)])
    meeting = factories.make_past_meeting(group, months_ago=3)
    people = [factories.add_member(group).user for _ in range(5)]
    closed_round(group, "after_meeting", {p: {"worth": 8} for p in people}, meeting=meeting)
    closed_round(
        group,
        "group_health",
        {},
        asked=people,
        anonymous_answers=[{"trust": 4, "confidentiality": 5, "heard": 4, "chair": 5}] * 5,
    )
    return {
        "network": network,
        "group": group,
        "admin": admin,
        "chair": chair,
        "member": member,
        "baseline": send(world, "baseline", [member])[member],
        "after": send(
            world,
            "after_meeting",
            [member],
            meeting=factories.make_past_meeting(group, months_ago=1),
        )[member],
    }


def test_a_member_answers_a_baseline_and_a_meeting_survey(
    live_server: LiveServer, page: Page, scene: dict[str, Any]
) -> None:
    member = scene["member"]
    base = live_server.url
    log_in(page, base, member.email)
    expect(page.get_by_role("heading", name="Surveys waiting for you")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Where you are starting from").click()
    assert_no_axe_violations(page)
    # Skipping a required question is refused beside it.
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Answer this question.").first).to_be_visible()
    assert_no_axe_violations(page)
    for question, answer in [
        ("How confident do you feel as a leader?", "3"),
        ("How sure are you of the quality of the decisions you make in your role?", "4"),
        ("How good is your working relationship with your board?", "2"),
        ("Overall, how satisfied are you with your life nowadays?", "6"),
        ("Overall, to what extent do you feel the things you do in your life are worthwhile?", "7"),
        ("Overall, how happy did you feel yesterday?", "6"),
        ("Overall, how anxious did you feel yesterday?", "4"),
    ]:
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    for question in [
        "How often do you feel that you lack companionship in your role?",
        "How often do you feel left out?",
        "How often do you feel isolated from others?",
    ]:
        page.get_by_role("group", name=question).get_by_label("Some of the time").check()
    page.get_by_role("group", name="Your organisation's annual income").get_by_label(
        "£100k to £500k"
    ).check()
    page.get_by_label("Paid staff (people, not full-time equivalents)").fill("12")
    page.get_by_label("What do you hope will change because of the group?").fill("Less alone")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Thank you. You can change your answers until")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "impact-surveys")
    page.goto(f"{base}/")
    page.get_by_role("link", name="After the meeting").click()
    assert_no_axe_violations(page)
    page.get_by_role("group", name="Was this worth the half day?").get_by_label(
        "9", exact=True
    ).check()
    page.get_by_role("group", name="The most useful part").get_by_label("The issues").check()
    page.get_by_label("One thing to change").fill("Start on time")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Thank you.")).to_be_visible()
    answers = sorted(
        Response.objects.filter(respondent=member).values_list("round__survey__kind", flat=True)
    )
    assert answers == ["after_meeting", "baseline"]
    page.get_by_role("link", name="Your progress").click()
    assert_no_axe_violations(page)


def test_the_chair_opens_group_health_and_the_admin_the_outcomes(
    live_server: LiveServer, page: Page, scene: dict[str, Any], new_context: Any
) -> None:
    base = live_server.url
    log_in(page, base, scene["chair"].email)
    page.get_by_role("link", name="group health of Tuesday Leaders").click()
    expect(page.get_by_role("heading", name="Tuesday Leaders: group health")).to_be_visible()
    expect(page.get_by_role("cell", name="4.0").first).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "impact-group-health")
    other = new_context().new_page()
    log_in(other, base, scene["admin"].email)
    other.get_by_role("link", name="Outcomes of Northbridge").click()
    expect(other.get_by_role("heading", name="Northbridge: outcomes")).to_be_visible()
    expect(other.get_by_role("cell", name="+1.60")).to_be_visible()
    assert_no_axe_violations(other)
    screenshot(other, "impact-outcomes")


def test_a_member_edits_a_paragraph_of_the_business_case_and_downloads_the_pdf(
    live_server: LiveServer, page: Page, scene: dict[str, Any]
) -> None:
    base = live_server.url
    log_in(page, base, scene["member"].email)
    page.goto(f"{base}/surveys/")
    page.get_by_role("link", name="A business case for your board").click()
    assert_no_axe_violations(page)
    page.get_by_label("What the board is asked to decide").fill("Please fund my place this year.")
    page.get_by_role("button", name="Save my changes").click()
    expect(page.get_by_text("Saved. Download it below")).to_be_visible()
    assert_no_axe_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    path = download.value.path()
    reader = PdfReader(str(path))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Please fund my place this year." in " ".join(text.split())


def test_an_applicant_makes_the_case_from_their_visit_page_at_phone_width(
    live_server: LiveServer, page: Page, scene: dict[str, Any]
) -> None:
    """A guest who came to a meeting needs their trustees' agreement before joining: from their
    visit page they reach the case, priced for their organisation's size, and edit it."""
    from tests.guests import builders as guest_builders

    past = factories.make_past_meeting(scene["group"], months_ago=2)
    _, applicant = guest_builders.visited(scene["network"], past, scene["admin"])
    page.set_viewport_size({"width": 360, "height": 800})
    base = live_server.url
    log_in(page, base, applicant.email)
    page.get_by_role("link", name="See your visit and the next step").click()
    page.get_by_role("link", name="Make a business case for your trustees").click()
    expect(page.get_by_role("heading", name="A business case for your board")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Review").fill("I will report back after six months.")
    page.get_by_role("button", name="Save my changes").click()
    expect(page.get_by_text("Saved. Download it below")).to_be_visible()
    expect(page.get_by_label("Review")).to_have_value("I will report back after six months.")
    assert_no_axe_violations(page)
    screenshot(page, "impact-applicant-case-360")


def test_the_admin_rewords_a_question_of_the_built_in_survey(
    live_server: LiveServer, page: Page, scene: dict[str, Any]
) -> None:
    """The survey editor's ordinary use: from the network's pages to Surveys, change one
    question's words, save, and see the network's own version with the new words."""
    base = live_server.url
    log_in(page, base, scene["admin"].email)
    page.goto(f"{base}/network/{scene['network'].slug}/")
    page.get_by_role("navigation", name="Running Northbridge").get_by_role(
        "link", name="Surveys"
    ).click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="After the meeting").click()
    expect(page.get_by_text("saving makes your network's own version")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Question 1").fill("Was this morning worth your time?")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved as version 1.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="After the meeting").click()
    expect(page.get_by_label("Question 1")).to_have_value("Was this morning worth your time?")
    page.set_viewport_size({"width": 360, "height": 800})
    assert_no_axe_violations(page)
