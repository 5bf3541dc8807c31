"""Template filters for the guest funnel's tables."""

from typing import Any

from django import template

from peerpower.guests.queries import FunnelRow

register = template.Library()


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.filter
def rate(row: FunnelRow, step: str) -> str:
    return row.rate(step)
