"""A run from start to acceptance through the pages: the pool, the run on the task queue
(immediate in tests) with its progress on the row, the proposal, moves by hand, locks, a
re-run and acceptance through the usual proposal flow."""

from datetime import time
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peerpower.formation import actions, solver
from peerpower.formation.models import Candidate, Run
from peerpower.formation.queries import instance_for
from peerpower.groups.models import Membership, PeerGroup
from peerpower.guests.models import GuestRequest
from tests.conftest import ClientFor, World
from tests.formation import builders
from tests.formation.conftest import Sends
from tests.guests import builders as guest_builders

WEIGHTS = {"sector": 5, "size": 3, "region": 1, "years": 2, "kind": 2, "looking_for": 1}


def _new(name: str, chair: str) -> actions.NewGroup:
    return actions.NewGroup(
        name=name, chair_email=chair, start_time=time(9, 30), end_time=time(13, 30)
    )


def start(
    world: World, people: list[Candidate], runs: Sends, n_groups: int = 2, **kw: object
) -> Run:
    with runs():
        run = actions.run_start(
            network=world.network,
            candidates=people,
            new_groups=[_new(f"New {i}", f"chair{i}@example.org") for i in range(n_groups)],
            weights=WEIGHTS,
            seconds=1,
            min_size=kw.pop("min_size", 8),  # type: ignore[arg-type]
            max_size=kw.pop("max_size", 12),  # type: ignore[arg-type]
            by=world.admin,
            **kw,  # type: ignore[arg-type]
        )
    run.refresh_from_db()
    return run


def test_a_run_solves_on_the_queue_and_stores_its_progress_and_proposal(
    world: World, runs: Sends
) -> None:
    people = builders.pool(world.network, 20)
    run = start(world, people, runs)
    assert run.status == Run.Status.DONE
    assert run.progress == 1.0
    assert run.iterations > 0
    groups = run.groups_by_candidate()
    assert sorted(groups) == sorted(c.pk for c in people)
    sizes = [list(groups.values()).count(g) for g in (0, 1)]
    assert sum(sizes) == 20 and all(8 <= s <= 12 for s in sizes)
    assert run.best is not None and run.best > 0


def test_progress_reports_reach_the_row_while_the_run_goes_on(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = builders.pool(world.network, 20)
    run = actions.run_start(
        network=world.network,
        candidates=people,
        new_groups=[_new("A", "a@example.org"), _new("B", "b@example.org")],
        weights=WEIGHTS,
        seconds=2,
        by=world.admin,
    )  # on_commit not run: the run waits in the queue
    assert Run.objects.get(pk=run.pk).status == Run.Status.QUEUED
    seen: list[float] = []
    real = solver.solve

    def watching(problem: solver.Problem, **kwargs: Any) -> solver.Result:
        """The real search, reading the row each time it reports (as the page's poll does)."""
        inner = kwargs["progress"]

        def spy(progress: solver.Progress) -> bool:
            stop = bool(inner(progress))
            seen.append(Run.objects.get(pk=run.pk).progress)
            return stop

        return real(problem, **{**kwargs, "progress": spy})

    monkeypatch.setattr(actions, "REPORT_EVERY", 0.2)
    monkeypatch.setattr(actions, "solve", watching)
    actions.run_execute(run_id=run.pk)
    assert len(seen) >= 3
    assert seen == sorted(seen) and 0 < seen[-1] < 1
    run.refresh_from_db()
    assert run.status == Run.Status.DONE and run.progress == 1.0
    assert actions.run_execute(run_id=run.pk) is None  # a second worker does nothing


def test_the_progress_partial_polls_until_done_then_refreshes_the_page(
    world: World, runs: Sends, client_for: ClientFor
) -> None:
    people = builders.pool(world.network, 16)
    run = actions.run_start(
        network=world.network,
        candidates=people,
        new_groups=[_new("A", "a@example.org"), _new("B", "b@example.org")],
        weights=WEIGHTS,
        seconds=1,
        by=world.admin,
    )
    client = client_for(world.admin)
    url = reverse("formation:progress", args=[world.network.slug, run.pk])
    waiting = client.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in waiting.content.decode()
    assert '<progress id="run-progress-bar"' in waiting.content.decode()
    assert "HX-Refresh" not in waiting.headers
    actions.run_execute(run_id=run.pk)
    done = client.get(url, headers={"HX-Request": "true"})
    assert done.headers["HX-Refresh"] == "true"
    page = client.get(reverse("formation:run", args=[world.network.slug, run.pk])).content.decode()
    assert "Score:" in page and "Every rule this proposal keeps" in page
    assert page.count('role="img"') == 6  # three charts a group, each with its table
    assert page.count("as a table</summary>") == 6


def test_a_move_by_hand_shows_its_effect_and_a_move_next_to_a_competitor_is_refused(
    world: World, runs: Sends, client_for: ClientFor
) -> None:
    people = builders.pool(world.network, 20)
    rival = people[0]
    twin = Candidate.objects.create(
        network=world.network,
        name="Riva Rival",
        email="riva@example.org",
        organisation="Rival Trust",
        sector=rival.sector,
        size_band=rival.size_band,
        region=rival.region,
    )
    run = start(world, [*people, twin], runs)
    groups = run.groups_by_candidate()
    assert groups[rival.pk] != groups[twin.pk]
    client = client_for(world.admin)
    url = reverse("formation:move", args=[world.network.slug, run.pk])
    refused = client.post(url, {"candidate": twin.pk, "to": groups[rival.pk]})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert f'id="move-{twin.pk}-to_error"' in text
    assert (
        f"{rival.name} and Riva Rival may be competitors (same sector, region and size band), "
        "so they cannot be in one group." in text
    )
    run.refresh_from_db()
    assert run.groups_by_candidate() == groups
    other = next(c for c in people[1:] if groups[c.pk] == groups[rival.pk])
    moved = client.post(url, {"candidate": other.pk, "to": 1 - groups[other.pk]}, follow=True)
    assert "Moved. The score went from" in moved.content.decode()
    run.refresh_from_db()
    assert run.groups_by_candidate()[other.pk] == 1 - groups[other.pk]


def test_locked_people_stay_put_when_the_run_goes_again(world: World, runs: Sends) -> None:
    people = builders.pool(world.network, 20)
    run = start(world, people, runs)
    groups = run.groups_by_candidate()
    for person in people[:4]:
        actions.run_lock(run=run, candidate_id=person.pk, locked=True, by=world.admin)
    run.refresh_from_db()
    with runs():
        again = actions.run_rerun(run=run, seconds=1, by=world.admin)
    again.refresh_from_db()
    assert again.parent == run and again.status == Run.Status.DONE
    assert all(again.groups_by_candidate()[p.pk] == groups[p.pk] for p in people[:4])
    assert again.best is not None and run.best is not None and again.best >= run.best - 1e-9


def test_accepting_creates_new_groups_and_proposes_everyone_through_the_usual_flow(
    world: World, runs: Sends, client_for: ClientFor
) -> None:
    people = builders.pool(world.network, 20)
    run = start(world, people, runs)
    mail.outbox.clear()
    with runs():
        response = client_for(world.admin).post(
            reverse("formation:accept", args=[world.network.slug, run.pk]), follow=True
        )
    assert "Accepted. 20 people are proposed" in response.content.decode()
    run.refresh_from_db()
    assert run.status == Run.Status.ACCEPTED
    new = PeerGroup.objects.filter(network=world.network, name__in=["New 0", "New 1"])
    assert new.count() == 2
    proposed = Membership.objects.filter(group__in=new, status=Membership.Status.PROPOSED)
    assert sorted(m.user.email for m in proposed) == sorted(c.email for c in people)
    # Each new group's chair is invited (the usual chair invitation email).
    invited = sorted(m.to[0] for m in mail.outbox if m.to[0].startswith("chair"))
    assert invited[:2] == ["chair0@example.org", "chair1@example.org"]
    # Nothing goes to the people proposed until the chair approves them.
    assert not any(m.to[0] in {c.email for c in people} for m in mail.outbox)


def test_an_existing_group_keeps_its_members_and_fills_its_vacancies(
    world: World, runs: Sends
) -> None:
    people = builders.pool(world.network, 10)
    world.group.max_size = 10
    world.group.min_size = 4
    world.group.save()
    with runs():
        run = actions.run_start(
            network=world.network,
            candidates=people,
            groups=[world.group],
            new_groups=[_new("Fresh", "fresh@example.org")],
            weights=WEIGHTS,
            seconds=1,
            min_size=4,
            max_size=10,
            by=world.admin,
        )
    run.refresh_from_db()
    assert run.status == Run.Status.DONE
    kept = Candidate.objects.get(network=world.network, email=world.member.email)
    assert kept.source == Candidate.Source.MEMBER
    instance = instance_for(run)
    member = next(p for p in instance.people if p.key == kept.pk)
    assert member.fixed == 0


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"weight_sector": "11"}, "weight_sector", "Give a weight from 0 to 10."),
        ({"weight_kind": "-1"}, "weight_kind", "Give a weight from 0 to 10."),
        ({"seconds": "0"}, "seconds", "Give from 1 to 300 seconds."),
        ({"new-0-name": "", "new-1-name": ""}, "groups", "Choose at least one group"),
        ({"max_size": "8"}, "max_size", "hold at most 16 people but 20 are to be placed"),
        ({"min_size": "12"}, "min_size", "need at least 24 people but there are 20"),
        ({"candidates": []}, "candidates", "Choose at least one person to place."),
    ],
)
def test_a_run_form_with_bad_input_says_why_beside_the_field_and_keeps_what_was_typed(
    change: dict[str, object], field: str, message: str, world: World, client_for: ClientFor
) -> None:
    people = builders.pool(world.network, 20)
    data: dict[str, object] = {
        "candidates": [c.pk for c in people],
        "min_size": "8",
        "max_size": "12",
        "weight_sector": "5",
        "weight_size": "3",
        "weight_region": "1",
        "weight_years": "2",
        "weight_kind": "2",
        "weight_looking_for": "1",
        "seconds": "1",
        "new-TOTAL_FORMS": "2",
        "new-INITIAL_FORMS": "0",
        "new-MIN_NUM_FORMS": "0",
        "new-MAX_NUM_FORMS": "6",
        "new-0-name": "Alpha",
        "new-0-week_of_month": "2",
        "new-0-weekday": "1",
        "new-0-start_time": "09:30",
        "new-0-end_time": "13:30",
        "new-0-chair_email": "alpha@example.org",
        "new-1-name": "Beta",
        "new-1-week_of_month": "2",
        "new-1-weekday": "3",
        "new-1-start_time": "09:30",
        "new-1-end_time": "13:30",
        "new-1-chair_email": "beta@example.org",
    }
    data.update(change)
    response = client_for(world.admin).post(
        reverse("formation:run_new", args=[world.network.slug]), data
    )
    assert response.status_code == 400
    text = response.content.decode()
    error = text.split(f'id="id_{field}_error"', 1)[1].split("</div>", 1)[0]
    assert message in error
    assert Run.objects.count() == 0
    for name in ("min_size", "max_size", "seconds"):
        assert f'name="{name}" value="{data[name]}"' in text


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"years_in_role": "61"}, "years_in_role", "less than or equal to 60"),
        ({"email": "pat.0@example.org"}, "email", "pat.0@example.org is already in the pool."),
        ({"email": "not an address"}, "email", "Enter a valid email address."),
        ({"sector": ""}, "sector", "This field is required."),
    ],
)
def test_adding_someone_with_bad_input_says_why_beside_the_field_and_keeps_what_was_typed(
    change: dict[str, str], field: str, message: str, world: World, client_for: ClientFor
) -> None:
    builders.pool(world.network, 1)
    data = {
        "name": "Nia New",
        "email": "nia@example.org",
        "organisation": "New Start Trust",
        "sector": "arts",
        "size_band": "small",
        "region": "london",
        "kind": "charity",
        "years_in_role": "4",
        **change,
    }
    response = client_for(world.admin).post(
        reverse("formation:pool", args=[world.network.slug]), data
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text.split(f'id="id_{field}_error"', 1)[1].split("</div>", 1)[0]
    assert 'value="New Start Trust"' in text
    assert Candidate.objects.filter(network=world.network).count() == 1


def test_a_rerun_with_seconds_out_of_range_says_why_beside_the_field(
    world: World, runs: Sends, client_for: ClientFor
) -> None:
    run = start(world, builders.pool(world.network, 16), runs)
    response = client_for(world.admin).post(
        reverse("formation:rerun", args=[world.network.slug, run.pk]), {"seconds": "301"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Give from 1 to 300 seconds." in text.split('id="id_seconds_error"', 1)[1]
    assert 'name="seconds" value="301"' in text
    assert Run.objects.count() == 1


def test_bounds_no_grouping_can_keep_are_refused_with_the_solvers_reason_beside_the_pool(
    world: World, client_for: ClientFor
) -> None:
    """Three people who are pairwise possible competitors cannot go in two groups."""
    people = builders.pool(world.network, 13)
    for i in range(2):
        Candidate.objects.create(
            network=world.network,
            name=f"Twin {i}",
            email=f"twin{i}@example.org",
            organisation=f"Twin Trust {i}",
            sector=people[0].sector,
            size_band=people[0].size_band,
            region=people[0].region,
        )
    pool = list(Candidate.objects.filter(network=world.network))
    with pytest.raises(ValidationError) as caught:
        actions.run_start(
            network=world.network,
            candidates=pool,
            new_groups=[_new("A", "a@example.org"), _new("B", "b@example.org")],
            weights=WEIGHTS,
            seconds=1,
            min_size=7,
            max_size=8,
            by=world.admin,
        )
    (message,) = caught.value.message_dict["candidates"]
    assert message == (
        "Pat 00, Twin 0 and Twin 1 may not share a group with each other: they need 3 groups "
        "but there are 2."
    )
    assert Run.objects.count() == 0


def test_applicants_come_from_the_guests_applications_and_acceptance_moves_them_on(
    world: World, runs: Sends
) -> None:
    """Applications become pool entries with what they say; accepting the run accepts each
    application into the group the run chose (the funnel counts them as members)."""
    applications = [
        GuestRequest.objects.create(
            network=world.network,
            status=GuestRequest.Status.APPLIED,
            applied_at=timezone.now(),
            application_group=world.group,
            **guest_builders.request_values(
                sector=sector, income_band="medium", registered_number=f"77{i}"
            ),
        )
        for i, sector in enumerate(["arts", "youth", "health"])
    ]
    GuestRequest.objects.create(  # still only a guest: not in the pool
        network=world.network, status=GuestRequest.Status.VISITED, **guest_builders.request_values()
    )
    assert actions.pool_import(network=world.network, by=world.admin) == 3
    assert actions.pool_import(network=world.network, by=world.admin) == 0
    imported = Candidate.objects.filter(source=Candidate.Source.APPLICANT).order_by(
        "guest_request_id"
    )
    assert [(c.guest_request, c.sector, c.size_band, c.registered_number) for c in imported] == [
        (r, r.sector, "medium", r.registered_number) for r in applications
    ]
    run = start(world, [*builders.pool(world.network, 13), *imported], runs)
    with runs():
        actions.run_accept(run=run, by=world.admin)
    for request in applications:
        request.refresh_from_db()
        assert request.status == GuestRequest.Status.MEMBER
        assert request.membership is not None
        assert request.membership.status == Membership.Status.PROPOSED
        assert (
            request.membership.group.name
            == run.slots.get(
                position=run.groups_by_candidate()[Candidate.objects.get(guest_request=request).pk]
            ).name
        )
