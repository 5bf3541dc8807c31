"""The network's yearly impact report, for its admins, as a page, a PDF and a CSV: members
served, their organisations by sector, size and region, meetings held, attendance, value
scores, outcome changes with their 95 % intervals, what members said changed (only from named
answers whose author agreed to be quoted, never with a name), and the year's costs and who paid
them. Every count and figure about people goes through the small-numbers rule."""

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone

from peerpower.fees.models import Place
from peerpower.fees.money import pounds
from peerpower.groups.models import Membership
from peerpower.impact.dashboards import Table, _fmt, paired_changes
from peerpower.impact.figures import count_figures, summarise
from peerpower.impact.models import Response, Survey
from peerpower.lib.pdf import html_to_pdf
from peerpower.lib.small_numbers import MIN_RESPONDENTS
from peerpower.meetings.models import Meeting, Participation
from peerpower.networks.models import Network, Organisation

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "peerpower" / "case.css"


def _counts_table(key: str, title: str, counts: Counter[str]) -> Table:
    cells = {label: n for label, n in sorted(counts.items())}
    cells["All"] = sum(counts.values())
    table = Table(key, title, ["", "Members"])
    for figure in count_figures(cells, total="All"):
        table.rows.append([figure.label, figure.n_text])
    return table


def yearly(network: Network, end: date | None = None) -> list[Table]:
    """The year to `end` (today by default)."""
    end = end or timezone.localdate()
    start = end - timedelta(days=365)
    served = list(
        Membership.objects.filter(
            group__network=network, joined_on__isnull=False, joined_on__lte=end
        )
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
        .select_related("organisation")
    )
    tables = []
    summary = Table("served", f"The year to {end:%-d %B %Y}", ["", "Figure"])
    (people,) = count_figures({"Members served": len({m.user_id for m in served})})
    summary.rows.append(["Members served", people.n_text])
    meetings = Meeting.objects.filter(
        group__network=network,
        status=Meeting.Status.SCHEDULED,
        starts_at__date__gte=start,
        starts_at__date__lte=end,
        starts_at__lte=timezone.now(),
    )
    summary.rows.append(["Meetings held", str(meetings.count())])
    tally = Participation.objects.filter(meeting__in=meetings).aggregate(
        present=Count("pk", filter=Q(attendance="present")),
        recorded=Count("pk", filter=~Q(attendance="")),
    )
    if tally["recorded"] >= MIN_RESPONDENTS:
        rate = 100 * tally["present"] / tally["recorded"]
        summary.rows.append(["Attendance", f"{rate:.0f} % ({tally['recorded']} places recorded)"])
    worth = [
        float(r.answers["worth"])
        for r in Response.objects.filter(
            round__network=network,
            round__released_at__isnull=False,
            round__survey__kind=Survey.Kind.AFTER_MEETING,
            round__opens_at__date__gte=start,
            round__opens_at__date__lte=end,
        ).only("answers")
        if "worth" in r.answers
    ]
    (value,) = summarise({"Worth the half day": worth})
    summary.rows.append(
        [
            "Was it worth the half day? (0 to 10)",
            f"{_fmt(value.mean)} (n {value.n_text})" if value.shown else "not enough responses",
        ]
    )
    tables.append(summary)

    orgs = [m.organisation for m in served if m.organisation is not None]
    unique: dict[int, Organisation] = {o.pk: o for o in orgs}
    for key, title, attribute in (
        ("sector", "Organisations by sector", "get_sector_display"),
        ("size", "Organisations by size", "get_size_band_display"),
        ("region", "Organisations by region", "get_region_display"),
    ):
        counts = Counter(str(getattr(o, attribute)()) for o in unique.values())
        table = _counts_table(key, title, counts)
        table.columns = ["", "Organisations"]
        tables.append(table)

    for months, changes in paired_changes(network).items():
        table = Table(
            f"outcomes_{months}",
            f"Baseline and {months} months, the same members",
            ["Measure", "Baseline", f"{months} months", "Change", "95 % interval", "Members"],
        )
        for c in changes:
            table.rows.append(
                [
                    c.label,
                    _fmt(c.before),
                    _fmt(c.after),
                    "" if c.mean_change is None else f"{c.mean_change:+.2f}",
                    "" if c.low is None else f"{c.low:+.2f} to {c.high:+.2f}",
                    c.n_text,
                ]
            )
        tables.append(table)

    quotes = Table("quotes", "What members said changed (quoted with their agreement)", ["Quote"])
    for r in Response.objects.filter(
        round__network=network,
        round__released_at__isnull=False,
        respondent__isnull=False,
        may_quote=True,
        round__survey__kind__in=[Survey.Kind.FOLLOWUP_6, Survey.Kind.FOLLOWUP_12],
    ).only("answers"):
        if r.answers.get("what_changed"):
            quotes.rows.append([r.answers["what_changed"]])
    quotes.rows.sort(key=lambda row: row[0].casefold())
    tables.append(quotes)

    places = Place.objects.filter(
        membership__group__network=network, starts_on__lte=end, ends_on__gte=start
    ).aggregate(
        n=Count("pk"),
        price=Sum("price_pence"),
        bursary=Sum("bursary_pence"),
        sponsor=Sum("sponsor_pence"),
    )
    costs = Table("costs", "Costs and who paid", ["", "Amount"])
    if places["n"] >= MIN_RESPONDENTS:
        price, bursary, sponsor = (
            places["price"] or 0,
            places["bursary"] or 0,
            places["sponsor"] or 0,
        )
        costs.rows += [
            ["Places", str(places["n"])],
            ["Price of the places", pounds(price)],
            ["Paid by members' organisations", pounds(price - bursary - sponsor)],
            ["Bursaries (the network)", pounds(bursary)],
            ["Sponsors", pounds(sponsor)],
        ]
    else:
        costs.rows.append(["Places", f"fewer than {MIN_RESPONDENTS}"])
    tables.append(costs)
    return tables


def pdf(network: Network, tables: list[Table]) -> bytes:
    html = render_to_string(
        "impact/report_pdf.html",
        {"network": network, "tables": tables, "today": timezone.localdate()},
    )
    return html_to_pdf(html, STYLESHEET)
