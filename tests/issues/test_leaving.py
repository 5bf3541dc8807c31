"""A member leaves of their own accord: they may first keep their own record as a file and
erase their issues at once; otherwise the issues stay with the group until retention."""

import re

import pytest
from django.urls import reverse

from peerpower.accounts.models import User
from peerpower.groups import actions
from peerpower.groups.models import Membership, MembershipEvent
from peerpower.issues import actions as issue_actions
from peerpower.issues.export import own_record
from peerpower.issues.models import Issue, Note
from peerpower.issues.queries import issues_visible_to
from peerpower.lib.rules import Refused
from tests.conftest import ClientFor
from tests.issues.conftest import Session
from tests.leaks import Markers


def membership(session: Session, user: User) -> Membership:
    return Membership.objects.get(group=session.world.group, user=user)


@pytest.fixture
def planted(session: Session) -> tuple[Markers, Issue, Issue]:
    """Alice's issue with a note taken for her and a commitment; Bob's issue beside it."""
    marks = Markers("leave")
    mine = issue_actions.issue_submit(
        meeting=session.meeting, presenter=session.alice, question=marks("question")
    )
    Issue.objects.filter(pk=mine.pk).update(why_now=marks("why_now"), status=Issue.Status.WORKED)
    Note.objects.create(issue=mine, author=session.chair, text=marks("note"))
    theirs = issue_actions.issue_submit(
        meeting=session.meeting, presenter=session.bob, question=marks("others_question")
    )
    return marks, mine, theirs


def test_the_record_holds_the_members_own_issues_notes_and_nothing_of_anyone_else(
    session: Session, planted: tuple[Markers, Issue, Issue]
) -> None:
    marks, _, _ = planted
    text = own_record(group=session.world.group, by=session.alice)
    assert marks.found_in(text) == [marks("question"), marks("why_now"), marks("note")]
    assert "&" not in text.replace("&amp;", "")  # plain text, not HTML-escaped


def test_nobody_outside_the_group_gets_a_record(session: Session) -> None:
    with pytest.raises(Refused):
        own_record(group=session.world.group, by=session.world.admin)


def test_leaving_keeps_the_issues_with_the_group_and_shows_her_none(
    session: Session, planted: tuple[Markers, Issue, Issue]
) -> None:
    _, mine, _ = planted
    erased = actions.membership_leave(
        membership=membership(session, session.alice), by=session.alice
    )
    assert erased == 0
    assert membership(session, session.alice).status == Membership.Status.LEFT
    assert Issue.objects.filter(pk=mine.pk).exists()
    assert not issues_visible_to(session.alice).exists()
    assert issues_visible_to(session.bob).filter(pk=mine.pk).exists()
    event = MembershipEvent.objects.filter(group=session.world.group, user=session.alice).first()
    assert event is not None
    assert (event.kind, event.by_id) == (MembershipEvent.Kind.LEFT, session.alice.pk)


def test_leaving_with_erase_removes_her_issues_and_notes_only(
    session: Session, planted: tuple[Markers, Issue, Issue]
) -> None:
    _, mine, theirs = planted
    erased = actions.membership_leave(
        membership=membership(session, session.alice), by=session.alice, erase_issues=True
    )
    assert erased == 1
    assert not Issue.objects.filter(pk=mine.pk).exists()
    assert not Note.objects.filter(issue_id=mine.pk).exists()
    assert Issue.objects.filter(pk=theirs.pk).exists()


def test_nobody_leaves_for_someone_else(session: Session) -> None:
    for other in (session.bob, session.chair, session.world.admin):
        with pytest.raises(Refused):
            actions.membership_leave(membership=membership(session, session.alice), by=other)
    assert membership(session, session.alice).status == Membership.Status.ACTIVE


def test_the_chair_cannot_simply_leave(session: Session) -> None:
    with pytest.raises(Refused):
        actions.membership_leave(membership=membership(session, session.chair), by=session.chair)


def test_someone_else_asking_to_erase_erases_nothing(
    session: Session, planted: tuple[Markers, Issue, Issue]
) -> None:
    _, mine, _ = planted
    with pytest.raises(Refused):
        actions.membership_leave(
            membership=membership(session, session.alice), by=session.bob, erase_issues=True
        )
    assert Issue.objects.filter(pk=mine.pk).exists()


def test_the_leave_page_needs_the_confirmation_and_keeps_the_choice(
    session: Session, client_for: ClientFor
) -> None:
    client = client_for(session.alice)
    url = reverse("groups:leave", args=[session.world.group.pk])
    response = client.post(url, {"erase_issues": "on"})
    assert response.status_code == 200
    assert "Tick this to confirm that you are leaving." in response.content.decode()
    assert re.search(r'<input[^>]*name="erase_issues"[^>]*checked', response.content.decode())
    assert membership(session, session.alice).status == Membership.Status.ACTIVE


def test_the_leave_page_leaves_and_goes_home(session: Session, client_for: ClientFor) -> None:
    client = client_for(session.alice)
    url = reverse("groups:leave", args=[session.world.group.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert membership(session, session.alice).status == Membership.Status.LEFT


def test_the_record_download_is_a_private_attachment(
    session: Session, planted: tuple[Markers, Issue, Issue], client_for: ClientFor
) -> None:
    marks, _, _ = planted
    response = client_for(session.alice).get(
        reverse("issues:own_record", args=[session.world.group.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="my-issues-')
    assert "no-store" in response["Cache-Control"]
    assert marks("question") in response.content.decode()
    assert marks("others_question") not in response.content.decode()
    assert (
        client_for(session.world.admin)
        .get(reverse("issues:own_record", args=[session.world.group.pk]))
        .status_code
        == 404
    )


def test_leaving_takes_her_open_issues_out_of_every_queue(
    session: Session, planted: tuple[Markers, Issue, Issue]
) -> None:
    _, worked, theirs = planted
    proposed = issue_actions.issue_submit(
        meeting=session.meeting, presenter=session.alice, question="Still open?"
    )
    actions.membership_leave(membership=membership(session, session.alice), by=session.alice)
    statuses = dict(Issue.objects.values_list("pk", "status"))
    assert statuses[proposed.pk] == Issue.Status.WITHDRAWN
    assert statuses[worked.pk] == Issue.Status.WORKED  # what the room took up stays
    assert statuses[theirs.pk] == Issue.Status.PROPOSED
