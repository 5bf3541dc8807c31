"""Planted markers: anonymous comments reach only the group's chair and the network's admins,
on the group health page and its CSV, never beside a name; a member's named words reach only
them; and nothing of the group's issues session reaches any survey or dashboard page."""

from typing import Any

from django.core import mail
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.impact import actions
from peerpower.impact.models import Response
from tests import factories, leaks
from tests.impact.conftest import BASELINE, HEALTH, close, send
from tests.issues.conftest import Session as IssuesSession
from tests.issues.conftest import session as session  # the fixture, for these tests
from tests.issues.test_leaks import marker as group_marker
from tests.issues.test_leaks import plant

mark = leaks.Markers("1a7c")
COMMENTS = [f"comment_{i}" for i in range(5)]


def _scene(s: IssuesSession, capture: DjangoCaptureOnCommitCallbacks) -> dict[str, Any]:
    world = s.world
    plant(s)  # the issues session's every confidential field, with its markers
    authors = [
        factories.add_member(world.group, factories.make_user(f"Anon Author{i}")).user
        for i in range(5)
    ]
    with capture(execute=True):
        health = send(world, "group_health", authors)
        for person, field in zip(authors, COMMENTS, strict=True):
            actions.answers_submit(
                invitation=health[person], answers={**HEALTH, "comment": mark(field)}, by=person
            )
        close(health[authors[0]])
        actions.rounds_close_due()
        baseline = send(world, "baseline", [world.member])[world.member]
        actions.answers_submit(
            invitation=baseline,
            answers={**BASELINE, "hopes": mark("named_hopes")},
            may_quote=True,
            by=world.member,
        )
        after = send(world, "after_meeting", [world.member], meeting=s.meeting)[world.member]
        actions.answers_submit(
            invitation=after,
            answers={"worth": 9, "most_useful": "The issues", "change": mark("named_change")},
            by=world.member,
        )
    assert Response.objects.filter(respondent=None).count() == 5
    return {
        "authors": authors,
        "objects": {
            "group": world.group.pk,
            "slug": world.network.slug,
            "meeting": s.meeting.pk,
            "membership_id": world.group.memberships.get(user=world.member).pk,
            "invitation": baseline.pk,
            "survey": baseline.round.survey_id,
        },
    }


def test_anonymous_comments_reach_only_the_chair_and_admins_and_never_with_a_name(
    session: IssuesSession, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    world = session.world
    scene = _scene(session, django_capture_on_commit_callbacks)
    objects = scene["objects"]
    anonymous = [mark(f) for f in COMMENTS]
    named = [mark("named_hopes"), mark("named_change")]
    people = {k: v for k, v in leaks.outsiders(world).items() if k != "network admin"}
    people |= {"pledged member": session.bob, "outsider": world.outsider}
    people |= {f"author {i}": a for i, a in enumerate(scene["authors"])}
    assert leaks.walk(people, objects, mark) == []
    for who in (world.chair, world.admin):
        seen = leaks.walk({"viewer": who}, objects, mark)
        pages = {entry.split(" (")[0].split(": ", 1)[1] for entry in seen}
        assert pages == {"impact:group_health", "impact:group_health_csv"}, seen
        assert sorted({m for m in mark.all() if any(m in e for e in seen)}) == sorted(anonymous)
        page = leaks.client_of(who).get(f"/groups/{world.group.pk}/health/").content.decode()
        assert all(a.display_name not in page for a in scene["authors"])
    member_saw = leaks.walk({"member": world.member}, objects, mark)
    assert {m for m in mark.all() if any(m in e for e in member_saw)} <= set(named), member_saw
    # Only on their own answer page and in their own copy of their data.
    own_pages = (": impact:answer ", ": privacy:mine ", ": privacy:mine_json ")
    assert all(any(p in e for p in own_pages) for e in member_saw), member_saw
    assert not set(named) & set(" ".join(leaks.walk({"chair": world.chair}, objects, mark)).split())
    assert leaks.read_mail(mark) == []
    assert len(mail.outbox) >= 0


def test_nothing_of_the_issues_session_reaches_a_survey_or_dashboard(
    session: IssuesSession, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    world = session.world
    scene = _scene(session, django_capture_on_commit_callbacks)
    people = {
        "chair": world.chair,
        "admin": world.admin,
        "member": world.member,
        "bob": session.bob,
    }
    seen = leaks.walk(people, scene["objects"], group_marker)
    assert [entry for entry in seen if ": impact:" in entry] == []
