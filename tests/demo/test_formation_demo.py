"""The demo's group formation: 40 applicants, two possible competitor pairs, and a run ready
to review that keeps every rule (on SQLite and on PostgreSQL)."""

from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from peerpower.accounts.models import User
from peerpower.formation import mix
from peerpower.formation.models import Candidate, Run
from peerpower.formation.queries import instance_for, person_of


def test_the_demo_has_a_pool_of_forty_two_competitor_pairs_and_a_run_to_review(
    db: None,
) -> None:
    call_command("load_demo", stdout=StringIO())
    pool = list(Candidate.objects.filter(source=Candidate.Source.APPLICANT))
    assert len(pool) == 40
    pairs = mix.possible_competitors([person_of(c) for c in pool])
    assert len(pairs) == 2
    run = Run.objects.get()
    assert run.status == Run.Status.DONE
    instance = instance_for(run)
    groups = run.groups_by_candidate()
    assert mix.size_problems(instance, groups) == []
    assert all(groups[a] != groups[b] for a, b in pairs)
    assert all(mix.move_refusal(instance, groups, p.pk, groups[p.pk]) == "" for p in pool)
    admin = User.objects.get(email="admin@demo.peerpower.test")
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("formation:run", args=["northbridge", run.pk]))
    assert page.status_code == 200
    assert "No two possible competitors not yet dismissed share a group (2 pairs kept apart)." in (
        page.content.decode()
    )
