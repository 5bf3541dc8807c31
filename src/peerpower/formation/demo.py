"""The demo's group formation: a pool of 40 applicants (two pairs of them possible
competitors: same sector, region and income band) and a run ready to review, placing them in
three new groups (one meeting in person at the network's London venue, two online)."""

from datetime import time

from peerpower.accounts.models import User
from peerpower.formation import actions
from peerpower.formation.models import Candidate, Run
from peerpower.networks.models import Network, Organisation, Venue

DOMAIN = "demo.peerpower.test"
FIRST = [
    "Abi",
    "Bola",
    "Cai",
    "Dev",
    "Esi",
    "Femi",
    "Gita",
    "Hal",
    "Ines",
    "Jon",
    "Kemi",
    "Lior",
    "Mina",
    "Nye",
    "Odile",
    "Pran",
    "Quin",
    "Rhea",
    "Sol",
    "Tam",
    "Uma",
    "Vik",
    "Wren",
    "Xan",
    "Yara",
    "Zed",
    "Ada",
    "Bryn",
    "Cleo",
    "Dara",
    "Eli",
    "Faye",
    "Gus",
    "Hana",
    "Ivo",
    "Jude",
    "Kit",
    "Lena",
    "Max",
    "Nico",
]
LAST = [
    "Adeyemi",
    "Brooks",
    "Chen",
    "Dlamini",
    "Evans",
    "Fofana",
    "Gill",
    "Hart",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Mensah",
    "Novak",
    "Owens",
    "Price",
    "Quinn",
    "Reid",
    "Shah",
    "Taylor",
    "Usman",
    "Vance",
    "Walsh",
    "Xu",
    "Young",
    "Zielinski",
    "Ahmed",
    "Bianchi",
    "Cole",
    "Doyle",
    "Ellis",
    "Frost",
    "Grant",
    "Hussain",
    "Ito",
    "Joshi",
    "Kerr",
    "Lamb",
    "Moss",
    "Nash",
]
SECTORS = [s.value for s in Organisation.Sector]
SIZES = [s.value for s in Organisation.SizeBand]
KINDS = [k.value for k in Organisation.Kind]
LOOKING = [v.value for v in Candidate.LookingFor if v.value]
NOUNS = (
    "Trust",
    "Foundation",
    "Project",
    "Network",
    "Alliance",
    "Collective",
    "Partnership",
    "Works",
)
PLACES = (
    "Canal",
    "Harbour",
    "Meadow",
    "Riverside",
    "Northgate",
    "Elm",
    "Lantern",
    "Bridge",
    "Orchard",
    "Kiln",
)
# The two pairs of possible competitors: (index, index) with the same sector, size and region.
PAIRS = ((3, 17), (8, 31))


def pool(network: Network) -> list[Candidate]:
    """The 40 applicants: 16 in London (the venue's region), the rest across the country.
    Sector and income band never repeat within a region except for the two pairs."""
    regions = ["london"] * 16 + ["north-west"] * 8 + ["yorkshire"] * 8 + ["south-west"] * 8
    combos = [(s, z) for z in SIZES for s in SECTORS]
    made = []
    for i in range(40):
        sector, size = combos[(i * 7) % len(combos)]
        made.append(
            dict(
                sector=sector,
                size_band=size,
                region=regions[i],
            )
        )
    for a, b in PAIRS:
        made[b] = {**made[a]}
    candidates = []
    for i, values in enumerate(made):
        first, last = FIRST[i], LAST[i]
        candidates.append(
            Candidate.objects.create(
                network=network,
                source=Candidate.Source.APPLICANT,
                name=f"{first} {last}",
                email=f"{first.lower()}.{last.lower()}@{DOMAIN}",
                organisation=f"{PLACES[i % len(PLACES)]} {NOUNS[i % len(NOUNS)]} {i + 1}",
                registered_number=str(1_100_000 + i * 37),
                kind=KINDS[i % len(KINDS)],
                years_in_role=(i * 5) % 14,
                looking_for=LOOKING[i % len(LOOKING)],
                **values,
            )
        )
    return candidates


def load_formation(network: Network, admin: User, venue: Venue) -> Run:
    """The pool and a finished run over it (solved here for half a second)."""
    venue.region = Organisation.Region.LONDON
    venue.save(update_fields=["region"])
    people = pool(network)
    run = actions.run_start(
        network=network,
        candidates=people,
        new_groups=[
            actions.NewGroup(
                name="Canal Street Circle",
                chair_email=f"chair.canal@{DOMAIN}",
                start_time=time(9, 30),
                end_time=time(13, 30),
                venue=venue,
                week_of_month=3,
                weekday=2,
            ),
            actions.NewGroup(
                name="Online Leaders North",
                chair_email=f"chair.north@{DOMAIN}",
                start_time=time(13, 0),
                end_time=time(16, 0),
                week_of_month=1,
                weekday=3,
            ),
            actions.NewGroup(
                name="Online Leaders South",
                chair_email=f"chair.south@{DOMAIN}",
                start_time=time(9, 0),
                end_time=time(12, 0),
                week_of_month=4,
                weekday=1,
            ),
        ],
        weights={"sector": 5, "size": 3, "region": 1, "years": 2, "kind": 2, "looking_for": 1},
        seconds=10,
        min_size=10,
        max_size=16,
        by=admin,
    )
    actions.run_execute(run_id=run.pk, clock_seconds=0.5)
    run.refresh_from_db()
    return run
