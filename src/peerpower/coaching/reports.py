"""The admins' view of coaching: utilisation per coach and per member per month, and the
engagements that need attention. Counts and times only: these read no agenda, note or goal
(the queries name their columns)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from peerpower.coaching.models import Engagement, Session
from peerpower.networks.models import Network

UNUSED_AFTER = timedelta(weeks=6)
ENDING_WITHIN = timedelta(days=30)
CSV_HEADER = (
    "who",
    "name",
    "month",
    "sessions allowed",
    "hours allowed",
    "sessions booked",
    "hours booked",
    "held",
    "cancelled late",
    "no-shows",
)


@dataclass
class Row:
    who: str  # "coach" or "member"
    name: str
    month: date | None  # None: the person's whole period, with the allowance
    sessions_allowed: int = 0
    hours_allowed: int = 0
    booked: int = 0
    minutes_booked: int = 0
    held: int = 0
    late: int = 0
    no_shows: int = 0

    @property
    def hours_booked(self) -> float:
        return round(self.minutes_booked / 60, 2)

    def as_csv(self) -> list[object]:
        return [
            self.who,
            self.name,
            f"{self.month:%Y-%m}" if self.month else "all",
            self.sessions_allowed if self.month is None else "",
            self.hours_allowed if self.month is None else "",
            self.booked,
            f"{self.hours_booked:g}",
            self.held,
            self.late,
            self.no_shows,
        ]


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    months: list[tuple[date, int, int]] = field(default_factory=list)  # month, booked, held


def utilisation(network: Network) -> Report:
    """Two queries: the network's engagements (allowances) and its sessions (times and
    outcomes only)."""
    people: dict[tuple[str, int], Row] = {}
    monthly: dict[tuple[str, int, date], Row] = {}
    names: dict[tuple[str, int], str] = {}
    engagements = Engagement.objects.filter(network=network).values(
        "allowance", "unit", "member_id", "member__name", "member__email",
        "coach__user_id", "coach__user__name", "coach__user__email",
    )  # fmt: skip
    for e in engagements:
        for who, pk, name in (
            ("coach", e["coach__user_id"], e["coach__user__name"] or e["coach__user__email"]),
            ("member", e["member_id"], e["member__name"] or e["member__email"]),
        ):
            names[(who, pk)] = name
            row = people.setdefault((who, pk), Row(who, name, None))
            if e["unit"] == Engagement.Unit.HOURS:
                row.hours_allowed += e["allowance"]
            else:
                row.sessions_allowed += e["allowance"]
    sessions = Session.objects.filter(engagement__network=network).values(
        "coach_id", "member_id", "starts_at", "ends_at", "status", "late", "waived"
    )
    totals: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    zone = timezone.get_current_timezone()
    for s in sessions:
        month = s["starts_at"].astimezone(zone).date().replace(day=1)
        minutes = int((s["ends_at"] - s["starts_at"]).total_seconds() // 60)
        live = s["status"] in Session.LIVE
        for who, pk in (("coach", s["coach_id"]), ("member", s["member_id"])):
            name = names.get((who, pk), "")
            for row in (
                people.setdefault((who, pk), Row(who, name, None)),
                monthly.setdefault((who, pk, month), Row(who, name, month)),
            ):
                row.booked += live
                row.minutes_booked += minutes if live else 0
                row.held += s["status"] == Session.Status.HELD
                row.no_shows += s["status"] == Session.Status.NO_SHOW
                row.late += bool(s["late"])
        totals[month][0] += live
        totals[month][1] += s["status"] == Session.Status.HELD
    rows = sorted(people.values(), key=lambda r: (r.who, r.name.lower()))
    rows += sorted(monthly.values(), key=lambda r: (r.who, r.name.lower(), r.month))
    return Report(rows, [(m, b, h) for m, (b, h) in sorted(totals.items())])


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    label: str
    value: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[tuple[int, str]]


def chart(report: Report) -> Chart:
    """Sessions booked and held per month as bars (an SVG the template draws, no JavaScript);
    the page shows the same figures in a table."""
    months = report.months[-12:]
    top = max((b for _, b, _ in months), default=0) or 1
    height, step = 120, 48
    bars = []
    labels = []
    for i, (month, booked, held) in enumerate(months):
        x = 10 + i * step
        for j, (value, kind) in enumerate(((booked, "booked"), (held, "held"))):
            h = int(value / top * (height - 20))
            bars.append(Bar(x + j * 18, height - h, h, f"{month:%b %Y} {kind}", value))
        labels.append((x + 16, f"{month:%b}"))
    return Chart(10 + max(len(months), 1) * step, height + 16, bars, labels)


@dataclass(frozen=True)
class Attention:
    engagement: Engagement
    reason: str


def needing_attention(network: Network, today: date | None = None) -> list[Attention]:
    """Active engagements ending within 30 days, or with no session held or booked for six
    weeks (one query)."""
    today = today or timezone.localdate()
    now = timezone.now()
    found = []
    engagements = (
        Engagement.objects.filter(network=network, status=Engagement.Status.ACTIVE)
        .select_related("coach__user", "member")
        .prefetch_related("sessions")
    )
    for engagement in engagements:
        live = [s for s in engagement.sessions.all() if s.status in Session.LIVE]
        if engagement.ends_on <= today + ENDING_WITHIN:
            found.append(Attention(engagement, f"ends on {engagement.ends_on:%-d %B %Y}"))
        elif engagement.starts_on <= today - UNUSED_AFTER and not any(
            s.starts_at >= now - UNUSED_AFTER for s in live
        ):
            found.append(Attention(engagement, "unused for six weeks"))
    return found
