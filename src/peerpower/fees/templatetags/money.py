"""`{{ amount|pounds }}`: integer pence shown as £1,500.00 (fees.money)."""

from django import template

from peerpower.fees import money

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    return "" if pence is None else money.pounds(int(pence))


@register.filter
def vat_rate(rate_bp: int) -> str:
    return money.rate_label(int(rate_bp))
