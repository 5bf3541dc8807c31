"""Calendar files as real clients read them: Mozilla's ical.js (Thunderbird, several web
calendars), run by Node, and two Python parsers, for meetings across several years of
daylight-saving changes in zones north and south of the equator.

ical.js comes from npm into tests/icaljs (its own package.json and lock); the first test run
installs it with `npm ci` when node_modules is missing.
"""

import json
import shutil
import subprocess
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject  # type: ignore[import-untyped]
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.lib.ics import CalendarEvent, build_calendar
from peerpower.meetings.actions import meeting_move
from peerpower.meetings.models import Meeting
from tests.conftest import World

ICALJS = Path(__file__).resolve().parent.parent / "icaljs"
UTC = ZoneInfo("UTC")


@cache
def _installed() -> Path:
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "Node.js is needed to read calendar files with ical.js (apt-get install nodejs)"
        )
    npm = shutil.which("npm")
    if not (ICALJS / "node_modules" / "ical.js").exists() and npm:
        subprocess.run(  # noqa: S603 — a fixed command line, nothing from outside
            [npm, "ci", "--no-audit", "--no-fund", "--silent"],
            cwd=ICALJS,
            check=True,
            timeout=300,
        )
    return Path(node)


def read_with_icaljs(content: bytes) -> dict[str, Any]:
    node = _installed()
    done = subprocess.run(  # noqa: S603 — a fixed command line; the file comes on stdin
        [str(node), "read.mjs"],
        cwd=ICALJS,
        input=content,
        capture_output=True,
        check=True,
        timeout=60,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def starts_by_uid_vobject(content: bytes) -> dict[str, datetime]:
    """vobject resolves TZID through the file's own VTIMEZONE, so it checks the VTIMEZONE."""
    cal = vobject.readOne(content.decode())
    return {e.uid.value: e.dtstart.value.astimezone(UTC) for e in cal.vevent_list}


def starts_by_uid_icalendar(content: bytes) -> dict[str, datetime]:
    cal = icalendar.Calendar.from_ical(content)
    return {str(e["UID"]): e.decoded("DTSTART").astimezone(UTC) for e in cal.walk("VEVENT")}


# Meetings on either side of each change, for five years, in three kinds of zone.
ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata"]


def _events(zone_name: str) -> list[CalendarEvent]:
    zone = ZoneInfo(zone_name)
    events = []
    for year in range(2026, 2032):
        for month in (1, 3, 4, 6, 10, 11, 12):
            start = datetime.combine(date(year, month, 8), time(9, 30), tzinfo=zone)
            events.append(
                CalendarEvent(
                    uid=f"{year}-{month}-{zone_name}@test",
                    sequence=0,
                    starts_at=start,
                    ends_at=start + timedelta(hours=4),
                    time_zone=zone_name,
                    summary="Monthly meeting",
                )
            )
    return events


@pytest.mark.parametrize("zone_name", ZONES)
def test_every_client_puts_each_meeting_at_0930_local_across_six_years(zone_name: str) -> None:
    events = _events(zone_name)
    content = build_calendar(events, name="Test")
    expected = {e.uid: e.starts_at.astimezone(UTC) for e in events}
    read = read_with_icaljs(content)
    assert {e["uid"]: utc(e["start"]) for e in read["events"]} == expected
    assert {e["tzid"] for e in read["events"]} == {zone_name}
    assert starts_by_uid_vobject(content) == expected
    assert starts_by_uid_icalendar(content) == expected


def test_each_change_of_offset_is_its_own_rdate_line() -> None:
    content = build_calendar(_events("Europe/London"), name="Test").decode()
    rdates = [line for line in content.splitlines() if line.startswith("RDATE")]
    assert rdates and all("," not in line for line in rdates)
    # Onsets in the offset they change from: 01:00 GMT in March, 02:00 BST in October.
    assert "RDATE:20270328T010000" in rdates
    assert "RDATE:20271031T020000" in rdates


def test_the_feed_read_by_icaljs_has_each_meeting_at_its_time(world: World, client: Client) -> None:
    """The November 2027 meeting was at 08:30 UTC for ical.js, an hour early."""
    for year, month in [(2028, 3), (2028, 11), (2029, 4), (2029, 10), (2030, 11)]:
        start = datetime.combine(
            date(year, month, 9), time(9, 30), tzinfo=ZoneInfo("Europe/London")
        )
        Meeting.objects.create(
            group=world.group,
            slot=date(year, month, 1),
            starts_at=start,
            ends_at=start + timedelta(hours=4),
        )
    response = client.get(reverse("meetings:feed", args=[world.member.calendar_token]))
    assert response.status_code == 200
    read = read_with_icaljs(response.content)
    expected = {
        f"{m.uid}@peerpower": m.starts_at
        for m in Meeting.objects.filter(
            group=world.group, ends_at__gte=datetime.now(UTC) - timedelta(days=365)
        )
    }
    assert {e["uid"]: utc(e["start"]) for e in read["events"]} == expected
    november = Meeting.objects.get(group=world.group, slot=date(2027, 11, 1))
    assert utc(
        next(e for e in read["events"] if e["uid"] == f"{november.uid}@peerpower")["start"]
    ) == datetime(2027, 11, 9, 9, 30, tzinfo=UTC)
    assert starts_by_uid_vobject(response.content) == expected
    assert read["refresh"] == "PT1H"
    text = response.content.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text
    assert "X-PUBLISHED-TTL:PT1H" in text


def test_an_emailed_invitation_read_by_icaljs(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    meeting = world.next_meeting()
    start = datetime.combine(
        meeting.starts_at.astimezone(ZoneInfo("Europe/London")).date(),
        time(10),
        tzinfo=ZoneInfo("Europe/London"),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_move(
            meeting=meeting,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            venue=meeting.venue,
            online_link="",
            by=world.chair,
        )
    message = next(m for m in mail.outbox if m.to == [world.member.email])
    [(_, content, _)] = message.attachments
    content = content if isinstance(content, bytes) else content.encode()
    read = read_with_icaljs(content)
    assert read["method"] == "REQUEST"
    [event] = read["events"]
    assert (utc(event["start"]), utc(event["end"]), event["sequence"]) == (
        start.astimezone(UTC),
        (start + timedelta(hours=3)).astimezone(UTC),
        1,
    )
    assert "REFRESH-INTERVAL" not in content.decode()  # an invitation is not a feed


def test_the_organiser_is_the_network(world: World) -> None:
    world.network.contact_email = "groups@northbridge.example.org"
    world.network.save()
    meeting = world.next_meeting()
    client = Client()
    client.force_login(world.member)
    content = client.get(reverse("meetings:ics", args=[meeting.pk])).content
    [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:groups@northbridge.example.org"
    assert organizer.params["CN"] == "Northbridge"


def test_without_a_contact_address_the_organiser_is_the_sites_sender(world: World) -> None:
    meeting = world.next_meeting()
    client = Client()
    client.force_login(world.member)
    content = client.get(reverse("meetings:ics", args=[meeting.pk])).content
    [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert str(event["ORGANIZER"]) == "mailto:no-reply@peerpower.localhost"
    assert event["ORGANIZER"].params["CN"] == "Northbridge"
