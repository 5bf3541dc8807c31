"""Anonymous feedback against readings over time: someone who compares copies of the database
taken either side of one answer, or who watches a talk's figures as answers come in.

"Has answered" is a keyed hash (the key outside the database), each answer waits sealed and
padded to one length until the window closes, and then all of a talk's answers are written as
responses in one shuffled batch, once; nothing is shown before that, and the window never
opens again.
"""

import hashlib
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from peerpower.speakers import actions, tasks
from peerpower.speakers.models import (
    Booking,
    FeedbackGiven,
    FeedbackResponse,
    HeldFeedback,
    SpeakerSettings,
)
from peerpower.speakers.queries import feedback_summary, has_responded
from peerpower.speakers.sealing import answered_tokens, unseal
from tests.conftest import ClientFor, World
from tests.speakers.conftest import HeldTalk, close_feedback, held_talk

Rows = dict[str, set[tuple[object, ...]]]


def database() -> Rows:
    """Every row of every table, as someone with a copy of the database reads it."""
    copy: Rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - the database's own table names
            copy[table] = {tuple(str(v) for v in row) for row in cursor.fetchall()}
    return copy


def changes(before: Rows, after: Rows) -> dict[str, tuple[set[tuple[object, ...]], ...]]:
    """Per table, the rows only in the first copy and those only in the second."""
    return {
        table: (before.get(table, set()) - rows, rows - before.get(table, set()))
        for table, rows in after.items()
        if rows != before.get(table, set())
    }


def rate(held: HeldTalk, who: object, scores: list[int], **kwargs: object) -> None:
    actions.feedback_submit(booking=held.booking, scores=scores, by=who, **kwargs)  # type: ignore[arg-type]


def test_two_copies_of_the_database_either_side_of_one_answer_pair_nothing(
    world: World,
) -> None:
    """The copies differ by one "has answered" row and one held answer: neither names the
    member (not their id, name or email), neither says what they wrote, and no response is
    written. Across the window's closing, the held answers (all the same length, sealed) go
    and the responses come in one batch, so no held answer can be matched to its response."""
    held = held_talk(world, members=3)
    for who in held.members[:2]:
        rate(held, who, [4, 4], comment="x" * 1900)
    author = world.member
    before = database()
    rate(held, author, [1, 2], comment="ONLY-THE-AUTHOR-WROTE-THIS", anonymous=False)
    after = database()
    diff = changes(before, after)
    given = FeedbackGiven._meta.db_table
    kept = HeldFeedback._meta.db_table
    assert set(diff) == {given, kept}
    assert {t: (len(gone), len(new)) for t, (gone, new) in diff.items()} == {
        given: (0, 1),
        kept: (0, 1),
    }
    new_rows = [row for _, new in diff.values() for row in new]
    flat = " ".join(str(v) for row in new_rows for v in row)
    for trace in (author.email, author.display_name, "ONLY-THE-AUTHOR-WROTE-THIS"):
        assert trace not in flat
    ((given_row,),) = [new for table, (_, new) in diff.items() if table == given]
    assert str(author.pk) not in given_row  # no person column, not even a named answer's
    # The hash is keyed: not the plain hash of what an insider could guess.
    guesses = {
        hashlib.sha256(f"{held.booking.uid}:{author.pk}".encode()).hexdigest(),
        hashlib.sha256(f"{held.booking.pk}:{author.pk}".encode()).hexdigest(),
    }
    assert not guesses & set(given_row)
    # Every held answer is the same length, a 26-character comment or a 1,900-character one.
    assert len({len(h.sealed) for h in HeldFeedback.objects.filter(booking=held.booking)}) == 1

    rate(held, held.members[2], [5, 5])
    before = database()
    close_feedback(held.booking)
    diff = changes(before, database())
    responses = FeedbackResponse._meta.db_table
    assert set(diff) == {kept, responses, Booking._meta.db_table}
    assert (len(diff[kept][0]), len(diff[kept][1])) == (4, 0)
    assert (len(diff[responses][0]), len(diff[responses][1])) == (0, 4)
    named = FeedbackResponse.objects.get(booking=held.booking, author=author)
    assert named.comment == "ONLY-THE-AUTHOR-WROTE-THIS"


def _strip_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def test_the_figures_do_not_change_while_the_window_is_open(
    world: World, client_for: ClientFor
) -> None:
    """The speaker's, chair's and admin's pages read the same after each of four answers:
    no average, comment or count moves, so none tells what the latest answer was. Once the
    window closes they show all four at once."""
    held = held_talk(world, members=4)
    pages = [
        (world.speaker, reverse("speakers:booking", args=[held.booking.pk])),
        (world.chair, reverse("speakers:booking", args=[held.booking.pk])),
        (world.admin, reverse("speakers:directory", args=[world.network.slug])),
        (world.admin, reverse("speakers:profile", args=[held.speaker.pk])),
    ]
    clients = [(client_for(who), url) for who, url in pages]

    def seen() -> list[str]:
        return [_strip_tokens(client.get(url).content.decode()) for client, url in clients]

    first = seen()
    assert "The averages and comments appear here once feedback has closed" in first[0]
    for n, who in enumerate(held.members):
        rate(held, who, [n + 1, 5], comment=f"ANSWER-{n}")
        assert seen() == first, f"after answer {n + 1}"
        assert feedback_summary(held.booking, ["Useful", "Delivered"]) is None
    close_feedback(held.booking)
    speaker_page, _, directory, _ = seen()
    assert "4 responses." in speaker_page
    assert all(f"ANSWER-{n}" in speaker_page for n in range(4))
    assert "out of 5" in directory


def test_the_batch_runs_once_however_many_servers_run_it(world: World) -> None:
    """The periodic task closes a window that has run out, once: a second run, another
    server's run of the same, or a direct second release, writes nothing more. A window still
    open is left alone."""
    late = held_talk(world, days_ago=15, members=3)
    SpeakerSettings.objects.update_or_create(network=world.network, defaults={"feedback_days": 30})
    for who in late.members:  # answered while the window was a month
        actions.feedback_submit(booking=late.booking, scores=[4, 4], by=who)
    SpeakerSettings.objects.filter(network=world.network).update(feedback_days=14)
    still_open = held_talk(world, days_ago=2, members=1)
    actions.feedback_submit(booking=still_open.booking, scores=[5, 5], by=still_open.members[0])

    tasks.release_feedback()  # the periodic task, as a consumer runs it
    assert actions.feedback_release_due() == 0  # a second server, right after
    assert actions.feedback_release(booking=late.booking) is False
    late.booking.refresh_from_db()
    assert late.booking.feedback_released_at is not None
    assert FeedbackResponse.objects.filter(booking=late.booking).count() == 3
    assert not HeldFeedback.objects.filter(booking=late.booking).exists()
    still_open.booking.refresh_from_db()
    assert still_open.booking.feedback_released_at is None
    assert not FeedbackResponse.objects.filter(booking=still_open.booking).exists()
    assert HeldFeedback.objects.filter(booking=still_open.booking).count() == 1


def test_a_closed_window_never_opens_again(world: World, client_for: ClientFor) -> None:
    """Raising the network's window after a talk's feedback closed does not let anyone in:
    an answer then would be the one response added after the figures were shown."""
    held = held_talk(world, days_ago=15, members=3)
    assert actions.feedback_release_due() == 1
    SpeakerSettings.objects.update_or_create(network=world.network, defaults={"feedback_days": 90})
    held.booking.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        rate(held, held.members[0], [5, 5])
    assert error.value.messages == ["Feedback on this talk has closed."]
    page = client_for(held.members[0]).get(reverse("speakers:feedback", args=[held.booking.pk]))
    assert "Feedback on this talk has closed." in page.content.decode()
    assert not HeldFeedback.objects.exists()


def test_a_new_key_keeps_the_answers_of_open_windows(world: World) -> None:
    """Operators change the key by putting a new one first (docs/operators.md): a member who
    answered under the old key still cannot answer twice, and their held answer still opens."""
    held = held_talk(world, members=3)
    with override_settings(PEERPOWER_FEEDBACK_KEYS=["old-secret"]):
        rate(held, held.members[0], [3, 3], comment="Under the old key")
        old = answered_tokens(held.booking.uid, held.members[0].pk)
    with override_settings(PEERPOWER_FEEDBACK_KEYS=["new-secret", "old-secret"]):
        assert answered_tokens(held.booking.uid, held.members[0].pk)[1] == old[0]
        assert has_responded(held.members[0], held.booking)
        with pytest.raises(ValidationError, match="already rated"):
            rate(held, held.members[0], [5, 5])
        rate(held, held.members[1], [4, 4])
        close_feedback(held.booking)
    comments = set(FeedbackResponse.objects.values_list("comment", flat=True))
    assert comments == {"Under the old key", ""}
    # Without the key nothing opens, and "has answered" matches nobody.
    sealed = HeldFeedback(booking=held.booking, sealed="gAAAAA-not-ours")
    assert unseal(sealed.sealed) is None
    assert not FeedbackGiven.objects.filter(
        token__in=answered_tokens(held.booking.uid, held.members[0].pk)
    ).exists()


def test_bureau_settings_change_only_windows_still_open(world: World) -> None:
    held = held_talk(world, days_ago=10, members=3)
    actions.bureau_settings_update(
        network=world.network,
        topics=[],
        repeat_months=24,
        feedback_days=7,
        rating_threshold=Decimal("4.25"),
        upload_max_mb=25,
        questions=["Useful", "Clear"],
        by=world.admin,
    )
    assert actions.feedback_release_due() == 1  # a shorter window closes it at the next run
    held.booking.refresh_from_db()
    assert held.booking.feedback_released_at is not None
