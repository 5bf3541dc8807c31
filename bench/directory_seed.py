"""In-process helper for bench/directory.py: a network of 10,000 profiles, and a session.

Run by bench/directory.py against its throwaway database (SQLite in the data directory, or a
throwaway PostgreSQL database) after `migrate`:  .venv/bin/python bench/directory_seed.py N
Builds one network with N people in groups of 25, each with an organisation, a headline of
words from a fixed vocabulary, "can help with" and "looking for" tags and mixed visibilities;
the search columns are filled by the same `search_document` the actions use (and, on SQLite,
the FTS5 table by its triggers). Prints one JSON object on the last line of stdout: the
session cookie, the network's slug, the searcher's name and each target's query count.
"""

import json
import os
import random
import sys
import time
from datetime import date
from datetime import time as clock
from importlib import import_module
from urllib.parse import urlencode

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerpower.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from peerpower.accounts.middleware import MFA_SESSION_KEY  # noqa: E402
from peerpower.accounts.models import User  # noqa: E402
from peerpower.groups.models import Membership, PeerGroup  # noqa: E402
from peerpower.networking.models import Profile, ProfileTag, Tag  # noqa: E402
from peerpower.networking.queries import search_document  # noqa: E402
from peerpower.networks.models import Network, Organisation  # noqa: E402

WORDS = [
    "digital",
    "fundraising",
    "governance",
    "trustees",
    "volunteers",
    "housing",
    "youth",
    "health",
    "arts",
    "climate",
    "partnerships",
    "tenders",
    "grants",
    "strategy",
    "finance",
    "impact",
    "evaluation",
    "community",
    "employment",
    "skills",
    "wellbeing",
    "advocacy",
    "campaigns",
    "research",
    "education",
    "carers",
    "refugees",
    "food",
    "energy",
    "heritage",
    "sport",
]
TAGS = [
    "Digital fundraising",
    "Online giving",
    "Governance",
    "Trustee recruitment",
    "Volunteers",
    "Bid writing",
    "Impact measurement",
    "Partnerships",
    "Finance",
    "HR",
    "Marketing",
    "Data",
    "Premises",
    "Safeguarding",
    "Leadership",
    "Mergers",
    "Social investment",
    "Tenders",
    "Events",
    "Campaigns",
]
VISIBILITIES = ["network", "network", "group", "nobody"]
SEARCHES = {
    "directory": "",
    "search, one common word": "fundraising",
    "search, two words": "digital governance",
    "search, a prefix": "volunt",
    "search, operators": 'fund* OR "trust NEAR(x',
}


def make_session(user: User) -> str:
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[MFA_SESSION_KEY] = time.time() + 24 * 3600
    session.create()
    return str(session.session_key)


def seed(count: int) -> User:
    rng = random.Random(11)
    with transaction.atomic():
        network = Network.objects.create(name="Bench Network", slug="bench")
        groups = PeerGroup.objects.bulk_create(
            PeerGroup(
                network=network,
                name=f"Group {n:03d}",
                start_time=clock(9, 30),
                end_time=clock(13, 30),
                series_start=date(2026, 1, 1),
            )
            for n in range(count // 25 + 1)
        )
        organisations = Organisation.objects.bulk_create(
            Organisation(
                network=network,
                name=f"Organisation {n:04d}",
                sector=rng.choice(Organisation.Sector.values),
                region=rng.choice(Organisation.Region.values),
                size_band=rng.choice(Organisation.SizeBand.values),
            )
            for n in range(count // 4)
        )
        tags = Tag.objects.bulk_create(Tag(network=network, name=name) for name in TAGS)
        users = User.objects.bulk_create(
            User(email=f"bench{n}@bench.peerpower.test", name=f"Bench Person {n:05d}", password="!")  # noqa: S106 - "!": no usable password
            for n in range(count)
        )
        Membership.objects.bulk_create(
            Membership(
                group=groups[n // 25],
                user=user,
                status=Membership.Status.ACTIVE,
                joined_on=date(2026, 1, 1),
            )
            for n, user in enumerate(users)
        )
        profiles, chosen = [], []
        for user in users:
            profile = Profile(
                network=network,
                user=user,
                organisation=rng.choice(organisations),
                headline=" ".join(rng.sample(WORDS, 4)).capitalize(),
                headline_visibility=rng.choice(VISIBILITIES),
                help_visibility=rng.choice(VISIBILITIES),
                seek_visibility=rng.choice(VISIBILITIES),
            )
            profile.user = user
            pairs = [("help", t) for t in rng.sample(tags, 2)] + [("seek", rng.choice(tags))]
            profile.search_network, profile.search_group = search_document(
                profile, [(kind, tag.name) for kind, tag in pairs]
            )
            profiles.append(profile)
            chosen.append(pairs)
        Profile.objects.bulk_create(profiles, batch_size=1000)
        ProfileTag.objects.bulk_create(
            (
                ProfileTag(profile=profile, tag=tag, kind=kind)
                for profile, pairs in zip(profiles, chosen, strict=True)
                for kind, tag in pairs
            ),
            batch_size=2000,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return users[count // 2]


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    searcher = seed(count)
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = make_session(searcher)
    paths = {}
    for name, q in SEARCHES.items():
        path = "/network/bench/people/" + (f"?{urlencode({'q': q})}" if q else "")
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"directory_seed: {path} answered {response.status_code}")
        paths[name] = {"path": path, "count": len(captured.captured_queries)}
    print(
        json.dumps(
            {
                "session_cookie": settings.SESSION_COOKIE_NAME,
                "session": make_session(searcher),
                "user_name": searcher.display_name,
                "profiles": Profile.objects.count(),
                "vendor": connection.vendor,
                "targets": paths,
            }
        )
    )


if __name__ == "__main__":
    main()
