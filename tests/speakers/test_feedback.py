"""Members rate a held talk: once, within the window, only if they came; figures only from
three responses; anonymous responses that nobody, not even with the database, can trace."""

import logging
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from peerpower.speakers import actions
from peerpower.speakers.models import Booking, FeedbackGiven, FeedbackResponse, HeldFeedback
from peerpower.speakers.queries import feedback_summary
from peerpower.speakers.sealing import answered_tokens
from tests import factories
from tests.conftest import ClientFor, World
from tests.leaks import Markers, read_mail, walk
from tests.speakers.conftest import HeldTalk, close_feedback, held_talk, present


def rate(held: HeldTalk, who: object, scores: list[int | None], **kwargs: object) -> None:
    actions.feedback_submit(booking=held.booking, scores=scores, by=who, **kwargs)  # type: ignore[arg-type]


def refusal(held: HeldTalk, who: object) -> str:
    with pytest.raises(ValidationError) as error:
        rate(held, who, [5, 4])
    return " ".join(error.value.messages)


def test_rating_outside_the_window_is_refused(world: World) -> None:
    late = held_talk(world, days_ago=20)
    assert refusal(late, world.member) == "Feedback closed 14 days after the meeting."


def test_rating_before_the_meeting_is_over_is_refused(world: World) -> None:
    from tests.speakers.conftest import book, make_speaker

    booking = actions.booking_accept(
        booking=book(world, make_speaker(world, world.speaker)), by=world.speaker
    )
    with pytest.raises(ValidationError) as error:
        actions.feedback_submit(booking=booking, scores=[5, 5], by=world.member)
    assert error.value.messages == ["You can rate the talk once the meeting is over."]


def test_rating_twice_is_refused(held: HeldTalk) -> None:
    rate(held, held.world.member, [5, 4])
    assert refusal(held, held.world.member) == "You have already rated this talk; thank you."
    assert HeldFeedback.objects.filter(booking=held.booking).count() == 1
    assert FeedbackGiven.objects.filter(booking=held.booking).count() == 1


def test_rating_a_talk_one_did_not_attend_is_refused(held: HeldTalk) -> None:
    absent = factories.add_member(held.world.group).user
    assert refusal(held, absent) == (
        "Only members recorded as present at the meeting can rate the talk."
    )


def test_a_rating_outside_1_to_5_is_refused(held: HeldTalk) -> None:
    with pytest.raises(ValidationError) as error:
        rate(held, held.world.member, [6, 4])
    assert error.value.message_dict == {"scores": ["Each rating is from 1 to 5."]}


def test_the_form_shows_each_refusal_on_the_page(held: HeldTalk, client_for: ClientFor) -> None:
    client = client_for(held.world.member)
    url = reverse("speakers:feedback", args=[held.booking.pk])
    response = client.post(url, {"score_1": "5", "named": "anonymous", "comment": "Kept"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "id_score_2_error" in html and "Kept" in html  # what was typed stays
    response = client.post(url, {"score_1": "5", "score_2": "4", "named": "anonymous"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "You have rated this talk." in page


def test_nobody_sees_figures_from_fewer_than_three_responses(
    world: World, client_for: ClientFor
) -> None:
    two = held_talk(world, days_ago=10, members=2)
    speaker_page = reverse("speakers:booking", args=[two.booking.pk])
    directory = reverse("speakers:directory", args=[world.network.slug])
    rate(two, world.member, [5, 5], comment="LONE-COMMENT")
    rate(two, two.members[0], [1, 1])
    close_feedback(two.booking)
    for who in (world.speaker, world.chair, world.admin):
        html = client_for(who).get(speaker_page).content.decode()
        assert "Not enough responses yet." in html and "LONE-COMMENT" not in html
    listing = client_for(world.chair).get(directory).content.decode()
    assert "not enough responses yet" in listing and "3.00" not in listing
    three = held_talk(world, days_ago=2, members=3)
    for who, score in zip(three.members, (5, 1, 3), strict=True):
        rate(three, who, [score, score], comment=f"WORDS-{score}")
    close_feedback(three.booking)
    html = (
        client_for(world.speaker)
        .get(reverse("speakers:booking", args=[three.booking.pk]))
        .content.decode()
    )
    assert "3 responses." in html and "WORDS-1" in html
    listing = client_for(world.chair).get(directory).content.decode()
    assert "<strong>3.00</strong> out of 5" in listing  # (5+5+1+1+3+3)/6; the first talk not


def test_the_rating_reaches_the_directory_and_a_low_one_is_flagged_to_admins(
    held: HeldTalk, client_for: ClientFor
) -> None:
    for who in (held.world.member, *held.members[:2]):
        rate(held, who, [4, 4])
    close_feedback(held.booking)
    admin_view = client_for(held.world.admin).get(
        reverse("speakers:directory", args=[held.world.network.slug])
    )
    assert "below 4.25" in admin_view.content.decode()
    chair_view = client_for(held.world.chair).get(
        reverse("speakers:directory", args=[held.world.network.slug])
    )
    assert "below 4.25" not in chair_view.content.decode()


def test_anonymous_comments_carry_no_name_and_named_ones_do(held: HeldTalk) -> None:
    named, anonymous, third = held.members[:3]
    rate(held, named, [5, 5], comment="Named words", anonymous=False)
    rate(held, anonymous, [4, 4], comment="Quiet words", anonymous=True)
    rate(held, third, [4, 5])
    close_feedback(held.booking)
    summary = feedback_summary(held.booking, ["Useful", "Delivered"])
    assert summary is not None
    assert {(c.text, c.name) for c in summary.comments} == {
        ("Named words", named.display_name),
        ("Quiet words", ""),
    }


def test_an_anonymous_authors_name_is_on_no_page_that_shows_the_comment(
    held: HeldTalk,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Every person fetches every URL: wherever the anonymous comment shows, its author's name
    and email do not; the log of submitting it holds neither the comment nor the scores, and
    no email is sent with it."""
    world = held.world
    author = factories.add_member(world.group, factories.make_user("Ann Onymous")).user
    present(held.booking.meeting, author)
    markers = Markers("anon")
    secret = markers("comment")
    for who in held.members[:2]:
        rate(held, who, [4, 4], comment="Fine")
    mail.outbox.clear()
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        rate(held, author, [2, 3], comment=secret, anonymous=True)
        close_feedback(held.booking)
    assert markers.found_in(caplog.text) == []
    assert read_mail(markers) == []  # no email says anything of a response
    identity = Markers("id")
    identity.planted = {"name": author.display_name, "email": author.email}
    people = {
        "speaker": world.speaker,
        "chair": world.chair,
        "admin": world.admin,
        "member": world.member,
        "author": author,
    }
    objects = {
        "booking": held.booking.pk,
        "meeting": held.booking.meeting_id,
        "group": world.group.pk,
        "speaker": held.speaker.pk,
        "slug": world.network.slug,
        "membership_id": world.group.memberships.get(user=world.member).pk,
    }
    seen = walk(people, objects, markers)
    assert seen  # the speaker, chair and admin do read the comment
    pages = {line.split(": ")[1].split(" (")[0] for line in seen}
    assert pages == {"speakers:booking"}
    from django.test import Client

    for role in ("speaker", "chair", "admin"):
        client = Client()
        client.force_login(people[role])
        html = client.get(reverse("speakers:booking", args=[held.booking.pk])).content.decode()
        assert secret in html
        assert identity.found_in(html) == [], role


def test_the_admin_site_has_no_feedback() -> None:
    assert FeedbackResponse not in admin.site._registry
    assert FeedbackGiven not in admin.site._registry
    assert HeldFeedback not in admin.site._registry


def _physical_order(model: type) -> list[str]:
    """The table's rows in the database's own storage order (SQLite's rowid, PostgreSQL's
    ctid), as an admin with database access would read them."""
    table = connection.ops.quote_name(model._meta.db_table)  # type: ignore[attr-defined]
    hidden = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} ORDER BY {hidden}")  # noqa: S608 - our own table name
        return [str(uuid.UUID(str(row[0]))) for row in cursor.fetchall()]


def test_with_database_access_anonymous_responses_cannot_be_matched_to_who_responded(
    world: World,
) -> None:
    """Eight members answer anonymously, in a known order, each with a comment only they wrote.
    The "has responded" rows name nobody (a keyed hash; the key is not in the database). Even an
    attacker who also has the key, and so can tell whose each of those rows is, pairs them with
    the responses by every order the tables have (the database's own row order, the keys) and
    by the columns they share, and recovers no author: the responses were written in one
    shuffled batch when the window closed."""
    held = held_talk(world, members=8)
    order = held.members
    for n, who in enumerate(order):
        rate(held, who, [(n % 5) + 1, 5], comment=f"written by {who.pk}", anonymous=True)
    close_feedback(held.booking)
    truth = {f"written by {who.pk}" for who in order}
    responses = FeedbackResponse.objects.filter(booking=held.booking)
    assert {r.comment for r in responses} == truth
    assert all(r.author_id is None for r in responses)
    given_rows = list(FeedbackGiven.objects.filter(booking=held.booking))
    given_ids = [str(g.pk) for g in given_rows]
    whose = {answered_tokens(held.booking.uid, who.pk)[0]: who.pk for who in order}
    user_of = {str(g.pk): whose[g.token] for g in given_rows}  # needs the key
    comment_of = {str(r.pk): r.comment for r in responses}
    # No date or time is kept on either side, no person on the "has responded" side, nor any
    # column the two share but the booking.
    for model in (FeedbackResponse, FeedbackGiven, HeldFeedback):
        kinds = {f.get_internal_type() for f in model._meta.concrete_fields}
        assert not kinds & {"DateTimeField", "DateField", "TimeField", "AutoField", "BigAutoField"}
    assert {f.column for f in FeedbackGiven._meta.concrete_fields} == {"id", "booking_id", "token"}
    shared = {f.column for f in FeedbackResponse._meta.concrete_fields} & {
        f.column for f in FeedbackGiven._meta.concrete_fields
    }
    assert shared == {"id", "booking_id"}
    orders = {
        "storage order": (
            [g for g in _physical_order(FeedbackGiven) if g in user_of],
            [r for r in _physical_order(FeedbackResponse) if r in comment_of],
        ),
        "key order": (sorted(given_ids), sorted(comment_of)),
    }
    for how, (given_order, response_order) in orders.items():
        guessed = {
            (user_of[g], comment_of[r]) for g, r in zip(given_order, response_order, strict=True)
        }
        right = sum(1 for user, comment in guessed if comment == f"written by {user}")
        assert right < len(order), how
    # The last to answer is not the last response stored either (or the first).
    last = f"written by {order[-1].pk}"
    stored = [comment_of[r] for r in _physical_order(FeedbackResponse) if r in comment_of]
    assert stored != [f"written by {who.pk}" for who in order], "rows kept insertion order"
    assert last in stored
    assert Booking.objects.filter(pk=held.booking.pk).exists()


def test_the_profile_shows_each_questions_average_over_the_last_24_months_only(
    world: World, client_for: ClientFor
) -> None:
    """Two talks with three responses each: one held 25 months ago (outside the window, so it
    counts nowhere) and one held two days ago, whose averages per question and count are on
    the speaker's profile and in the directory."""
    old = held_talk(world, days_ago=761, members=3)
    # Three low responses, released when that talk's window closed long ago.
    FeedbackResponse.objects.bulk_create(
        [FeedbackResponse(booking=old.booking, score_1=1, score_2=1) for _ in old.members]
    )
    recent = held_talk(world, days_ago=2, members=3)
    for who, (useful, delivered) in zip(recent.members, [(5, 4), (4, 4), (3, 5)], strict=True):
        rate(recent, who, [useful, delivered])
    close_feedback(recent.booking)
    html = (
        client_for(world.member)
        .get(reverse("speakers:profile", args=[recent.speaker.pk]))
        .content.decode()
    )
    assert "<strong>4.17</strong> out of 5 overall, from 3 responses in the last 24 months." in html
    assert 'Useful to my organisation</dt><dd class="col-4 text-end">4.00</dd>' in html
    assert 'Well delivered</dt><dd class="col-4 text-end">4.33</dd>' in html
    listing = client_for(world.member).get(reverse("speakers:directory", args=[world.network.slug]))
    assert "<strong>4.17</strong> out of 5" in listing.content.decode()
    assert "(3 responses)" in listing.content.decode()


def test_a_named_rating_is_in_its_authors_data_and_loses_its_words_when_they_are_erased(
    held: HeldTalk, client_for: ClientFor
) -> None:
    """A named response is the member's personal data: in their own download, and on erasure
    its words and its author go while its scores stay in the talk's figures. An anonymous one
    is in nobody's download."""
    from peerpower.privacy.actions import person_erase

    named, anonymous, third = held.members[:3]
    rate(held, named, [5, 4], comment="Mk-named-words-71", anonymous=False)
    rate(held, anonymous, [4, 4], comment="Mk-quiet-words-72", anonymous=True)
    rate(held, third, [3, 5])
    close_feedback(held.booking)
    mine = client_for(named).get(reverse("privacy:mine_json")).content.decode()
    assert "Mk-named-words-71" in mine and "Mk-quiet-words-72" not in mine
    theirs = client_for(anonymous).get(reverse("privacy:mine_json")).content.decode()
    assert "Mk-quiet-words-72" not in theirs
    person_erase(person=named, network=held.world.network, by=held.world.admin)
    assert not FeedbackResponse.objects.filter(comment="Mk-named-words-71").exists()
    assert not FeedbackResponse.objects.filter(author=named).exists()
    assert sorted(FeedbackResponse.objects.values_list("score_1", flat=True)) == [3, 4, 5]
