"""The admins' utilisation (per coach and per member, over the whole period and per month:
allowed, booked, hours, held, cancelled late, no-shows; the page's table and its CSV agree)
and the engagements needing attention (ending within 30 days, unused for six weeks)."""

import csv
import io
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from peerpower.coaching import reports
from peerpower.coaching.models import Engagement, Session
from tests import factories
from tests.coaching import builders
from tests.coaching.conftest import Coaching
from tests.conftest import ClientFor

LONDON = ZoneInfo("Europe/London")


def _session(e: Engagement, starts: datetime, minutes: int, status: str, **extra: bool) -> None:
    Session.objects.create(
        engagement=e, coach=e.coach.user, member=e.member, starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        blocked_until=starts + timedelta(minutes=minutes + 15),
        status=status, idempotency_key=uuid.uuid4(), **extra,
    )  # fmt: skip


def on(month: date, day: int, hour: int) -> datetime:
    return datetime(month.year, month.month, day, hour, tzinfo=LONDON)


def _month(months_ago: int) -> date:
    first = timezone.localdate().replace(day=1)
    for _ in range(months_ago):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


def test_utilisation_per_coach_and_member_per_month_on_the_page_and_in_the_csv(
    coaching: Coaching, client_for: ClientFor
) -> None:
    e = coaching.engagement  # 6 sessions, for the world's member
    world = coaching.world
    last, this = _month(1), _month(0)
    _session(e, on(last, 10, 9), 60, "held")
    _session(e, on(last, 12, 9), 90, "no_show")
    _session(e, on(last, 14, 9), 60, "cancelled", late=True)
    _session(e, on(this, 1, 9), 45, "held")
    _session(e, on(this, 1, 11), 60, "cancelled", late=True, waived=True)
    _session(e, on(this, 1, 13), 60, "cancelled")  # in good time: not late
    hours = builders.engagement(
        coaching.profile, factories.add_member(world.group).user, allowance=4, unit="hours"
    )
    _session(hours, on(this, 1, 15), 90, "held")

    report = reports.utilisation(world.network)
    rows = {(r.who, r.name, r.month): r for r in report.rows}
    coach = rows[("coach", world.coach.display_name, None)]
    assert (coach.sessions_allowed, coach.hours_allowed) == (6, 4)
    assert (coach.booked, coach.minutes_booked, coach.held, coach.late, coach.no_shows) == (
        4, 285, 3, 2, 1,
    )  # fmt: skip
    member_last = rows[("member", world.member.display_name, last)]
    assert (member_last.booked, member_last.hours_booked, member_last.late) == (2, 2.5, 1)
    member_this = rows[("member", world.member.display_name, this)]
    assert (member_this.booked, member_this.held, member_this.late) == (1, 1, 1)
    assert report.months == [(last, 2, 1), (this, 2, 2)]

    response = client_for(world.admin).get(
        reverse("coaching:utilisation_csv", args=[world.network.slug])
    )
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert tuple(lines[0]) == reports.CSV_HEADER
    assert ["coach", world.coach.display_name, "all", "6", "4", "4", "4.75", "3", "2", "1"] in (
        lines
    )
    name, month = world.member.display_name, f"{last:%Y-%m}"
    assert ["member", name, month, "", "", "2", "2.5", "1", "1", "1"] in lines
    page = client_for(world.admin).get(reverse("coaching:utilisation", args=[world.network.slug]))
    assert f'<th scope="row">{last:%B %Y}</th><td>2</td><td>1</td>' in page.content.decode()


def test_engagements_ending_soon_or_unused_for_six_weeks_need_attention(
    coaching: Coaching,
) -> None:
    world = coaching.world
    today = timezone.localdate()
    ending = builders.engagement(coaching.profile, factories.add_member(world.group).user)
    Engagement.objects.filter(pk=ending.pk).update(ends_on=today + timedelta(days=20))
    idle = builders.engagement(coaching.profile, factories.add_member(world.group).user)
    Engagement.objects.filter(pk=idle.pk).update(starts_on=today - timedelta(weeks=8))
    used = builders.engagement(coaching.profile, factories.add_member(world.group).user)
    Engagement.objects.filter(pk=used.pk).update(starts_on=today - timedelta(weeks=8))
    _session(used, timezone.now() - timedelta(weeks=2), 60, "held")
    found = {a.engagement.pk: a.reason for a in reports.needing_attention(world.network)}
    assert found[ending.pk] == f"ends on {today + timedelta(days=20):%-d %B %Y}"
    assert found[idle.pk] == "unused for six weeks"
    assert used.pk not in found
    assert coaching.engagement.pk not in found  # began 30 days ago: not yet six weeks
