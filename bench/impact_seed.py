"""In-process helper for bench/impact.py: a network of N members' survey answers, an admin's
session, each target's query count and the impact report's peak memory.

Run by bench/impact.py against its throwaway database after `migrate`:
    .venv/bin/python bench/impact_seed.py N
Builds one network with N members in groups of 25, each with a closed baseline and 6- and
12-month follow-up (about 90 %, 80 % and 70 % answering) and a closed after-meeting survey per
group, written directly (bulk). Prints one JSON object on the last line of stdout.
"""

import json
import os
import random
import sys
import time
import tracemalloc
from datetime import date, timedelta
from datetime import time as clock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerpower.settings")

import django

django.setup()

from directory_seed import make_session  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from peerpower.accounts.models import User  # noqa: E402
from peerpower.groups.models import Membership, PeerGroup  # noqa: E402
from peerpower.impact import report  # noqa: E402
from peerpower.impact.builtins import OFTEN  # noqa: E402
from peerpower.impact.models import Invitation, Response, Round  # noqa: E402
from peerpower.impact.queries import current_surveys  # noqa: E402
from peerpower.networks.models import Network, NetworkRole  # noqa: E402


def _answers(rng: random.Random, gain: float) -> dict[str, object]:
    def clamp(v: float, low: int, high: int) -> int:
        return max(low, min(high, round(v)))

    return {
        "confidence": clamp(2.8 + gain + rng.gauss(0, 0.7), 1, 5),
        "lonely_companionship": OFTEN[clamp(2.2 - gain + rng.gauss(0, 0.6), 1, 3) - 1],
        "lonely_left_out": OFTEN[clamp(1.9 - gain + rng.gauss(0, 0.6), 1, 3) - 1],
        "lonely_isolated": OFTEN[clamp(2.3 - gain + rng.gauss(0, 0.6), 1, 3) - 1],
        "life_satisfaction": clamp(6 + gain + rng.gauss(0, 1.3), 0, 10),
        "worthwhile": clamp(7 + gain + rng.gauss(0, 1.1), 0, 10),
        "happy": clamp(6 + gain + rng.gauss(0, 1.5), 0, 10),
        "anxious": clamp(6 - gain + rng.gauss(0, 1.7), 0, 10),
        "decisions": clamp(3 + gain + rng.gauss(0, 0.7), 1, 5),
        "board": clamp(3 + gain + rng.gauss(0, 0.8), 1, 5),
        "staff": clamp(rng.lognormvariate(2.5, 1), 0, 5000),
    }


def seed(count: int) -> User:
    rng = random.Random(14)
    now = timezone.now()
    with transaction.atomic():
        network = Network.objects.create(name="Bench Network", slug="bench")
        surveys = current_surveys(network.pk)
        admin = User.objects.create_user(email="admin@bench.test", name="Bench Admin")
        NetworkRole.objects.create(network=network, user=admin, role=NetworkRole.Role.ADMIN)
        groups = PeerGroup.objects.bulk_create(
            PeerGroup(
                network=network,
                name=f"Group {n:03d}",
                start_time=clock(9, 30),
                end_time=clock(13, 30),
                series_start=date(2026, 1, 1),
            )
            for n in range(max(1, count // 25))
        )
        users = User.objects.bulk_create(
            User(email=f"m{n}@bench.test", name=f"Member {n}") for n in range(count)
        )
        Membership.objects.bulk_create(
            Membership(
                group=groups[n % len(groups)],
                user=user,
                status=Membership.Status.ACTIVE,
                joined_on=date(2025, 6, 1),
                announced_at=now,
            )
            for n, user in enumerate(users)
        )
        rounds = []
        plan = [
            ("baseline", 400, 0.9, 0.0),
            ("followup_6", 220, 0.8, 0.6),
            ("followup_12", 40, 0.7, 0.9),
        ]
        for n, user in enumerate(users):
            for kind, days, _, _ in plan:
                opens = now - timedelta(days=days)
                rounds.append(
                    Round(
                        survey=surveys[kind],
                        network=network,
                        group=groups[n % len(groups)],
                        key=f"{kind}:u{user.pk}",
                        opens_at=opens,
                        closes_at=opens + timedelta(days=30),
                        released_at=opens + timedelta(days=30),
                    )
                )
        for g in groups:
            opens = now - timedelta(days=20)
            rounds.append(
                Round(
                    survey=surveys["after_meeting"],
                    network=network,
                    group=g,
                    key=f"meeting:g{g.pk}",
                    opens_at=opens,
                    closes_at=opens + timedelta(days=7),
                    released_at=opens + timedelta(days=7),
                )
            )
        rounds = Round.objects.bulk_create(rounds, batch_size=2000)
        invitations, responses = [], []
        for n, user in enumerate(users):
            gain = rng.gauss(0.6, 0.5)
            for i, (_kind, _, rate, step) in enumerate(plan):
                round_ = rounds[3 * n + i]
                invitations.append(Invitation(round=round_, user=user))
                if rng.random() < rate:
                    responses.append(
                        Response(
                            round=round_,
                            survey=round_.survey,
                            respondent=user,
                            answers=_answers(rng, gain * step),
                            updated_at=round_.opens_at,
                        )
                    )
            meeting_round = rounds[3 * len(users) + n % len(groups)]
            invitations.append(Invitation(round=meeting_round, user=user))
            if rng.random() < 0.75:
                responses.append(
                    Response(
                        round=meeting_round,
                        survey=meeting_round.survey,
                        respondent=user,
                        answers={"worth": max(0, min(10, round(rng.gauss(7.8, 1.4))))},
                        updated_at=meeting_round.opens_at,
                    )
                )
        Invitation.objects.bulk_create(invitations, batch_size=5000)
        Response.objects.bulk_create(responses, batch_size=5000)
    return admin


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    admin = seed(count)
    network = Network.objects.get(slug="bench")
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = make_session(admin)
    targets = {}
    for name, path in {
        "network outcomes": "/network/bench/outcomes/",
        "impact report": "/network/bench/impact-report/",
        "impact report CSV": "/network/bench/impact-report.csv",
    }.items():
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"impact_seed: {path} answered {response.status_code}")
        targets[name] = {"path": path, "count": len(captured.captured_queries)}
    tracemalloc.start()
    started = time.perf_counter()
    tables = report.yearly(network)
    pdf = report.pdf(network, tables)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "session_cookie": settings.SESSION_COOKIE_NAME,
                "session": make_session(admin),
                "user_name": admin.display_name,
                "members": count,
                "responses": Response.objects.count(),
                "targets": targets,
                "report_peak_mb": round(peak / 2**20, 1),
                "report_seconds": round(seconds, 2),
                "report_pdf_kb": round(len(pdf) / 1024),
            }
        )
    )


if __name__ == "__main__":
    main()
