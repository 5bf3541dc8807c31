"""Small server-rendered SVG bar charts of a proposed group's mix (sector, size band, region),
each with its data table. Bars carry their label and count as text, so the chart reads without
colour; no script and no style attribute (the Content Security Policy allows neither)."""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from peerpower.formation.mix import GroupMix
from peerpower.networks.models import Organisation

LABELS = {
    "sector": ("Sectors", dict(Organisation.Sector.choices)),
    "size_band": ("Sizes", dict(Organisation.SizeBand.choices)),
    "region": ("Regions", dict(Organisation.Region.choices)),
}
BAR = 18
GAP = 4
WIDTH = 320
LABEL_WIDTH = 170


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    svg: SafeString
    rows: list[tuple[str, int]]


def bar_chart(key: str, title: str, rows: list[tuple[str, int]]) -> SafeString:
    """A horizontal bar chart: one bar per row, its label left of it and its count at its end."""
    most = max((count for _, count in rows), default=1) or 1
    height = max(len(rows), 1) * (BAR + GAP)
    span = WIDTH - LABEL_WIDTH - 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="formation-chart" width="100%" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{escape(key)}-title">',
        f'<title id="{escape(key)}-title">{escape(title)}</title>',
    ]
    for i, (label, count) in enumerate(rows):
        y = i * (BAR + GAP)
        length = max(round(span * count / most), 2)
        parts.append(
            f'<text x="0" y="{y + BAR - 5}" font-size="12" fill="currentColor">'
            f"{escape(label[:26])}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR}" '
            f'fill="#0b5394"></rect>'
            f'<text x="{LABEL_WIDTH + length + 4}" y="{y + BAR - 5}" font-size="12" '
            f'fill="currentColor">{count}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number


def for_mix(group: GroupMix) -> list[Chart]:
    charts = []
    for attribute, (title, labels) in LABELS.items():
        rows = [
            (labels.get(value, "Not known") if value else "Not known", count)
            for value, count in group.counts[attribute].items()
        ]
        key = f"chart-{group.slot}-{attribute}"
        charts.append(Chart(key=key, title=title, svg=bar_chart(key, title, rows), rows=rows))
    return charts
