"""1:1 coaching, as new users would go through it: the admin sets a notice policy and gives a
member an engagement; the member books a slot, moves it, then cancels late; the coach waives
the late cancellation; both see the allowance change; the member links a commitment to a goal
and the coach sees it. Then every other coaching form in its ordinary use: the admin keeps the
network's list of areas and extends an engagement; the coach saves their profile, adds weekly
hours and a day off, marks a session held and writes a note; the member writes a shared note
and rates progress on a goal. Every page reached is checked with axe at desktop width and at
360 px, and for sideways scrolling."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.coaching import builders
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot

from peerpower.coaching.models import Engagement, Goal, Session
from peerpower.groups.models import Membership
from peerpower.issues.actions import commitment_record, issue_submit
from peerpower.meetings.models import Meeting


def go(page: Page, name: str) -> None:
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)  # and no sideways scroll at 360 px
    size = page.viewport_size
    page.set_viewport_size({"width": 360, "height": 800})
    assert_no_axe_violations(page)  # at a phone's width too
    screenshot(page, f"coaching-{name}")
    if size:
        page.set_viewport_size(size)


def allowance(page: Page) -> str:
    return page.locator("#allowance").inner_text()


def test_an_engagement_booked_moved_cancelled_late_waived_and_a_goal_linked(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders")
    admin = factories.make_admin(network, "Alex Admin")
    maya = factories.add_member(group, factories.make_user("Maya Member")).user
    cora = factories.make_user("Cora Coach")
    builders.coach_profile(network, cora)
    Membership.objects.filter(user=maya).update(pledge_accepted_at=timezone.now())
    meeting = Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).order_by(
        "starts_at"
    )[0]
    issue = issue_submit(meeting=meeting, presenter=maya, question="How do I grow income?")
    commitment_record(
        issue=issue,
        by=maya,
        text="Draft a legacy-giving plan",
        due_on=timezone.localdate() + timedelta(days=20),
    )
    base = live_server.url

    # The admin sets a 72-hour notice policy and gives Maya three sessions with Cora.
    admin_page = new_context(reduced_motion="reduce").new_page()
    log_in(admin_page, base, admin.email)
    admin_page.goto(f"{base}/network/{network.slug}/")
    admin_page.get_by_role("link", name="Coaching").first.click()
    go(admin_page, "manage")
    admin_page.get_by_label("Cancellation notice (hours)").fill("72")
    admin_page.get_by_role("button", name="Save", exact=True).click()
    expect(admin_page.get_by_text("Saved.")).to_be_visible()
    admin_page.get_by_label("Coach", exact=True).select_option(label="Cora Coach")
    admin_page.get_by_label("Member", exact=True).select_option(label="Maya Member")
    admin_page.get_by_label("Allowance", exact=True).fill("3")
    admin_page.get_by_label("From").fill(f"{timezone.localdate():%Y-%m-%d}")
    admin_page.get_by_label("Until").fill(f"{timezone.localdate() + timedelta(days=120):%Y-%m-%d}")
    admin_page.get_by_role("button", name="Create engagement").click()
    expect(admin_page.get_by_text("Engagement created")).to_be_visible()
    go(admin_page, "engagement-admin")
    expect(admin_page.locator("#allowance")).to_contain_text("3 sessions left of 3 sessions")
    # The admin sees the allowance, never the sessions or goals.
    expect(admin_page.get_by_role("heading", name="Goals")).to_have_count(0)
    engagement = Engagement.objects.get(member=maya)

    # Maya books a time next week, with an agenda note.
    maya_page = new_context(reduced_motion="reduce").new_page()
    log_in(maya_page, base, maya.email)
    maya_page.get_by_role("link", name="Coaching").first.click()
    go(maya_page, "home")
    maya_page.get_by_role("link", name="Coaching with Cora Coach").click()
    go(maya_page, "engagement")
    maya_page.get_by_role("link", name="Book a session").click()
    go(maya_page, "book")
    maya_page.get_by_label("Length").select_option(label="60 minutes")
    maya_page.get_by_role("button", name="Show times").click()
    maya_page.get_by_role("link", name="Later times").click()
    go(maya_page, "book-later")
    maya_page.get_by_role("group", name="Free times for 60 minutes").get_by_role(
        "radio"
    ).first.check()
    maya_page.get_by_label("What you would like to work on").fill("Our board and the budget")
    maya_page.get_by_role("button", name="Book", exact=True).click()
    expect(maya_page.get_by_text("Booked. You and your coach")).to_be_visible()
    go(maya_page, "session")
    session = Session.objects.get(member=maya)
    assert session.starts_at > timezone.now() + timedelta(days=6)

    # She moves it to the first free time (tomorrow: inside the 72 hours' notice).
    maya_page.get_by_role("link", name="Move").click()
    go(maya_page, "move")
    maya_page.get_by_role("group", name="New time").get_by_role("radio").first.check()
    maya_page.get_by_role("button", name="Move", exact=True).click()
    expect(maya_page.get_by_text("Moved. You both")).to_be_visible()
    go(maya_page, "moved")
    session.refresh_from_db()
    assert session.sequence == 1
    assert session.starts_at < timezone.now() + timedelta(hours=72)

    # Then cancels: it is late, so it counts.
    maya_page.get_by_role("button", name="Cancel the session").click()
    expect(maya_page.get_by_text("It was late, so it counts")).to_be_visible()
    go(maya_page, "cancelled-late")
    maya_page.get_by_role("link", name="Engagement").click()
    expect(maya_page.locator("#allowance")).to_contain_text("2 sessions left of 3 sessions")

    # Cora waives it; both see the allowance back.
    cora_page = new_context(reduced_motion="reduce").new_page()
    log_in(cora_page, base, cora.email)
    cora_page.get_by_role("link", name="Coaching").first.click()
    go(cora_page, "coach-home")
    cora_page.get_by_role("link", name="Coaching Maya Member").click()
    go(cora_page, "coach-engagement")
    expect(cora_page.locator("#allowance")).to_contain_text("2 sessions left of 3 sessions")
    cora_page.locator(f"a[href='/coaching/sessions/{session.pk}/']").click()
    go(cora_page, "coach-session")
    expect(cora_page.get_by_text("Our board and the budget")).to_be_visible()
    cora_page.get_by_role("button", name="Waive the late cancellation").click()
    expect(cora_page.get_by_text("Waived: the late")).to_be_visible()
    go(cora_page, "waived")
    cora_page.get_by_role("link", name="Engagement").click()
    expect(cora_page.locator("#allowance")).to_contain_text("3 sessions left of 3 sessions")
    maya_page.reload()
    expect(maya_page.locator("#allowance")).to_contain_text("3 sessions left of 3 sessions")

    # Maya sets a goal and links her commitment; Cora sees its text and date.
    maya_page.get_by_label("Goal").fill("Grow unrestricted income")
    maya_page.get_by_role("button", name="Add goal").click()
    expect(maya_page.get_by_text("Goal added.")).to_be_visible()
    go(maya_page, "goal")
    due = timezone.localdate() + timedelta(days=20)
    maya_page.get_by_label("Link a commitment from your group").select_option(
        label=f"Draft a legacy-giving plan (by {due:%-d %b %Y})"
    )
    maya_page.get_by_role("button", name="Link").click()
    expect(maya_page.get_by_text("Linked.")).to_be_visible()
    go(maya_page, "linked")
    cora_page.reload()
    expect(cora_page.get_by_text("Linked commitment: Draft a legacy-giving plan")).to_be_visible()
    go(cora_page, "coach-sees-commitment")

    # The coach's profile and the admin's utilisation pass axe too.
    cora_page.goto(f"{base}/network/{network.slug}/coaching/profile/")
    go(cora_page, "profile")
    admin_page.goto(f"{base}/network/{network.slug}/coaching/utilisation/")
    go(admin_page, "utilisation")
    expect(admin_page.get_by_role("table", name="Per coach and per member")).to_contain_text(
        "Maya Member"
    )
    assert Engagement.objects.get(pk=engagement.pk).network == network


def test_every_other_coaching_form_in_its_ordinary_use(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    network = factories.make_network("Northbridge")
    group = factories.make_group(network, "Tuesday Leaders")
    admin = factories.make_admin(network, "Alex Admin")
    maya = factories.add_member(group, factories.make_user("Maya Member")).user
    cora = factories.make_user("Cora Coach")
    profile = builders.coach_profile(network, cora)
    engagement = builders.engagement(profile, maya, allowance=3, by=admin)
    began = builders.at(builders.day_ahead(-1), 10)
    past = Session.objects.create(
        engagement=engagement, coach=cora, member=maya, starts_at=began,
        ends_at=began + timedelta(minutes=60), blocked_until=began + timedelta(minutes=75),
        idempotency_key=uuid.uuid4(),
    )  # fmt: skip
    Goal.objects.create(engagement=engagement, title="Grow unrestricted income")
    base = live_server.url

    # The admin adds an area to the network's list, then extends Maya's engagement to 5.
    admin_page = new_context(reduced_motion="reduce").new_page()
    log_in(admin_page, base, admin.email)
    admin_page.goto(f"{base}/network/{network.slug}/coaching/")
    go(admin_page, "areas")
    areas = admin_page.get_by_label("Areas coaches work in")
    areas.fill(areas.input_value() + "\nTrading income")
    admin_page.get_by_role("button", name="Save the areas").click()
    expect(admin_page.get_by_text("The list of areas is saved.")).to_be_visible()
    go(admin_page, "areas-saved")
    expect(admin_page.get_by_label("Areas coaches work in")).to_have_value(
        re.compile("Trading income")
    )
    admin_page.goto(f"{base}/coaching/engagements/{engagement.pk}/")
    go(admin_page, "change")
    admin_page.get_by_label("Allowance").fill("5")
    admin_page.get_by_role("button", name="Save", exact=True).click()
    expect(admin_page.get_by_text("Engagement changed.")).to_be_visible()
    go(admin_page, "changed")
    expect(admin_page.locator("#allowance")).to_contain_text("4 sessions left of 5 sessions")

    # The coach offers the new area with a longer buffer, adds Saturday mornings and a day off.
    cora_page = new_context(reduced_motion="reduce").new_page()
    log_in(cora_page, base, cora.email)
    cora_page.goto(f"{base}/network/{network.slug}/coaching/profile/")
    go(cora_page, "profile")
    cora_page.get_by_label("Trading income").check()
    cora_page.get_by_label("Buffer between sessions (minutes)").fill("30")
    cora_page.get_by_role("button", name="Save profile").click()
    expect(cora_page.get_by_text("Your profile is saved.")).to_be_visible()
    go(cora_page, "profile-saved")
    expect(cora_page.get_by_label("Trading income")).to_be_checked()
    expect(cora_page.get_by_label("Buffer between sessions (minutes)")).to_have_value("30")
    hours = cora_page.locator("form", has=cora_page.get_by_role("button", name="Add hours"))
    hours.get_by_label("Day").select_option(label="Saturday")
    hours.get_by_label("From").fill("07:00")
    hours.get_by_label("Until").fill("08:00")
    hours.get_by_role("button", name="Add hours").click()
    expect(cora_page.get_by_text("Hours added.")).to_be_visible()
    go(cora_page, "hours-added")
    expect(cora_page.get_by_text("Saturday 07:00–08:00")).to_be_visible()
    off = builders.day_ahead(20)
    days = cora_page.locator("form", has=cora_page.get_by_role("button", name="Add", exact=True))
    days.get_by_label("Day").fill(f"{off:%Y-%m-%d}")
    days.get_by_role("button", name="Add", exact=True).click()
    expect(cora_page.get_by_text("Saved.", exact=True)).to_be_visible()
    go(cora_page, "day-off")
    expect(cora_page.get_by_text(f"{off:%a} {off.day} {off:%b %Y}: not available")).to_be_visible()

    # After yesterday's session she marks it held and keeps a note of her own.
    cora_page.goto(f"{base}/coaching/sessions/{past.pk}/")
    go(cora_page, "past-session")
    cora_page.get_by_label("Outcome").select_option(label="Held")
    cora_page.get_by_role("button", name="Mark", exact=True).click()
    expect(cora_page.get_by_text("Marked.")).to_be_visible()
    expect(cora_page.locator("#session-status")).to_contain_text("held")
    cora_page.get_by_label("Note", exact=True).fill("Start from the reserves policy")
    cora_page.get_by_role("button", name="Save note").click()
    expect(cora_page.get_by_text("Note saved.")).to_be_visible()
    go(cora_page, "coach-note")
    expect(cora_page.get_by_text("Start from the reserves policy")).to_be_visible()

    # Maya writes a shared note (she never sees Cora's own) and rates progress on her goal.
    maya_page = new_context(reduced_motion="reduce").new_page()
    log_in(maya_page, base, maya.email)
    maya_page.goto(f"{base}/coaching/sessions/{past.pk}/")
    go(maya_page, "member-session")
    expect(maya_page.get_by_text("Start from the reserves policy")).to_have_count(0)
    maya_page.get_by_label("Note", exact=True).fill("Send the board paper on Friday")
    maya_page.get_by_role("button", name="Save note").click()
    expect(maya_page.get_by_text("Note saved.")).to_be_visible()
    go(maya_page, "member-note")
    expect(maya_page.get_by_text("Send the board paper on Friday")).to_be_visible()
    maya_page.get_by_role("link", name="Engagement").click()
    go(maya_page, "member-engagement")
    maya_page.get_by_label("How it is going").fill("Drafted the legacy plan")
    maya_page.get_by_label("Rating, 1 to 5").select_option("3")
    maya_page.get_by_role("button", name="Add", exact=True).click()
    expect(maya_page.get_by_text("Progress noted.")).to_be_visible()
    go(maya_page, "progress")
    expect(maya_page.get_by_text("Drafted the legacy plan — 3/5")).to_be_visible()
    cora_page.goto(f"{base}/coaching/engagements/{engagement.pk}/")
    expect(cora_page.get_by_text("Drafted the legacy plan — 3/5")).to_be_visible()
    expect(cora_page.locator("#allowance")).to_contain_text("4 sessions left of 5 sessions")
