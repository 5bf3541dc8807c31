"""Template helpers: Bootstrap classes and ARIA attributes on form widgets; the `can` rule tag."""

from django import forms, template
from django.utils.safestring import SafeString

from peerpower.lib.rules import can as rules_can

register = template.Library()


@register.filter
def widget(field: forms.BoundField) -> SafeString:
    """The field's widget with Bootstrap's class, and aria links to its help and errors."""
    w = field.field.widget
    if isinstance(w, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(w, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    attrs: dict[str, str | bool] = {"class": css + (" is-invalid" if field.errors else "")}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_errors")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


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
