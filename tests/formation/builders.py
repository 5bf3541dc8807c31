"""Pools of candidates for the formation tests: plain rows (the pool's own action is tested
on its own), with sectors, sizes and regions spread so that no two are possible competitors
unless a test makes them so."""

from datetime import time
from itertools import count, cycle, islice

from peerpower.accounts.models import User
from peerpower.formation import actions
from peerpower.formation.models import Candidate, Run
from peerpower.networks.models import Network, Organisation

SECTORS = [s.value for s in Organisation.Sector]
SIZES = [s.value for s in Organisation.SizeBand]
KINDS = [k.value for k in Organisation.Kind]
LOOKING = [v.value for v in Candidate.LookingFor if v.value]
_runs = count(1)


def pool(
    network: Network, n: int, *, region: str = "london", prefix: str = "Pat"
) -> list[Candidate]:
    """n candidates, each of their own organisation; no two share sector and size band for
    the first 45 (9 sectors x 5 sizes), so none are possible competitors."""
    pairs = [(s, z) for z in SIZES for s in SECTORS]
    made = []
    for i, (sector, size) in enumerate(islice(cycle(pairs), n)):
        made.append(
            Candidate.objects.create(
                network=network,
                source=Candidate.Source.ADDED,
                name=f"{prefix} {i:02d}",
                email=f"{prefix.lower()}.{i}@example.org",
                organisation=f"{prefix} Organisation {i:02d}",
                registered_number=f"{network.pk}{i:05d}",
                sector=sector,
                size_band=size,
                region=region,
                kind=KINDS[i % len(KINDS)],
                years_in_role=i % 12,
                looking_for=LOOKING[i % len(LOOKING)],
            )
        )
    return made


def finished_run(network: Network, admin: User, n: int = 16, prefix: str = "Run") -> Run:
    """A run of n new people in two new online groups, solved (not through the queue)."""
    people = pool(network, n, prefix=f"{prefix}{next(_runs)}")
    run = actions.run_start(
        network=network,
        candidates=people,
        new_groups=[
            actions.NewGroup(
                name=f"{prefix} group {next(_runs)}",
                chair_email=f"chair{next(_runs)}@example.org",
                start_time=time(9, 30),
                end_time=time(13, 30),
            )
            for _ in range(2)
        ],
        weights={"sector": 5, "size": 3, "region": 1, "years": 2, "kind": 2, "looking_for": 1},
        seconds=1,
        by=admin,
    )
    actions.run_execute(run_id=run.pk, clock_seconds=0.05)
    run.refresh_from_db()
    return run
