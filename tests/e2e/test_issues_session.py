"""A whole issues session, by a chair and three members each in their own browser.

Before the meeting the members bring issues and back each other's; the chair fixes the order
(one issue is carried over). In the room the chair drives the agenda and the protocol's steps
and every member's page follows by polling, without a reload. The scribe's note belongs to the
presenter until they share it; the presenter records a commitment and reports on it at the
next meeting. A second test has the chair drive from two browsers at once.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import BrowserContext, Locator, Page, Route, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot

from peerpower.accounts.models import User
from peerpower.groups.models import Membership, PeerGroup
from peerpower.issues.models import Commitment, Issue, Note, Protocol, ProtocolStep, RoomState
from peerpower.issues.room import default_protocol
from peerpower.meetings.models import Meeting

# The room polls every second; a change reaches every page within about two (poll, answer,
# swap), with a little slack for a loaded two-core machine.
ROOM_SYNC_MS = 2_500
MM_SS = re.compile(r"^\d{2}:\d{2}$")

MAYA_Q = "How do I get my board to agree a reserves policy?"
RAVI_Q = "How do I hand over the finance role without losing momentum?"
SAM_Q = "How do I say no to a funder's new reporting demands?"

NOTE = "Ask the treasurer to model three reserve levels before the board meets."
COMMITMENT = "Draft a reserves policy with the treasurer and send it to the board."
REPORT = "The board agreed six months' reserves at its last meeting."

NewContext = Callable[..., BrowserContext]


@pytest.fixture(autouse=True)
def _built_in_protocols(live_server: LiveServer) -> None:
    """The built-in protocols come from a data migration, and live_server's tests empty the
    database after each test: put them back the way the migration makes them."""
    if not Protocol.objects.filter(network=None).exists():
        migration = import_module("peerpower.issues.migrations.0002_builtin_protocols")
        migration.add_protocols(apps, None)


def set_up_group() -> tuple[PeerGroup, User, list[User], list[Meeting]]:
    """A group with a venue, a chair with MFA and three members; the first two members and the
    chair have accepted the pledge, the third (Sam) has not. Returns the next two meetings."""
    network = factories.make_network("Northbridge")
    venue = factories.make_venue(network, "The Common Room")
    group = factories.make_group(
        network, "Tuesday Leaders", venue=venue, series_start=timezone.localdate().replace(day=1)
    )
    chair = factories.add_member(
        group, factories.make_user("Helen Chair", mfa=True), role="chair"
    ).user
    members = [
        factories.add_member(group, factories.make_user(name)).user
        for name in ("Maya Member", "Ravi Rao", "Sam Shah")
    ]
    Membership.objects.filter(group=group).exclude(user=members[2]).update(
        pledge_accepted_at=timezone.now()
    )
    meetings = list(
        Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).order_by("starts_at")[:2]
    )
    assert len(meetings) == 2
    return group, chair, members, meetings


def signed_in(new_context: NewContext, base_url: str, user: User) -> Page:
    """A page in a browser context of its own, logged in as ``user``."""
    page = new_context().new_page()
    log_in(page, base_url, user.email)
    return page


def mark_page(page: Page) -> None:
    """Mark this page load; a reload would lose the mark (see ``still_same_page``)."""
    page.evaluate("() => { window.__samePage = true; }")


def still_same_page(page: Page) -> bool:
    return bool(page.evaluate("() => window.__samePage === true"))


def queue_item(page: Page, question: str) -> Locator:
    return (
        page.get_by_role("region", name="The queue")
        .get_by_role("listitem")
        .filter(has=page.get_by_role("link", name=question))
    )


def bring_issue(
    page: Page, question: str, why_now: str, tried: str, help_wanted: str, urgency: str
) -> None:
    form = page.get_by_role("region", name="Bring an issue")
    form.get_by_label("How do I…?").fill(question)
    form.get_by_label("Why it matters now").fill(why_now)
    form.get_by_label("What I have tried").fill(tried)
    form.get_by_label("The help I want from the group").fill(help_wanted)
    form.get_by_label("How urgent is it?").select_option(label=urgency)
    form.get_by_role("button", name="Add to the queue").click()
    expect(page.get_by_role("status")).to_have_text("The issue is in the queue for this meeting.")
    expect(queue_item(page, question)).to_be_visible()
    assert_no_axe_violations(page)


def back(page: Page, question: str) -> None:
    queue_item(page, question).get_by_role(
        "button", name=re.compile(r"^Support this issue\b")
    ).click()
    expect(
        queue_item(page, question).get_by_role("button", name=re.compile(r"^Stop supporting\b"))
    ).to_be_visible()
    assert_no_axe_violations(page)


def chair_clicks(chair: Page, name: str) -> None:
    """Press one of the chair's room controls and wait for htmx to swap in the new state."""
    with chair.expect_response(
        lambda r: r.url.endswith("/room/act/") and r.request.method == "POST"
    ) as response:
        chair.get_by_role("region", name="Chair's controls").get_by_role(
            "button", name=name, exact=True
        ).click()
    assert response.value.ok
    chair.wait_for_function("() => !document.querySelector('#room-state.htmx-swapping')")


def sync_deadline() -> Callable[[], float]:
    """Milliseconds left of ROOM_SYNC_MS from now: one budget for all the pages together, so
    every page must have caught up within it, not each within its own."""
    ends = time.monotonic() + ROOM_SYNC_MS / 1000

    def left() -> float:
        return max((ends - time.monotonic()) * 1000, 1)

    return left


def expect_segment(pages: list[Page], title: str) -> None:
    left = sync_deadline()
    for page in pages:
        expect(page.locator("#segment-title")).to_have_text(title, timeout=left())


def expect_step(pages: list[Page], number: int, steps: list[ProtocolStep]) -> None:
    step = steps[number - 1]
    left = sync_deadline()
    for page in pages:
        expect(page.locator("#step-name")).to_have_text(
            f"Step {number} of {len(steps)}: {step.name}", timeout=left()
        )
        expect(page.locator("#step-cue")).to_have_text(step.cue, timeout=left())


def test_chair_and_three_members_run_a_whole_issues_session(
    live_server: LiveServer, new_context: NewContext
) -> None:
    _group, chair_user, (maya_user, ravi_user, sam_user), (meeting, next_meeting) = set_up_group()
    base = live_server.url
    issues_url = f"{base}/meetings/{meeting.pk}/issues/"
    steps = list(default_protocol().steps.all())
    assert len(steps) >= 3

    chair = signed_in(new_context, base, chair_user)
    maya = signed_in(new_context, base, maya_user)
    ravi = signed_in(new_context, base, ravi_user)
    sam = signed_in(new_context, base, sam_user)
    members = [maya, ravi, sam]

    # --- 1. Before the meeting: members bring issues and back each other's. ---------------
    maya.goto(issues_url)
    expect(maya.get_by_role("heading", level=1)).to_have_text("Issues session")
    assert_no_axe_violations(maya)
    expect(maya.get_by_role("region", name="The queue")).to_contain_text("No issues yet.")
    bring_issue(
        maya,
        MAYA_Q,
        "The auditors flagged it and the board meets in six weeks.",
        "A paper to the finance committee, which stalled.",
        "How others got a reluctant board to agree a number.",
        "Urgent",
    )
    ravi.goto(issues_url)
    assert_no_axe_violations(ravi)
    bring_issue(
        ravi,
        RAVI_Q,
        "Our finance lead leaves in March.",
        "A handover document nobody reads.",
        "Experience of handovers that worked.",
        "Soon",
    )

    # Sam has not accepted the pledge: the issues page asks for it first, and shows no issue.
    sam.goto(issues_url)
    expect(sam.get_by_role("heading", level=1)).to_have_text("Before you see the group's issues")
    expect(sam.locator("main")).not_to_contain_text(MAYA_Q)
    assert_no_axe_violations(sam)
    sam.get_by_role("button", name="I accept the pledge").click()
    expect(sam).to_have_url(issues_url)
    expect(sam.get_by_role("status")).to_have_text(
        "Thank you. You have accepted the group's confidentiality pledge."
    )
    expect(queue_item(sam, MAYA_Q)).to_be_visible()
    assert_no_axe_violations(sam)
    assert Membership.objects.get(user=sam_user).pledge_accepted_at is not None
    bring_issue(
        sam,
        SAM_Q,
        "The new form takes a day a month.",
        "Filling it in, late.",
        "Words for a polite refusal.",
        "Can wait",
    )

    back(sam, MAYA_Q)
    back(sam, RAVI_Q)
    ravi.reload()
    back(ravi, MAYA_Q)
    maya.reload()
    back(maya, SAM_Q)
    expect(queue_item(maya, MAYA_Q)).to_contain_text("Maya Member · Urgent · supported by 2")
    expect(queue_item(maya, RAVI_Q)).to_contain_text("Ravi Rao · Soon · supported by 1")
    expect(queue_item(maya, SAM_Q)).to_contain_text("Sam Shah · Can wait · supported by 1")
    # One's own issue has no Back button.
    expect(queue_item(maya, MAYA_Q).get_by_role("button")).to_have_count(0)

    # --- 2. The chair fixes the order; Sam's issue is left out and carried over. ----------
    chair.goto(issues_url)
    assert_no_axe_violations(chair)
    # The chair's own form beside the member's: each label names its own field.
    for name in ("Bring an issue", "Add an issue for a member"):
        expect(chair.get_by_role("region", name=name).get_by_label("How do I…?")).to_have_count(1)
    screenshot(chair, "issues-page-chair")
    queue_item(chair, RAVI_Q).get_by_role("spinbutton").fill("2")
    queue_item(chair, MAYA_Q).get_by_role("spinbutton").fill("1")
    queue_item(chair, SAM_Q).get_by_role("spinbutton").fill("")
    chair.get_by_role("button", name="Fix the order").click()
    expect(chair.get_by_role("status")).to_have_text(
        "The order is fixed: 2 issues queued. 1 more is carried over to the next meeting."
    )
    expect(queue_item(chair, MAYA_Q)).to_contain_text("queued #1")
    expect(queue_item(chair, RAVI_Q)).to_contain_text("queued #2")
    expect(queue_item(chair, SAM_Q)).to_have_count(0)
    assert_no_axe_violations(chair)
    sam_issue = Issue.objects.get(question=SAM_Q)
    assert (sam_issue.status, sam_issue.meeting_id) == (Issue.Status.PARKED, next_meeting.pk)
    maya_issue = Issue.objects.get(question=MAYA_Q)

    # --- 3. The meeting begins (time passes: its start moves to now). Everyone opens the
    # room; the chair drives and every page follows. ---------------------------------------
    factories.move_meeting(Meeting.objects.get(pk=maya_issue.meeting_id), timezone.now())
    for page in [chair, *members]:
        page.goto(issues_url)
        page.get_by_role("link", name="Open the meeting room").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Meeting room")
        expect(page.locator("#segment-title")).to_have_text("The meeting has not started yet.")
        assert_no_axe_violations(page)
        mark_page(page)
    expect(maya.get_by_role("region", name="Chair's controls")).to_have_count(0)

    chair_clicks(chair, "Start the meeting")
    expect_segment([chair, *members], "Arrival and check-in")
    segment_clock = sam.get_by_role("timer", name="Time left in this segment")
    expect(segment_clock).to_have_text(MM_SS)
    for title in ("Expert speaker", "Break", "Issues session"):
        chair_clicks(chair, "Next segment")
        expect_segment([chair, *members], title)

    controls = chair.get_by_role("region", name="Chair's controls")
    controls.get_by_label("Scribe").select_option(label="Ravi Rao")
    chair_clicks(chair, "Choose scribe")
    expect(ravi.locator("#scribe-banner")).to_contain_text(
        "You are the scribe", timeout=ROOM_SYNC_MS
    )
    expect(maya.locator("#scribe-banner")).to_have_count(0)
    # No issue in hand yet, so there is nothing to note against: no note form for anyone.
    for page in (chair, *members):
        expect(page.get_by_label("Point offered")).to_be_hidden()

    expect(controls.get_by_label("Next issue").locator("option")).to_have_count(2)
    controls.get_by_label("Next issue").select_option(value=str(maya_issue.pk))
    chair_clicks(chair, "Start this issue")
    expect_step([chair, *members], 1, steps)
    for page in [chair, *members]:
        expect(page.locator("#issue-question")).to_have_text(MAYA_Q)
    # The note form is the scribe's (and the chair's), shown to Ravi without a reload.
    expect(ravi.get_by_label("Point offered")).to_be_visible(timeout=ROOM_SYNC_MS)
    expect(chair.get_by_label("Point offered")).to_be_visible(timeout=ROOM_SYNC_MS)
    for page in (maya, sam):
        expect(
            page.get_by_role("region", name="Scribe's note for the issue being worked")
        ).to_be_hidden()

    # The step's countdown is mm:ss against the server's clock, and it runs.
    step_clock = maya.get_by_role("timer", name="Time left in this step")
    expect(step_clock).to_have_text(MM_SS)
    minutes_left = int(step_clock.inner_text().split(":")[0])
    assert minutes_left <= steps[0].minutes
    shown = step_clock.inner_text()
    expect(step_clock).not_to_have_text(shown, timeout=2_500)
    expect(step_clock).to_have_text(MM_SS)
    for page in [chair, maya]:
        assert_no_axe_violations(page)

    for number in range(2, len(steps) + 1):
        chair_clicks(chair, "Next step")
        expect_step([chair, *members], number, steps)
        if number == 2:
            screenshot(chair, "issues-room-chair")
            screenshot(sam, "issues-room-member")
            screenshot(ravi, "issues-room-scribe")
        if number == len(steps) - 1:
            # --- 4. The scribe notes a point for the presenter. ---------------------------
            ravi.get_by_label("Point offered").fill(NOTE)
            ravi.get_by_role("button", name="Add note").click()
            expect(ravi.get_by_role("status").filter(has_text="Noted")).to_have_text(
                "Noted for the presenter."
            )
            assert_no_axe_violations(ravi)
            mark_page(ravi)
            assert Note.objects.get().issue_id == maya_issue.pk

    expect(chair.get_by_role("button", name="Next step")).to_have_count(0)
    expect(chair.get_by_role("button", name="Finish this issue")).to_be_visible()
    for page in members:
        assert still_same_page(page), "a member's room page reloaded"
        assert_no_axe_violations(page)
    room_version = RoomState.objects.get(meeting=meeting).version
    assert still_same_page(chair)

    # --- 4, continued. The notes are the presenter's until she shares them. --------------
    # --- 5. At the last step the presenter records her commitment. ------------------------
    expect(sam.get_by_role("link", name="Record your commitment")).to_have_count(0)
    maya.get_by_role("link", name="Record your commitment").click()
    expect(maya.get_by_role("heading", level=1)).to_have_text(MAYA_Q)
    notes = maya.get_by_role("region", name="Scribe's notes")
    expect(notes.get_by_role("listitem")).to_have_text([NOTE])
    assert_no_axe_violations(maya)

    sam_issue_page = sam.context.new_page()
    sam_issue_page.goto(f"{base}/issues/{maya_issue.pk}/")
    expect(sam_issue_page.get_by_role("heading", level=1)).to_have_text(MAYA_Q)
    sam_notes = sam_issue_page.get_by_role("region", name="Scribe's notes")
    expect(sam_notes).to_contain_text("The notes belong to Maya Member, who has not shared them.")
    expect(sam_notes).not_to_contain_text(NOTE)
    assert_no_axe_violations(sam_issue_page)

    notes.get_by_role("button", name="Share my notes with the group").click()
    expect(notes.get_by_role("button")).to_have_text("Stop sharing my notes with the group")
    assert_no_axe_violations(maya)
    sam_issue_page.reload()
    expect(sam_notes.get_by_role("listitem")).to_have_text([NOTE])
    assert_no_axe_violations(sam_issue_page)
    sam_issue_page.close()

    due = timezone.localdate() + timedelta(days=21)
    commitment_card = maya.get_by_role("region", name="Commitment")
    commitment_card.get_by_label("What I will do").fill(COMMITMENT)
    commitment_card.get_by_label("By when").fill(due.isoformat())
    commitment_card.get_by_role("button", name="Record my commitment").click()
    expect(maya.get_by_role("status")).to_contain_text("Your commitment is recorded.")
    expect(commitment_card).to_contain_text(f"{COMMITMENT} — by {due.day} {due:%B %Y} · open")
    expect(commitment_card.get_by_role("button")).to_have_text("Change my commitment")
    assert_no_axe_violations(maya)
    screenshot(maya, "issue-detail-presenter")
    commitment = Commitment.objects.get(issue=maya_issue)
    assert (commitment.member_id, commitment.due_on) == (maya_user.pk, due)

    # Nothing moved in the room meanwhile; the chair finishes the issue.
    assert RoomState.objects.get(meeting=meeting).version == room_version
    chair_clicks(chair, "Finish this issue")
    for page in [chair, ravi, sam]:
        expect(page.locator("#issue-question")).to_have_text(
            "No issue is being worked right now.", timeout=ROOM_SYNC_MS
        )
    next_issue = chair.get_by_role("region", name="Chair's controls").get_by_label("Next issue")
    expect(next_issue.locator("option")).to_have_text([re.compile(re.escape(RAVI_Q[:40]))])
    assert_no_axe_violations(chair)
    maya_issue.refresh_from_db()
    assert maya_issue.status == Issue.Status.WORKED

    # Her commitments page lists it.
    maya.get_by_role("navigation", name="Main").get_by_role("link", name="Commitments").click()
    expect(maya.get_by_role("heading", level=1)).to_have_text("Your commitments")
    expect(maya.get_by_role("region", name=COMMITMENT)).to_contain_text("open")
    assert_no_axe_violations(maya)

    # --- 6. The next meeting: report-back on the commitment; Sam's issue is offered again. --
    maya.goto(f"{base}/meetings/{next_meeting.pk}/issues/")
    assert_no_axe_violations(maya)
    expect(queue_item(maya, SAM_Q)).to_contain_text("carried over")
    report_back = maya.get_by_role("region", name="Report-back on commitments")
    expect(report_back).to_contain_text(f"Maya Member: {COMMITMENT}")
    report_back.get_by_label("Where it stands").select_option(label="Done")
    report_back.get_by_label("What happened").fill(REPORT)
    report_back.get_by_role("button", name="Report").click()
    expect(maya).to_have_url(f"{base}/meetings/{next_meeting.pk}/issues/")
    expect(maya.get_by_role("status")).to_have_text("Thank you for reporting back.")
    expect(report_back).to_contain_text(f"Maya Member: {COMMITMENT}")
    expect(report_back).to_contain_text(f"Done — {REPORT}")
    assert_no_axe_violations(maya)
    screenshot(maya, "issues-report-back")
    commitment.refresh_from_db()
    assert (commitment.status, commitment.report) == (Commitment.Status.DONE, REPORT)

    # The others see the report-back too.
    ravi.goto(f"{base}/meetings/{next_meeting.pk}/issues/")
    ravi_report_back = ravi.get_by_role("region", name="Report-back on commitments")
    expect(ravi_report_back).to_contain_text(f"Done — {REPORT}")
    expect(ravi_report_back.get_by_role("button", name="Report")).to_have_count(0)
    assert_no_axe_violations(ravi)


def test_two_drivers_at_once_move_the_room_on_exactly_once(
    live_server: LiveServer, new_context: NewContext
) -> None:
    """The chair has the room open on a laptop and on the room's screen and presses
    "Next segment" on both at the same moment: the room moves on once, not twice."""
    _group, chair_user, _members, (meeting, _next) = set_up_group()
    factories.move_meeting(meeting, timezone.now())  # the real room opens on the meeting's day
    room_url = f"{live_server.url}/meetings/{meeting.pk}/room/"
    laptop = signed_in(new_context, live_server.url, chair_user)
    screen = new_context(storage_state=laptop.context.storage_state()).new_page()
    for page in (laptop, screen):
        page.goto(room_url)
        expect(page.get_by_role("heading", level=1)).to_have_text("Meeting room")
    chair_clicks(laptop, "Start the meeting")
    expect_segment([laptop, screen], "Arrival and check-in")
    before = RoomState.objects.get(meeting=meeting).version

    # Hold both presses in the browsers until both are sent, then let them go together, so
    # neither page can have polled the other's change first.
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    for page in (laptop, screen):
        page.route("**/room/act/", hold)
        page.get_by_role("button", name="Next segment").click(no_wait_after=True)
    for _ in range(200):
        if len(held) == 2:
            break
        laptop.wait_for_timeout(10)
    assert len(held) == 2
    with (
        laptop.expect_response(lambda r: r.url.endswith("/room/act/")),
        screen.expect_response(lambda r: r.url.endswith("/room/act/")),
    ):
        for route in held:
            route.continue_()

    expect_segment([laptop, screen], "Expert speaker")
    assert RoomState.objects.get(meeting=meeting).version == before + 1
    conflict = "Someone else moved the room on first; here is where it is now."
    alerts = [page.get_by_role("alert").filter(has_text=conflict) for page in (laptop, screen)]
    for _ in range(50):
        if sum(a.count() for a in alerts) >= 1:
            break
        laptop.wait_for_timeout(50)
    assert [a.count() for a in alerts] in ([1, 0], [0, 1]), "exactly one page hears it lost"
    for page in (laptop, screen):
        assert_no_axe_violations(page)
    # Both go on from the same place: the next press from either page is accepted.
    for page in (laptop, screen):
        page.unroute("**/room/act/")
    chair_clicks(screen, "Next segment")
    expect_segment([laptop, screen], "Break")
    assert RoomState.objects.get(meeting=meeting).version == before + 2
