"""Every time shown outside the meeting page names its zone when the viewer's zone differs
from the group's (one filter, `zone_label`, in `peerpower` template tags); emails always name
the reader's zone."""

import re
from pathlib import Path

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.lib.timezones import zone_label
from peerpower.meetings import tasks
from peerpower.meetings.actions import meeting_cancel
from tests.conftest import ClientFor, World

SRC = Path(__file__).resolve().parents[1] / "src" / "peerpower"
NEW_YORK = " (America/New_York time)"
TIME_RANGE = re.compile(r"\d\d:\d\d–\d\d:\d\d")

# Templates that show a time with no zone_label on the same line, and why that is right.
UNLABELLED = {
    # The meeting page says once, under its heading, which zone its times are in.
    "meetings/templates/meetings/meeting_detail.html",
    # The access and audit logs' column headers carry the label; so does the agenda table's.
    "issues/templates/issues/access_log.html",
    "audit/templates/audit/log.html",
    # The webhooks' delivery log: its "When" header carries the label for both times.
    "webhooks/templates/webhooks/endpoint.html",
    "templates/includes/agenda.html",
    # The agenda lines follow "The agenda now (zone time):".
    "meetings/templates/meetings/email/meeting_changed.txt",
    "meetings/templates/meetings/email/meeting_changed.html",
    # A subject line; the body names the zone.
    "meetings/templates/meetings/email/reminder_subject.txt",
    # Values for agenda.js, not shown (the page heading is labelled).
    "meetings/templates/meetings/agenda_edit.html",
    # A speaker's running order follows the line that names their zone.
    "speakers/templates/speakers/email/_logistics.txt",
    "speakers/templates/speakers/email/_logistics.html",
    # Free coaching times: the list's legend names the viewer's zone once.
    "coaching/templates/coaching/_slots.html",
    # A coach's weekly hours and days off, under a heading that names their working zone.
    "coaching/templates/coaching/profile.html",
}
SHOWS_A_TIME = re.compile(r"\|time:|H:i")
# A line that names the zone itself (the reader's, or the moment's own) is labelled too.
NAMES_A_ZONE = re.compile(r"zone_label|user\.time_zone \}\}|date:\"e\"")


def test_every_template_that_shows_a_time_labels_its_zone() -> None:
    unlabelled = []
    for path in sorted(SRC.rglob("templates/**/*")):
        if path.suffix not in (".html", ".txt"):
            continue
        name = str(path.relative_to(SRC))
        for number, line in enumerate(path.read_text().splitlines(), 1):
            shown = SHOWS_A_TIME.search(line) and not NAMES_A_ZONE.search(line)
            if shown and name not in UNLABELLED:
                unlabelled.append(f"{name}:{number}")
    assert unlabelled == []


def test_the_label_names_the_viewers_zone_only_when_it_is_not_the_groups() -> None:
    with timezone.override("America/New_York"):
        assert zone_label("Europe/London") == NEW_YORK
        assert zone_label("America/New_York") == ""
        assert zone_label("America/New_York", always=True) == NEW_YORK


def test_home_and_group_pages_label_every_time_for_a_viewer_elsewhere(
    world: World, client_for: ClientFor
) -> None:
    world.member.time_zone = "America/New_York"
    world.member.save()
    for url in (reverse("home"), reverse("groups:detail", args=[world.group.pk])):
        page = client_for(world.member).get(url).content.decode()
        # An agenda's rows sit under a labelled "Time" header (checked below).
        page = re.sub(r'<td class="agenda-time">[^<]*</td>', "", page)
        times = TIME_RANGE.findall(page)
        assert times, url
        # Each is labelled: shown in the viewer's zone, or (the group's pattern) in the group's.
        labelled = TIME_RANGE.pattern + r"(?: \(America/New_York time\)| \(Europe/London\))"
        assert len(re.findall(labelled, page)) == len(times), url
        # The chair, in the group's own zone, gets no label.
        assert "time)" not in client_for(world.chair).get(url).content.decode(), url
    home = client_for(world.member).get(reverse("home")).content.decode()
    assert f'<th scope="col">Time{NEW_YORK}</th>' in home  # the next meeting's agenda


def test_emails_name_the_readers_zone(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    world.member.time_zone = "America/New_York"
    world.member.save()
    meeting = world.next_meeting()
    mail.outbox.clear()
    tasks.send_series_invitation(meeting_ids=[meeting.pk])
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, reason="Venue closed", by=world.chair)
    by_reader: dict[str, list[str]] = {}
    for message in mail.outbox:
        by_reader.setdefault(message.to[0], []).append(str(message.body))
    assert len(by_reader[world.member.email]) == 2
    for body in by_reader[world.member.email]:
        assert NEW_YORK in body
    for body in by_reader[world.chair.email]:
        assert " (Europe/London time)" in body
