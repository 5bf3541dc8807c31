"""Template helpers: durations in minutes; the `can` rule tag. (Bootstrap classes on form
widgets come from lib.forms.BootstrapBoundField.)"""

from django import template

from peerpower.lib.rules import can as rules_can

register = template.Library()


@register.filter
def minutes(value: int) -> str:
    hours, mins = divmod(int(value), 60)
    if hours and mins:
        return f"{hours} h {mins} min"
    return f"{hours} h" if hours else f"{mins} min"


@register.simple_tag(takes_context=True)
def can(context: template.Context, rule_name: str, obj: object = None) -> bool:
    """`{% can "groups.manage" group as can_manage %}`: lib.rules.can for the page's viewer."""
    return rules_can(context["request"].user, rule_name, obj)
