"""Every formation action that takes `by` refuses everyone but the network's admins, before it
writes anything. An action added with a `by` and no row here fails
`test_every_action_taking_by_has_a_row`."""

from collections.abc import Callable
from datetime import time
from functools import partial

import pytest

from peerpower.accounts.models import User
from peerpower.formation import actions
from peerpower.formation.models import Candidate, CompetitorDecision, Run, RunGroup
from tests import refusals
from tests.conftest import World
from tests.formation import builders

WEIGHTS = {"sector": 5}


def _run(world: World) -> Run:
    """A finished run of 16 people in two online groups (solved here, not queued)."""
    people = builders.pool(world.network, 16, prefix="Ref")
    run = actions.run_start(
        network=world.network,
        candidates=people,
        new_groups=[
            actions.NewGroup(
                name=n, chair_email=f"{n}@example.org", start_time=time(9), end_time=time(12)
            )
            for n in ("Ra", "Rb")
        ],
        weights=WEIGHTS,
        seconds=1,
        by=world.admin,
    )
    actions.run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def _first(run: Run) -> int:
    return int(next(iter(run.proposal)))


Call = Callable[[World], Callable[..., object]]
ACTIONS: dict[str, Call] = {
    "candidate_add": lambda w: partial(
        actions.candidate_add,
        network=w.network,
        values={
            "name": "N",
            "email": "n@example.org",
            "organisation": "O",
            "sector": "arts",
            "size_band": "small",
            "region": "london",
            "kind": "charity",
        },
    ),
    "candidate_remove": lambda w: partial(
        actions.candidate_remove, candidate=builders.pool(w.network, 1, prefix="Rm")[0]
    ),
    "pool_import": lambda w: partial(actions.pool_import, network=w.network),
    "competitor_decide": lambda w: (
        lambda pair: partial(
            actions.competitor_decide,
            network=w.network,
            first=pair[0],
            second=pair[1],
            competitors=True,
        )
    )(builders.pool(w.network, 2, prefix="Cd")),
    "run_start": lambda w: partial(
        actions.run_start,
        network=w.network,
        candidates=builders.pool(w.network, 8, prefix="St"),
        new_groups=[
            actions.NewGroup(
                name="S", chair_email="s@example.org", start_time=time(9), end_time=time(12)
            )
        ],
        weights=WEIGHTS,
        seconds=1,
    ),
    "run_move": lambda w: (
        lambda run: partial(
            actions.run_move, run=run, candidate_id=_first(run), to=run.proposal[str(_first(run))]
        )
    )(_run(w)),
    "run_lock": lambda w: (
        lambda run: partial(actions.run_lock, run=run, candidate_id=_first(run), locked=True)
    )(_run(w)),
    "run_rerun": lambda w: partial(actions.run_rerun, run=_run(w)),
    "run_accept": lambda w: partial(actions.run_accept, run=_run(w)),
}


REFUSED: list[tuple[str, Callable[[World], User]]] = [
    ("chair", lambda w: w.chair),
    ("member", lambda w: w.member),
    ("coach", lambda w: w.coach),
    ("speaker", lambda w: w.speaker),
    ("outsider", lambda w: w.outsider),
    ("guest", lambda w: w.guest),
    ("admin of another network", refusals.admin_elsewhere),
    ("superuser", refusals.superuser),
]


def test_every_action_taking_by_has_a_row() -> None:
    assert refusals.actions_taking_by(actions) == sorted(ACTIONS)


def _snapshot() -> tuple[object, ...]:
    rows = [
        sorted(model.objects.values_list("pk", flat=True))
        for model in (Candidate, CompetitorDecision, Run, RunGroup)
    ]
    return (*rows, sorted(map(str, Run.objects.values_list("proposal", "locked", "status"))))


@pytest.mark.parametrize("action", list(ACTIONS))
def test_the_action_refuses_everyone_but_the_networks_admins(action: str, world: World) -> None:
    call = ACTIONS[action](world)
    refusals.assert_refused(call, REFUSED, world, _snapshot)
    call(by=world.admin)
