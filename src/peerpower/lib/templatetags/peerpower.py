"""Template helpers: durations in minutes; zone labels after times; the `can` rule tag.
(Bootstrap classes on form widgets come from lib.forms.BootstrapBoundField.)"""

from django import template

from peerpower.lib.rules import can as rules_can
from peerpower.lib.timezones import zone_label as _zone_label
from peerpower.lib.undo import UNDO_MINUTES
from peerpower.lib.undo import undo_url as lib_undo_url

register = template.Library()


@register.filter
def minutes(value: int) -> str:
    hours, mins = divmod(int(value), 60)
    if hours and mins:
        return f"{hours} h {mins} min"
    return f"{hours} h" if hours else f"{mins} min"


@register.filter
def zone_label(group_zone: str, always: str = "") -> str:
    """`{{ meeting.starts_at|time:"H:i" }}{{ meeting.group.time_zone|zone_label }}`: names the
    zone the time is shown in when it is not the group's; `|zone_label:"always"` (emails)
    names it whatever it is. Every time shown outside the meeting page goes through this."""
    return _zone_label(group_zone, always=bool(always))


@register.simple_tag(takes_context=True)
def can(context: template.Context, rule_name: str, obj: object = None) -> bool:
    """`{% can "groups.manage" group as can_manage %}`: lib.rules.can for the page's viewer."""
    return rules_can(context["request"].user, rule_name, obj)


@register.filter
def undo_url(message: object) -> str:
    """The address a status message's "Undo" button posts to, or "" (see lib.undo)."""
    return lib_undo_url(getattr(message, "extra_tags", "") or "")


@register.simple_tag
def undo_minutes() -> int:
    """How long an "Undo" is offered (lib.undo.UNDO_MINUTES), for the confirmations to say."""
    return UNDO_MINUTES


@register.filter(is_safe=True)
def possessive(name: object) -> str:
    """A name's possessive, the one way the site writes it: "Maya's", "Tuesday Leaders'"."""
    text = str(name)
    return f"{text}'" if text.endswith(("s", "S")) else f"{text}'s"
