"""The room as a new chair and members use it (issue 8 items 2-5), each failing on the code
before the room became the one truth:

- the chair starts early, puts it back, starts again; notes are taken at once; members can no
  longer change their issues; a note refused after the end keeps its text; the chair ends it;
- a chair rehearses in the practice room, which records nothing;
- a worked issue cannot be withdrawn and its commitment comes up at the next meeting;
- the check-in form shows the member's answer, and changing one number keeps the comment.

Every page reached is checked with axe and at 360 px wide.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import BrowserContext, Dialog, Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot
from tests.e2e.test_issues_session import (  # the autouse fixture puts the protocols back
    _built_in_protocols,  # noqa: F401
    chair_clicks,
    set_up_group,
)

from peerpower.accounts.models import User
from peerpower.issues import actions
from peerpower.issues.models import Commitment, Issue, MonthlyUpdate, Note, RoomState
from peerpower.meetings.models import Meeting

NewContext = Callable[..., BrowserContext]
QUESTION = "How do I get my board to agree a reserves policy?"
NOTE = "Ask the treasurer to model three reserve levels."
LATE_NOTE = "A point typed after the end."
COMMITMENT = "Draft a reserves policy with the treasurer."


def no_sideways_scroll(page: Page) -> None:
    """At a phone's 360 px nothing may stick out sideways."""
    size = page.viewport_size
    page.set_viewport_size({"width": 360, "height": 740})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width} px wide at 360 px"
    if size:
        page.set_viewport_size(size)


def checked(page: Page) -> None:
    # Off the button just pressed, and past Bootstrap's 0.15 s colour transition, so axe sees
    # the page at rest rather than a hover half-way through.
    page.mouse.move(0, 0)
    page.wait_for_timeout(200)
    assert_no_axe_violations(page)
    no_sideways_scroll(page)


def signed_in(new_context: NewContext, base_url: str, user: User) -> Page:
    page = new_context().new_page()
    log_in(page, base_url, user.email)
    return page


def queued_issue(meeting: Meeting, presenter: User, chair: User) -> Issue:
    issue = actions.issue_submit(meeting=meeting, presenter=presenter, question=QUESTION)
    actions.queue_fix(meeting=meeting, order=[issue.pk], by=chair)
    return issue


def test_the_room_follows_the_chair_who_starts_early(
    live_server: LiveServer, new_context: NewContext
) -> None:
    _group, chair_user, (maya_user, ravi_user, _sam), (meeting, _next) = set_up_group()
    # Forty minutes before the start, on the day: the chair may open the room early.
    factories.move_meeting(meeting, timezone.now() + timedelta(minutes=40))
    issue = queued_issue(meeting, maya_user, chair_user)
    base = live_server.url
    room_url = f"{base}/meetings/{meeting.pk}/room/"
    chair = signed_in(new_context, base, chair_user)
    maya = signed_in(new_context, base, maya_user)
    ravi = signed_in(new_context, base, ravi_user)

    chair.goto(room_url)
    expect(chair.locator("#segment-title")).to_have_text("The meeting has not started yet.")
    checked(chair)
    # Started by mistake, and put back: nothing was recorded yet.
    chair_clicks(chair, "Start the meeting")
    expect(chair.locator("#segment-title")).to_have_text("Arrival and check-in")
    chair_clicks(chair, "Put back to not started")
    expect(chair.locator("#segment-title")).to_have_text("The meeting has not started yet.")
    chair_clicks(chair, "Start the meeting")
    expect(chair.locator("#segment-title")).to_have_text("Arrival and check-in")
    checked(chair)

    # Under way, whatever the clock says: Maya can no longer change or withdraw her issue.
    maya.goto(f"{base}/issues/{issue.pk}/")
    yours = maya.get_by_role("region", name="Your issue")
    expect(yours.get_by_role("link", name="Edit")).to_have_count(0)
    expect(yours.get_by_role("button", name="Withdraw")).to_have_count(0)
    checked(maya)
    maya.goto(f"{base}/meetings/{meeting.pk}/issues/")
    expect(maya.locator("#meeting-state")).to_contain_text("The meeting is under way")
    expect(maya.get_by_role("region", name="Bring an issue")).to_have_count(0)
    checked(maya)

    controls = chair.get_by_role("region", name="Chair's controls")
    controls.get_by_label("Scribe").select_option(label="Ravi Rao")
    chair_clicks(chair, "Choose scribe")
    controls.get_by_label("Next issue").select_option(value=str(issue.pk))
    chair_clicks(chair, "Start this issue")
    expect(chair.locator("#issue-question")).to_have_text(QUESTION)

    # The scribe notes at once, and sees what is noted so far.
    ravi.goto(room_url)
    expect(ravi.locator("#scribe-banner")).to_contain_text("You are the scribe")
    ravi.get_by_label("Point offered").fill(NOTE)
    ravi.get_by_role("button", name="Add note").click()
    expect(ravi.get_by_role("status").filter(has_text="Noted")).to_have_text(
        "Noted for the presenter."
    )
    expect(ravi.locator("#notes-so-far")).to_contain_text(NOTE)
    checked(ravi)
    assert list(Note.objects.values_list("text", flat=True)) == [NOTE]

    # Nothing can be put back once a note is taken; the chair ends the meeting.
    expect(controls.get_by_role("button", name="Put back to not started")).to_have_count(0)
    ravi.get_by_label("Point offered").fill(LATE_NOTE)
    asked: list[str] = []

    def confirm(dialog: Dialog) -> None:  # ending is for everyone, so the page asks first
        asked.append(dialog.message)
        dialog.accept()

    chair.once("dialog", confirm)
    chair_clicks(chair, "End the meeting")
    assert asked == [
        "End the meeting for everyone? Once anything is recorded it cannot be put back."
    ]
    expect(chair.locator("#segment-title")).to_have_text("This meeting is over.")
    checked(chair)
    # The scribe's note, sent after the end, is refused and comes back with its text.
    ravi.get_by_role("button", name="Add note").click()
    expect(ravi.get_by_label("Point offered")).to_have_value(LATE_NOTE)
    expect(
        ravi.get_by_role("region", name="Scribe's note for the issue being worked")
    ).to_contain_text("This meeting is over; notes can no longer be taken.")
    checked(ravi)
    screenshot(ravi, "room-note-refused")
    meeting.refresh_from_db()
    assert meeting.started_at is not None and meeting.ended_at is not None
    assert list(Note.objects.values_list("text", flat=True)) == [NOTE]


def test_a_chair_rehearses_in_the_practice_room_and_nothing_is_recorded(
    live_server: LiveServer, new_context: NewContext
) -> None:
    _group, chair_user, _members, (meeting, _next) = set_up_group()
    factories.move_meeting(meeting, timezone.now() + timedelta(days=10))
    base = live_server.url
    chair = signed_in(new_context, base, chair_user)
    chair.goto(f"{base}/meetings/{meeting.pk}/room/")
    controls = chair.get_by_role("region", name="Chair's controls")
    expect(controls).to_contain_text("The room opens on the day of the meeting")
    expect(controls.get_by_role("button", name="Start the meeting")).to_have_count(0)
    checked(chair)
    controls.get_by_role("link", name="Open the practice room").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Practice room Practice")
    expect(chair.locator("#practice-banner")).to_contain_text("Nothing you do here is recorded")
    checked(chair)
    for name in ("Start the meeting", "Next segment"):
        with chair.expect_response(lambda r: r.url.endswith("/room/practice/act/")):
            chair.get_by_role("region", name="Chair's controls").get_by_role(
                "button", name=name, exact=True
            ).click()
        if name == "Start the meeting":  # the first segment: nothing to go back to
            expect(chair.locator("#segment-title")).to_have_text("Arrival and check-in")
            expect(controls.get_by_role("button", name="Previous segment")).to_have_count(0)
    expect(chair.locator("#segment-title")).to_have_text("Expert speaker")
    expect(controls.get_by_role("button", name="Previous segment")).to_be_visible()
    chair.get_by_role("region", name="Chair's controls").get_by_label("Next issue").select_option(
        index=0
    )
    with chair.expect_response(lambda r: r.url.endswith("/room/practice/act/")):
        chair.get_by_role("button", name="Start this issue").click()
    expect(chair.locator("#issue-question")).to_have_text(QUESTION)
    expect(chair.locator("#step-name")).to_contain_text("Step 1 of 4")
    expect(controls.get_by_role("button", name="Previous step")).to_have_count(0)
    expect(controls.get_by_role("button", name="Next step")).to_be_visible()
    checked(chair)
    screenshot(chair, "practice-room")
    meeting.refresh_from_db()
    assert (meeting.started_at, RoomState.objects.count(), Issue.objects.count()) == (None, 0, 0)


def test_a_worked_issue_stays_and_its_commitment_comes_up_next_time(
    live_server: LiveServer, new_context: NewContext
) -> None:
    _group, chair_user, (maya_user, _ravi, _sam), (meeting, next_meeting) = set_up_group()
    factories.move_meeting(meeting, timezone.now() + timedelta(minutes=30))
    issue = queued_issue(meeting, maya_user, chair_user)
    base = live_server.url
    chair = signed_in(new_context, base, chair_user)
    maya = signed_in(new_context, base, maya_user)
    chair.goto(f"{base}/meetings/{meeting.pk}/room/")
    chair_clicks(chair, "Start the meeting")
    chair.get_by_role("region", name="Chair's controls").get_by_label("Next issue").select_option(
        value=str(issue.pk)
    )
    chair_clicks(chair, "Start this issue")
    for _ in range(3):
        chair_clicks(chair, "Next step")
    # The last step: "Finish this issue" in place of a "Next step" that would do nothing.
    drive = chair.get_by_role("region", name="Chair's controls")
    expect(drive.get_by_role("button", name="Next step")).to_have_count(0)
    expect(drive.get_by_role("button", name="Previous step")).to_be_visible()
    chair_clicks(chair, "Finish this issue")
    expect(chair.locator("#issue-question")).to_have_text("No issue is being worked right now.")

    maya.goto(f"{base}/issues/{issue.pk}/")
    yours = maya.get_by_role("region", name="Your issue")
    expect(yours.get_by_role("button", name="Withdraw")).to_have_count(0)
    expect(yours).to_contain_text("The room has worked on this issue")
    checked(maya)
    card = maya.get_by_role("region", name="Commitment")
    card.get_by_label("What I will do").fill(COMMITMENT)
    card.get_by_label("By when").fill((timezone.localdate() + timedelta(days=20)).isoformat())
    card.get_by_role("button", name="Record my commitment").click()
    expect(maya.get_by_role("status")).to_contain_text("Your commitment is recorded.")
    checked(maya)

    maya.goto(f"{base}/meetings/{next_meeting.pk}/issues/")
    expect(maya.get_by_role("region", name="Report-back on commitments")).to_contain_text(
        f"Maya Member: {COMMITMENT}"
    )
    checked(maya)
    assert Commitment.objects.get().issue_id == issue.pk
    assert Issue.objects.get().status == Issue.Status.WORKED


def test_the_check_in_form_keeps_the_members_answer(
    live_server: LiveServer, new_context: NewContext
) -> None:
    _group, _chair, (maya_user, _ravi, _sam), (meeting, _next) = set_up_group()
    factories.move_meeting(meeting, timezone.now() + timedelta(days=3))  # check-ins are open
    base = live_server.url
    maya = signed_in(new_context, base, maya_user)
    maya.goto(f"{base}/meetings/{meeting.pk}/issues/")
    card = maya.get_by_role("region", name="Check-in: how was your month?")
    card.get_by_label("Your month at work (1–10)").select_option("7")
    card.get_by_label("Your month personally (1–10)").select_option("4")
    card.get_by_label("One line on your month").fill("Tough board meeting")
    card.get_by_role("button", name="Share with the group").click()
    expect(maya.get_by_role("status")).to_have_text("Your check-in is shared with the group.")
    # The form shows the answer just given, not a blank one.
    expect(card.get_by_label("Your month at work (1–10)")).to_have_value("7")
    expect(card.get_by_label("One line on your month")).to_have_value("Tough board meeting")
    checked(maya)
    card.get_by_label("Your month at work (1–10)").select_option("8")
    card.get_by_role("button", name="Update my check-in").click()
    expect(maya.get_by_role("status")).to_have_text("Your check-in is shared with the group.")
    expect(card.get_by_role("table")).to_contain_text("Tough board meeting")
    checked(maya)
    assert list(MonthlyUpdate.objects.values_list("work", "personal", "comment")) == [
        (8, 4, "Tough board meeting")
    ]
