"""A formation run never touches confidential content: with every field of the group's issues
session planted with a marker, a run that keeps the group's members and fills its vacancies,
its pages, its stored rows, its acceptance emails and the log hold none of them."""

import logging
from datetime import time

import pytest
from django.core import mail
from django.urls import reverse
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks

from peerpower.formation import actions
from peerpower.formation.models import Candidate, CompetitorDecision, Run, RunGroup
from tests import leaks, urlwalk
from tests.formation import builders
from tests.issues.conftest import Session, session  # noqa: F401 - the issues session fixture
from tests.issues.test_leaks import marker
from tests.issues.test_leaks import plant as plant_issues


def test_a_run_reads_nothing_of_the_issues_session(
    session: Session,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    caplog: pytest.LogCaptureFixture,
) -> None:
    world = session.world
    with django_capture_on_commit_callbacks(execute=True):
        issue, _ = plant_issues(session)
    mail.outbox.clear()
    world.group.max_size = 12
    world.group.min_size = 4
    world.group.save()
    caplog.set_level(logging.DEBUG)
    people = builders.pool(world.network, 12, prefix="Leak")
    with django_capture_on_commit_callbacks(execute=True):
        run = actions.run_start(
            network=world.network,
            candidates=people,
            groups=[world.group],
            new_groups=[
                actions.NewGroup(
                    name="Leak Circle",
                    chair_email="leak-chair@example.org",
                    start_time=time(9, 30),
                    end_time=time(13, 30),
                )
            ],
            weights={"sector": 5, "looking_for": 3},
            seconds=1,
            min_size=4,
            max_size=12,
            by=world.admin,
        )
    run.refresh_from_db()
    assert run.status == Run.Status.DONE
    kept = Candidate.objects.filter(source=Candidate.Source.MEMBER)
    assert {c.email for c in kept} >= {session.alice.email, session.bob.email}
    # Nothing of it in the rows a run writes.
    stored = " ".join(
        str(row)
        for model in (Candidate, CompetitorDecision, Run, RunGroup)
        for row in model.objects.values()
    )
    assert marker.found_in(stored) == []
    # Nor on any formation page, for the admin who runs it, plainly or as htmx.
    client = leaks.client_of(world.admin)
    objects = {"slug": world.network.slug, "run": run.pk, "candidate": people[0].pk}
    found = []
    for name, pattern in urlwalk.all_patterns():
        if name.startswith("formation:"):
            url = urlwalk.url_for(name, pattern, objects)
            for response in (client.get(url), client.get(url, HTTP_HX_REQUEST="true")):
                found += [f"{name}: {m}" for m in marker.found_in(leaks.body_of(response))]
    assert found == []
    with django_capture_on_commit_callbacks(execute=True):
        actions.run_accept(run=run, by=world.admin)
    assert len(mail.outbox) >= 2
    assert leaks.read_mail(marker) == []
    assert marker.found_in(caplog.text) == []
    # There was data that could leak: the presenter reads it on the issue's page.
    page = leaks.client_of(session.alice).get(reverse("issues:detail", args=[issue.pk]))
    assert marker("question") in leaks.body_of(page)
