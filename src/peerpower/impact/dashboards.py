"""The three dashboards' contents, each a list of tables that the page draws as charts and
tables and the CSV writes row by row, so the three always agree. Every figure about people
comes from `impact.figures`, through the small-numbers rule.

Figures come only from rounds that have closed (`Round.released_at`), so they do not move
while people answer or change their answers, and an anonymous round's answers exist only
then.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from peerpower.coaching.models import Session
from peerpower.groups.models import Membership, PeerGroup
from peerpower.impact.figures import Change, Figure, median, paired_change, summarise, texts
from peerpower.impact.models import Invitation, Question, Response, Round, Survey
from peerpower.issues.queries import commitment_tallies
from peerpower.meetings.models import Meeting, Participation
from peerpower.meetings.queries import own_attendance
from peerpower.networks.models import Network

OUTCOME_KINDS = (Survey.Kind.BASELINE, Survey.Kind.FOLLOWUP_6, Survey.Kind.FOLLOWUP_12)
ISOLATION = ("lonely_companionship", "lonely_left_out", "lonely_isolated")
# The measures of the outcome surveys, in the order shown, with how they read.
MEASURES: list[tuple[str, str]] = [
    ("confidence", "Confidence as a leader (1 to 5)"),
    ("isolation", "Feeling isolated (3 items, 3 to 9; lower is better)"),
    ("life_satisfaction", "Life satisfaction (0 to 10)"),
    ("worthwhile", "Things I do are worthwhile (0 to 10)"),
    ("happy", "Happiness yesterday (0 to 10)"),
    ("anxious", "Anxiety yesterday (0 to 10; lower is better)"),
    ("decisions", "Sure of my decisions (1 to 5)"),
    ("board", "Relationship with the board (1 to 5)"),
]
SCALE_MAX = {"confidence": 5, "isolation": 9, "decisions": 5, "board": 5}  # the rest 10
HEALTH_ITEMS = [
    ("trust", "Trust"),
    ("confidentiality", "Confidentiality kept"),
    ("heard", "Everyone heard"),
    ("chair", "The chair"),
]


@dataclass
class Table:
    """One chart's data: a title, its column names and rows of cells (text or figures)."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""
    # For the chart: (label, value or None, the largest value) per bar.
    bars: list[tuple[str, float | None, str]] = field(default_factory=list)
    scale_max: float = 0
    paired: list[Change] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    # The chart, drawn by impact/_chart.html: a row 30 units high per bar, the bar from x 0
    # to 300 units of the value's share of the scale, the value written beside it, so it
    # reads without colour.
    def chart_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "y": 30 * i,
                "label": label,
                "width": 0 if value is None else round(300 * value / self.scale_max, 1),
                "text": text if value is not None else "not enough responses",
                "shown": value is not None,
            }
            for i, (label, value, text) in enumerate(self.bars)
        ]

    def chart_height(self) -> int:
        return 30 * max(len(self.bars), len(self.paired) * 2) + 10

    def paired_rows(self) -> list[dict[str, Any]]:
        rows = []
        for i, (change, (key, _)) in enumerate(zip(self.paired, MEASURES, strict=True)):
            top = SCALE_MAX.get(key, 10)
            rows.append(
                {
                    "y": 60 * i,
                    "label": change.label,
                    "shown": change.shown,
                    "before": 0 if change.before is None else round(300 * change.before / top, 1),
                    "after": 0 if change.after is None else round(300 * change.after / top, 1),
                    "before_text": _fmt(change.before),
                    "after_text": _fmt(change.after),
                    "n": change.n_text,
                }
            )
        return rows


def _scores(response: Response, questions: dict[str, Question]) -> dict[str, float]:
    """A response's answers as numbers, by measure: scales and numbers as given, an ordered
    choice by its place (1, 2, 3), and isolation as the sum of its three items."""
    out: dict[str, float] = {}
    for key, value in response.answers.items():
        q = questions.get(key)
        if q is None:
            continue
        if q.kind in Question.SCALES or q.kind == Question.Kind.NUMBER:
            out[key] = float(value)
        elif q.scored and value in q.choices:
            out[key] = float(q.choices.index(value) + 1)
    if all(k in out for k in ISOLATION):
        out["isolation"] = sum(out[k] for k in ISOLATION)
    return out


def _questions(survey_ids: Iterable[int]) -> dict[int, dict[str, Question]]:
    found: dict[int, dict[str, Question]] = defaultdict(dict)
    for q in Question.objects.filter(survey_id__in=set(survey_ids)):
        found[q.survey_id][q.key] = q
    return found


def _closed_responses(**filters: Any) -> list[Response]:
    return list(
        Response.objects.filter(round__released_at__isnull=False, **filters).select_related(
            "round__survey"
        )
    )


def _fmt(value: float | None, places: int = 1) -> str:
    return "" if value is None else f"{value:.{places}f}"


def _figure_cells(figure: Figure) -> list[str]:
    return [figure.label, _fmt(figure.mean), figure.n_text]


# --- the network's outcomes


def _outcome_scores(
    network: Network, people: Iterable[int] | None = None
) -> dict[str, dict[int, dict[str, float]]]:
    """Each closed outcome survey's scores, by kind and member (only `people`, if given)."""
    filters: dict[str, Any] = {"respondent_id__in": people} if people is not None else {}
    responses = _closed_responses(
        round__network=network, round__survey__kind__in=OUTCOME_KINDS, **filters
    )
    questions = _questions(r.survey_id for r in responses)
    by_kind: dict[str, dict[int, dict[str, float]]] = defaultdict(dict)
    for r in responses:
        if r.respondent_id is not None:
            by_kind[r.round.survey.kind][r.respondent_id] = _scores(r, questions[r.survey_id])
    return by_kind


LATER = ((Survey.Kind.FOLLOWUP_6, 6), (Survey.Kind.FOLLOWUP_12, 12))


def paired_changes(
    network: Network, people: Iterable[int] | None = None
) -> dict[int, list[Change]]:
    """For 6 and 12 months: each measure's paired change (members with both answers; only
    `people`, if given: a sponsor's members). Every change goes through the small-numbers rule."""
    by_kind = _outcome_scores(network, people)
    found: dict[int, list[Change]] = {}
    for later, months in LATER:
        found[months] = []
        for key, text in MEASURES:
            pairs = [
                (before[key], by_kind[later][person][key])
                for person, before in by_kind[Survey.Kind.BASELINE].items()
                if key in before and key in by_kind[later].get(person, {})
            ]
            found[months].append(paired_change(text, pairs))
    return found


@dataclass(frozen=True)
class Reported:
    """One paired change as the business case and the report word it."""

    label: str
    months: int
    n: int | None
    before: float | None
    after: float | None

    @property
    def shown(self) -> bool:
        return self.n is not None


def outcomes_summary(network: Network, people: Iterable[int] | None = None) -> list[Reported]:
    return [
        Reported(c.label, months, c.n, c.before, c.after)
        for months, changes in paired_changes(network, people).items()
        for c in changes
    ]


def value_summary(network: Network) -> Figure:
    """Every closed after-meeting answer of the network: the mean "worth the half day"."""
    values = [
        float(r.answers["worth"])
        for r in _closed_responses(
            round__network=network, round__survey__kind=Survey.Kind.AFTER_MEETING
        )
        if "worth" in r.answers
    ]
    (figure,) = summarise({"All meetings": values})
    return figure


def outcomes(network: Network) -> list[Table]:
    """Baseline against 6 and 12 months for each measure (paired: members with both), the
    response rate of each survey, value scores by group and month, and retention."""
    tables = []
    for months, changes in paired_changes(network).items():
        label = f"{months} months"
        table = Table(
            f"change_{months}",
            f"Baseline and {label}, the same members",
            ["Measure", "Baseline", label, "Change", "95 % interval", "Members (pairs)"],
            note="Each measure counts the members who answered it both times; fewer than 5 "
            "and it is not shown.",
        )
        for change in changes:
            table.paired.append(change)
            table.rows.append(
                [
                    change.label,
                    _fmt(change.before),
                    _fmt(change.after),
                    "" if change.mean_change is None else f"{change.mean_change:+.2f}",
                    "" if change.low is None else f"{change.low:+.2f} to {change.high:+.2f}",
                    change.n_text,
                ]
            )
        tables.append(table)
    tables.append(response_rates(network))
    tables.append(value_by_group(network))
    tables.append(retention(network))
    return tables


def response_rates(network: Network) -> Table:
    """Of the closed rounds of each survey: invitations, answers, the rate."""
    table = Table("response_rate", "Response rate", ["Survey", "Asked", "Answered", "Rate"])
    asked = dict(
        Invitation.objects.filter(round__network=network, round__released_at__isnull=False)
        .values_list("round__survey__kind")
        .annotate(n=Count("pk"))
    )
    answered = dict(
        Response.objects.filter(round__network=network, round__released_at__isnull=False)
        .values_list("round__survey__kind")
        .annotate(n=Count("pk"))
    )
    for kind, label in Survey.Kind.choices:
        n_asked, n_answered = asked.get(kind, 0), answered.get(kind, 0)
        if not n_asked:
            continue
        rate = f"{100 * n_answered / n_asked:.0f} %"
        table.rows.append([str(label).capitalize(), str(n_asked), str(n_answered), rate])
        table.bars.append((str(label).capitalize(), 100 * n_answered / n_asked, rate))
    table.scale_max = 100
    return table


def _month(value: datetime) -> date:
    local = timezone.localtime(value)
    return date(local.year, local.month, 1)


def value_by_group(network: Network) -> Table:
    """ "Was this worth the half day?" by group and month: each month's groups are one
    partition with the network's month as its total, so no hidden group can be recovered."""
    responses = _closed_responses(
        round__network=network, round__survey__kind=Survey.Kind.AFTER_MEETING
    )
    groups = {g.pk: g.name for g in PeerGroup.objects.filter(network=network)}
    cells: dict[date, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in responses:
        if "worth" not in r.answers or r.round.meeting_id is None:
            continue
        month = _month(r.round.opens_at)
        cells[month][groups.get(r.round.group_id or 0, "")].append(float(r.answers["worth"]))
        cells[month]["All groups"].append(float(r.answers["worth"]))
    months = sorted(cells)[-12:]
    table = Table(
        "value_by_group",
        "Was it worth the half day? (0 to 10) by group and month",
        ["Month", *sorted(groups.values()), "All groups"],
        note="Mean, with the number answering in brackets.",
    )
    for month in months:
        row = {
            name: cells[month].get(name, []) for name in [*sorted(groups.values()), "All groups"]
        }
        figures = {f.label: f for f in summarise(row, total="All groups")}
        table.rows.append(
            [
                month.strftime("%B %Y"),
                *(
                    f"{figures[name].mean:.1f} ({figures[name].n})"
                    if figures[name].shown and figures[name].mean is not None
                    else ("" if not row[name] else "not enough responses")
                    for name in table.columns[1:]
                ),
            ]
        )
        total = figures["All groups"]
        table.bars.append(
            (month.strftime("%b %Y"), total.mean, f"{_fmt(total.mean)} (n {total.n_text})")
        )
    table.scale_max = 10
    return table


def retention(network: Network) -> Table:
    """Of the members who joined at least 12 months ago: how many were still members 12
    months later."""
    today = timezone.localdate()
    cutoff = date(today.year - 1, today.month, min(today.day, 28))
    joined = Membership.objects.filter(
        group__network=network,
        joined_on__isnull=False,
        joined_on__lte=cutoff,
        role=Membership.Role.MEMBER,
    ).values_list("joined_on", "left_on")
    stayed = sum(
        1
        for joined_on, left_on in joined
        if left_on is None or joined_on is None or (left_on - joined_on).days >= 365
    )
    cohort = len(joined)
    figures = summarise(
        {"Stayed a year": [1.0] * stayed, "Joined a year ago or more": [1.0] * cohort}, total=None
    )
    stayed_f, cohort_f = figures
    table = Table("retention", "Retention at 12 months", ["", "Members"])
    table.rows.append(["Joined at least a year ago", cohort_f.n_text])
    table.rows.append(["Still members a year after joining", stayed_f.n_text])
    if stayed_f.shown and cohort_f.shown and cohort:
        rate = 100 * stayed / cohort
        table.rows.append(["Retention", f"{rate:.0f} %"])
        table.bars.append(("Retention", rate, f"{rate:.0f} %"))
    table.scale_max = 100
    return table


# --- the chair's group health


def group_health(group: PeerGroup, now: datetime | None = None) -> list[Table]:
    """Attendance and replies by month, the value score after each meeting, commitments kept
    (as reported back; counts only), and the quarterly group health survey."""
    now = now or timezone.now()
    meetings = list(
        Meeting.objects.filter(
            group=group, status=Meeting.Status.SCHEDULED, starts_at__lte=now
        ).order_by("starts_at")
    )[-12:]
    tallies = {
        row["meeting_id"]: row
        for row in Participation.objects.filter(meeting__in=meetings)
        .values("meeting_id")
        .annotate(
            invited=Count("pk"),
            present=Count("pk", filter=Q(attendance=Participation.Attendance.PRESENT)),
            recorded=Count("pk", filter=~Q(attendance="")),
            replied=Count("pk", filter=~Q(rsvp="")),
        )
    }
    attendance = Table(
        "attendance",
        "Attendance and replies by meeting",
        ["Meeting", "Present", "Attendance rate", "Replied"],
    )
    for meeting in meetings:
        t = tallies.get(meeting.pk, {"invited": 0, "present": 0, "recorded": 0, "replied": 0})
        rate = 100 * t["present"] / t["recorded"] if t["recorded"] else None
        label = timezone.localtime(meeting.starts_at).strftime("%-d %b %Y")
        attendance.rows.append(
            [
                label,
                f"{t['present']} of {t['recorded']}" if t["recorded"] else "not recorded",
                "" if rate is None else f"{rate:.0f} %",
                f"{t['replied']} of {t['invited']}",
            ]
        )
        attendance.bars.append((label, rate, "" if rate is None else f"{rate:.0f} %"))
    attendance.scale_max = 100

    responses = _closed_responses(round__group=group)
    value = Table(
        "value",
        "Was it worth the half day? (0 to 10) after each meeting",
        ["Meeting", "Mean", "Members answering"],
        note="Shown once 5 or more members answered.",
    )
    worth: dict[str, list[float]] = {}
    for r in sorted(
        (r for r in responses if r.round.survey.kind == Survey.Kind.AFTER_MEETING),
        key=lambda r: r.round.opens_at,
    ):
        label = timezone.localtime(r.round.opens_at).strftime("%-d %b %Y")
        worth.setdefault(label, [])
        if "worth" in r.answers:
            worth[label].append(float(r.answers["worth"]))
    for figure in summarise(worth):
        value.rows.append(_figure_cells(figure))
        value.bars.append((figure.label, figure.mean, f"{_fmt(figure.mean)} (n {figure.n_text})"))
    value.scale_max = 10

    commitments = Table(
        "commitments",
        "Commitments made and kept (as reported back)",
        ["Month", "Made", "Reported back", "Done"],
        note="Counts only, never what was committed; a month with fewer than 5 reported "
        "back shows no split.",
    )
    by_month: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (month, status), n in commitment_tallies(group_id=group.pk).items():
        by_month[month][status] += n
    for month in sorted(by_month)[-12:]:
        statuses = by_month[month]
        made = sum(statuses.values())
        reported = (
            statuses.get("done", 0) + statuses.get("dropped", 0) + statuses.get("in_progress", 0)
        )
        done = statuses.get("done", 0)
        commitments.rows.append(
            [
                month.strftime("%B %Y"),
                str(made) if made >= 5 else "fewer than 5",
                str(reported) if reported >= 5 else "fewer than 5",
                str(done) if reported >= 5 and done >= 5 else "not enough reported",
            ]
        )
    health = health_results(group, responses)
    return [attendance, value, commitments, *health]


def health_results(group: PeerGroup, responses: Sequence[Response]) -> list[Table]:
    """Each closed quarterly round: the mean of each item, and the comments (from 5 answers
    up, alphabetically, never with a name: the answers are anonymous)."""
    rounds: dict[int, list[Response]] = defaultdict(list)
    for r in responses:
        if r.round.survey.kind == Survey.Kind.GROUP_HEALTH:
            rounds[r.round_id].append(r)
    tables = []
    for round_ in Round.objects.filter(pk__in=list(rounds)).order_by("-opens_at")[:4]:
        rows = rounds[round_.pk]
        label = timezone.localtime(round_.opens_at).strftime("%B %Y")
        table = Table(
            f"health_{round_.pk}",
            f"Group health, {label} (anonymous)",
            ["Question", "Mean (1 to 5)", "Members answering"],
            note="Shown once 5 or more members answered.",
        )
        for key, text in HEALTH_ITEMS:
            (figure,) = summarise({text: [float(r.answers[key]) for r in rows if key in r.answers]})
            table.rows.append(_figure_cells(figure))
            table.bars.append((text, figure.mean, f"{_fmt(figure.mean)} (n {figure.n_text})"))
        table.scale_max = 5
        table.comments = texts(str(r.answers.get("comment", "")) for r in rows)
        tables.append(table)
    return tables


# --- the member's own progress


def own_progress(user: Any, network: Network | None) -> list[Table]:
    """The member's own answers to the outcome surveys over time beside the network's median
    (from 5 answers up), their attendance, commitments made and kept, coaching hours."""
    mine = list(
        Response.objects.filter(respondent=user, survey__kind__in=OUTCOME_KINDS).select_related(
            "round__survey"
        )
    )
    network_rows = (
        _closed_responses(round__network=network, round__survey__kind__in=OUTCOME_KINDS)
        if network
        else []
    )
    questions = _questions([r.survey_id for r in mine + network_rows])
    kinds = [k for k in OUTCOME_KINDS if any(r.round.survey.kind == k for r in mine)]
    labels = {k: str(Survey.Kind(k).label).capitalize() for k in kinds}
    answers = {r.round.survey.kind: _scores(r, questions[r.survey_id]) for r in mine}
    network_scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in network_rows:
        for key, v in _scores(r, questions[r.survey_id]).items():
            network_scores[r.round.survey.kind][key].append(v)
    table = Table(
        "own_answers",
        "Your answers over time, beside the network's median",
        [
            "Measure",
            *(f"You: {labels[k]}" for k in kinds),
            *(f"Network median: {labels[k]}" for k in kinds),
        ],
        note="The network's median is shown once 5 or more members answered.",
    )
    for key, text in MEASURES:
        row = [text]
        row += [_fmt(answers[k].get(key)) for k in kinds]
        row += [
            _fmt(median(network_scores[k].get(key, []))) or "not enough responses" for k in kinds
        ]
        table.rows.append(row)
        if kinds:
            table.bars.append(
                (text, answers[kinds[-1]].get(key), _fmt(answers[kinds[-1]].get(key)))
            )
    table.scale_max = 10
    tables = [table]

    seats = list(
        Membership.objects.filter(user=user, status__in=Membership.CURRENT).select_related("group")
    )
    attendance = Table("own_attendance", "Your attendance", ["Group", "Meetings held", "Present"])
    for seat in seats:
        record = own_attendance(seat)
        present = sum(
            1 for _, p in record if p and p.attendance == Participation.Attendance.PRESENT
        )
        attendance.rows.append([seat.group.name, str(len(record)), str(present)])
    tables.append(attendance)

    tally = commitment_tallies(member=user)
    made = sum(tally.values())
    done = sum(n for (_, status), n in tally.items() if status == "done")
    commitments = Table("own_commitments", "Your commitments", ["", "Count"])
    commitments.rows += [["Made", str(made)], ["Done (as you reported back)", str(done)]]
    tables.append(commitments)

    held = Session.objects.filter(member=user, status=Session.Status.HELD).values_list(
        "starts_at", "ends_at"
    )
    hours = sum((end - start).total_seconds() for start, end in held) / 3600
    coaching = Table("own_coaching", "Your coaching", ["", "Hours"])
    coaching.rows.append(["Coaching sessions held", f"{hours:.1f}"])
    tables.append(coaching)
    return tables
