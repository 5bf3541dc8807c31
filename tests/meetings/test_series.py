from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.groups.actions import group_update
from peerpower.meetings.actions import meeting_cancel, meeting_move, series_generate
from peerpower.meetings.models import Meeting
from peerpower.networks.models import Network
from tests import factories

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def network(db: None) -> Network:
    return factories.make_network()


def local(meeting: Meeting) -> datetime:
    return meeting.starts_at.astimezone(LONDON)


def test_series_has_a_meeting_on_the_pattern_day_of_each_of_the_next_twelve_months(
    network: Network,
) -> None:
    group = factories.make_group(
        network, week_of_month=2, weekday=1, series_start=date(2030, 1, 1), today=date(2029, 12, 1)
    )
    meetings = list(Meeting.objects.filter(group=group))
    assert [m.slot for m in meetings] == [date(2030, m, 1) for m in range(1, 13)]
    # 2nd Tuesdays of 2030
    assert [local(m).date().day for m in meetings] == [8, 12, 12, 9, 14, 11, 9, 13, 10, 8, 12, 10]
    assert all(local(m).time() == time(9, 30) for m in meetings)


def test_local_time_holds_across_daylight_saving(network: Network) -> None:
    group = factories.make_group(network, series_start=date(2030, 1, 1), today=date(2029, 12, 1))
    january = Meeting.objects.get(group=group, slot=date(2030, 1, 1))
    july = Meeting.objects.get(group=group, slot=date(2030, 7, 1))
    assert january.starts_at == datetime(2030, 1, 8, 9, 30, tzinfo=ZoneInfo("UTC"))
    assert july.starts_at == datetime(2030, 7, 9, 8, 30, tzinfo=ZoneInfo("UTC"))  # BST is UTC+1


def test_last_weekday_pattern(network: Network) -> None:
    group = factories.make_group(
        network, week_of_month=-1, weekday=4, series_start=date(2030, 1, 1), today=date(2029, 12, 1)
    )
    assert [local(m).date() for m in Meeting.objects.filter(group=group)][:3] == [
        date(2030, 1, 25),
        date(2030, 2, 22),
        date(2030, 3, 29),
    ]


def test_each_meeting_gets_the_half_day_agenda_filling_it_exactly(network: Network) -> None:
    group = factories.make_group(network, series_start=date(2030, 1, 1), today=date(2029, 12, 1))
    meeting = Meeting.objects.filter(group=group).first()
    assert meeting is not None
    items = list(meeting.agenda_items.values_list("title", "minutes"))
    assert items == [
        ("Arrival and check-in", 30),
        ("Expert speaker", 60),
        ("Break", 15),
        ("Issues session", 90),
        ("Networking and lunch", 45),
    ]
    assert sum(m for _, m in items) == meeting.duration_minutes == 240


def test_regenerating_twice_changes_nothing(network: Network) -> None:
    group = factories.make_group(network)
    changes = series_generate(group=group)
    assert (changes.created, changes.updated, changes.cancelled) == ([], [], [])
    assert Meeting.objects.filter(group=group).count() == 12


def test_moved_and_cancelled_meetings_survive_a_pattern_change(network: Network) -> None:
    admin = factories.make_admin(network)
    group = factories.make_group(network)
    factories.add_member(group)
    first, second, third = Meeting.objects.filter(group=group)[:3]
    new_start = first.starts_at + timedelta(days=1, hours=1)
    meeting_move(
        meeting=first,
        starts_at=new_start,
        ends_at=new_start + timedelta(hours=4),
        venue=None,
        online_link="https://meet.example.org/x",
        by=admin,
    )
    meeting_cancel(meeting=second, reason="Venue closed", by=admin)

    group_update(group=group, by=admin, weekday=3)  # Tuesdays become Thursdays

    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert first.starts_at == new_start
    assert second.status == Meeting.Status.CANCELLED
    assert local(third).weekday() == 3
    assert third.sequence == 1
    assert Meeting.objects.filter(group=group).count() == 12


def test_pattern_change_sends_updates_only_for_meetings_that_moved(
    network: Network,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    admin = factories.make_admin(network)
    group = factories.make_group(network)
    factories.add_member(group)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        group_update(group=group, by=admin, start_time=time(10, 0))
    future = Meeting.objects.filter(group=group, starts_at__gt=timezone.now()).count()
    assert len(mail.outbox) == future
    assert all(m.subject.startswith("Changed:") for m in mail.outbox)


def test_the_nightly_task_keeps_the_series_a_year_ahead(network: Network) -> None:
    from peerpower.meetings.tasks import extend_series

    group = factories.make_group(network)
    last = Meeting.objects.filter(group=group).order_by("-starts_at").first()
    assert last is not None
    last.delete()  # as if a month had passed and the horizon moved on
    extend_series.call_local()
    assert Meeting.objects.filter(group=group).count() == 12
