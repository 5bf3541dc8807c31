"""The coaching pages through the client: booking in the member's zone, bad input with the
message beside the field, someone else's session a 404."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from django.urls import reverse

from peerpower.accounts.models import User
from peerpower.coaching.forms import parse_wall_clock
from peerpower.coaching.models import Session
from tests import factories
from tests.coaching import builders
from tests.coaching.builders import at, book, day_ahead
from tests.coaching.conftest import Coaching
from tests.conftest import ClientFor


def _post_booking(
    client_for: ClientFor, member: User, pk: int, starts_at: str, minutes: int = 60
) -> Any:
    return client_for(member).post(
        reverse("coaching:book", args=[pk]),
        {"starts_at": starts_at, "minutes": minutes, "key": str(uuid.uuid4()), "agenda": ""},
    )


def test_a_coach_in_london_and_a_member_in_new_york_see_the_same_instant(
    coaching: Coaching, client_for: ClientFor
) -> None:
    member = coaching.world.member
    User.objects.filter(pk=member.pk).update(time_zone="America/New_York")
    member.refresh_from_db()
    day = day_ahead(3)
    london_ten = at(day, 10)
    new_york = london_ten.astimezone(__import__("zoneinfo").ZoneInfo("America/New_York"))
    page = client_for(member).get(reverse("coaching:book", args=[coaching.engagement.pk]))
    value = f"{new_york:%Y-%m-%dT%H:%M%z}"
    assert f'value="{value}"' in page.content.decode()
    assert "(times in America/New_York)" in page.content.decode()
    response = _post_booking(client_for, member, coaching.engagement.pk, value)
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.starts_at == london_ten
    coach_page = client_for(coaching.world.coach).get(
        reverse("coaching:session", args=[session.pk])
    )
    assert (
        f"{london_ten:%H:%M}" in coach_page.content.decode()
        or "10:00" in coach_page.content.decode()
    )


def test_a_taken_slot_answers_409_with_the_nearest_free_times(
    coaching: Coaching, client_for: ClientFor
) -> None:
    other = builders.engagement(coaching.profile, factories.add_member(coaching.world.group).user)
    starts = at(day_ahead(7), 10)
    book(other, starts)
    response = _post_booking(
        client_for, coaching.world.member, coaching.engagement.pk, f"{starts:%Y-%m-%dT%H:%M%z}"
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="id_starts_at_error">That time was just taken.' in html
    assert "The nearest free times:" in html


def test_a_malformed_time_is_refused_beside_the_field(
    coaching: Coaching, client_for: ClientFor
) -> None:
    response = _post_booking(
        client_for, coaching.world.member, coaching.engagement.pk, "next tuesday"
    )
    assert response.status_code == 400
    assert (
        'id="id_starts_at_error">Give a date and time like 2027-03-28T09:30.'
        in response.content.decode()
    )


def test_a_time_that_does_not_exist_or_occurs_twice_is_refused(
    coaching: Coaching, client_for: ClientFor
) -> None:
    missing = _post_booking(
        client_for, coaching.world.member, coaching.engagement.pk, "2027-03-28T01:30"
    )
    assert (
        "01:30 does not exist on 2027-03-28 in Europe/London: the clocks go forward then."
        in missing.content.decode()
    )
    twice = _post_booking(
        client_for, coaching.world.member, coaching.engagement.pk, "2027-10-31T01:30"
    )
    assert (
        "01:30 happens twice on 2027-10-31 in Europe/London (the clocks go back): "
        "choose one of the times offered." in twice.content.decode()
    )
    # With the offset it was offered in, either 01:30 is meant one way.
    assert parse_wall_clock("2027-10-31T01:30+0100", "Europe/London") == datetime(
        2027, 10, 31, 0, 30, tzinfo=UTC
    )
    assert parse_wall_clock("2027-10-31T01:30+00:00", "Europe/London") == datetime(
        2027, 10, 31, 1, 30, tzinfo=UTC
    )


def test_someone_elses_session_is_a_404(coaching: Coaching, client_for: ClientFor) -> None:
    session = book(coaching.engagement, at(day_ahead(7), 10))
    for who in (coaching.world.other_member, coaching.world.admin, coaching.world.chair):
        client = client_for(who)
        assert client.get(reverse("coaching:reschedule", args=[session.pk])).status_code == 404
        assert (
            client.post(
                reverse("coaching:reschedule", args=[session.pk]), {"starts_at": "2030-01-01T10:00"}
            ).status_code
            == 404
        )
        assert client.post(reverse("coaching:cancel", args=[session.pk])).status_code == 404
    session.refresh_from_db()
    assert (session.status, session.sequence) == ("booked", 0)


def test_a_double_click_books_once(coaching: Coaching, client_for: ClientFor) -> None:
    client = client_for(coaching.world.member)
    starts = at(day_ahead(7), 10)
    form = {"starts_at": f"{starts:%Y-%m-%dT%H:%M%z}", "minutes": 60, "key": str(uuid.uuid4())}
    url = reverse("coaching:book", args=[coaching.engagement.pk])
    first, second = client.post(url, form), client.post(url, form)
    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"]
    assert Session.objects.count() == 1


def test_the_coach_waives_a_late_cancellation_and_the_member_sees_the_allowance_back(
    coaching: Coaching, client_for: ClientFor
) -> None:
    from peerpower.coaching import actions

    session = book(coaching.engagement, at(day_ahead(2), 10))
    actions.session_cancel(
        session=session, by=coaching.world.member, now=session.starts_at - timedelta(hours=2)
    )
    page = client_for(coaching.world.member).get(
        reverse("coaching:engagement", args=[coaching.engagement.pk])
    )
    assert "<strong>5 sessions</strong> left of 6 sessions" in page.content.decode()
    client_for(coaching.world.coach).post(reverse("coaching:waive", args=[session.pk]))
    page = client_for(coaching.world.member).get(
        reverse("coaching:engagement", args=[coaching.engagement.pk])
    )
    assert "<strong>6 sessions</strong> left of 6 sessions" in page.content.decode()


def test_a_tampered_rating_saves_nothing(coaching: Coaching, client_for: ClientFor) -> None:
    from peerpower.coaching.models import Goal, GoalUpdate

    goal = Goal.objects.create(engagement=coaching.engagement, title="Income")
    client = client_for(coaching.world.member)
    for rating in ("0", "6", "-1", "abc", "1e400"):
        response = client.post(
            reverse("coaching:goal_progress", args=[goal.pk]), {"text": "Fine", "rating": rating}
        )
        assert response.status_code == 302
    assert GoalUpdate.objects.count() == 0
    page = client.get(reverse("coaching:engagement", args=[coaching.engagement.pk]))
    assert "Say how it is going and rate it from 1 to 5." in page.content.decode()
