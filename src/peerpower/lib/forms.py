"""Forms render through our templates with Bootstrap's classes on every widget.

Django 5.2 links each widget to its help text and errors for screen readers itself
(`aria-describedby` naming `<id>_helptext` and `<id>_error`, `aria-invalid` when it has
errors); `BootstrapBoundField` adds only the classes, through the renderer's bound-field hook,
so every form of the project gets them and a template writes just `{{ form.field }}`.

The renderer writes Django's own plain widgets (the inputs, the textarea, the select and its
options) and our `forms/field.html` in Python, to the byte what the templates give
(`tests/lib/test_forms.py` compares the two for every field of every form): through the
template engine a field cost about 0.2 ms of CPU, and an issues page has a dozen. Any other
widget (radio buttons, checkbox lists) and the form's own layout go through the templates.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import escape
from django.utils.safestring import SafeData, SafeString, mark_safe


def bootstrap_class(widget: forms.Widget) -> str:
    """Bootstrap 5's class for the widget's control ("" for hidden inputs)."""
    if widget.is_hidden:
        return ""
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


class BootstrapBoundField(forms.BoundField):
    """A bound field whose widget carries Bootstrap's class, and `is-invalid` with errors.

    Classes already on the widget (e.g. `attrs={"class": "order-input"}`) are kept.
    """

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: forms.Widget | None = None
    ) -> dict[str, Any]:
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        classes = [
            bootstrap_class(widget),
            widget.attrs.get("class", ""),
            attrs.get("class", ""),
            "is-invalid" if self.errors and not widget.is_hidden else "",
        ]
        css = " ".join(dict.fromkeys(c for part in classes for c in str(part).split()))
        if css:
            attrs["class"] = css
        return attrs


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = BootstrapBoundField

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = WRITTEN.get(template_name)
        if write is not None and request is None and len(context) == 1:
            html = write(context)
            if html is not None:
                return SafeString(html.strip())
        return super().render(template_name, context, request)


# The template engine's own escaping and localisation of a `{{ value }}`, without a template.
_CONTEXT = Context(autoescape=True)


def _value(value: Any) -> str:
    """`{{ value }}`: a plain string is only escaped (localising it changes nothing)."""
    if type(value) is str:
        return escape(value)
    return str(render_value_in_context(value, _CONTEXT))


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` (a safe value stays unescaped, as with the filter)."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    # The filter keeps a value that was already safe as safe; anything else is escaped.
    return _value(mark_safe(text) if isinstance(value, SafeData) else text)  # noqa: S308


def _attrs(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {_value(name)}" if value is True else f' {_value(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(context: Mapping[str, Any]) -> str | None:
    """django/forms/widgets/input.html (and text, number, hidden, checkbox… which include it)."""
    widget = context["widget"]
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_value(widget["type"])}" name="{_value(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>"
    )


def _textarea(context: Mapping[str, Any]) -> str | None:
    """django/forms/widgets/textarea.html."""
    widget = context["widget"]
    value = _value(widget["value"]) if widget["value"] else ""
    name, attrs = _value(widget["name"]), _attrs(widget["attrs"])
    return f'<textarea name="{name}"{attrs}>\n{value}</textarea>'


_OPTION = "django/forms/widgets/select_option.html"


def _select(context: Mapping[str, Any]) -> str | None:
    """django/forms/widgets/select.html with select_option.html; None (use the templates) for
    an option of another template."""
    widget = context["widget"]
    parts = [f'<select name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_value(group_name)}">')
        for option in options:
            if option["template_name"] != _OPTION:
                return None
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_value(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _field(context: Mapping[str, Any]) -> str | None:
    """Our forms/field.html (which stays the reference: tests/lib/test_forms.py compares)."""
    field = context["field"]
    auto_id, label = _value(field.auto_id), _value(field.label)
    if field.widget_type == "checkbox":
        head = (
            f'<div class="form-check mb-3">\n  {_value(field)}\n'
            f'  <label class="form-check-label" for="{auto_id}">{label}</label>\n'
        )
    else:
        optional = (
            ""
            if field.field.required
            else ' <span class="text-body-secondary small">(optional)</span>'
        )
        head = (
            f'<div class="mb-3">\n  <label class="form-label" for="{auto_id}">{label}{optional}'
            f"</label>\n  {_value(field)}\n"
        )
    # `|safe` in the template: help text is ours, written with markup on purpose.
    help_html = _value(mark_safe(str(field.help_text)))  # noqa: S308
    help_text = (
        f'<div class="form-text" id="{auto_id}_helptext">{help_html}</div>'
        if field.help_text
        else ""
    )
    errors = field.errors
    error_text = (
        f'<div class="invalid-feedback d-block" id="{auto_id}_error">'
        f"{' '.join(_value(error) for error in errors)}</div>"
        if errors
        else ""
    )
    return f"{head}\n  {help_text}\n  {error_text}\n</div>"


WRITTEN: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    **{
        f"django/forms/widgets/{name}.html": _input
        for name in (
            "input",
            "text",
            "number",
            "email",
            "url",
            "password",
            "hidden",
            "date",
            "time",
            "datetime",
            "checkbox",
        )
    },
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
    "forms/field.html": _field,
}
WIDGET_TEMPLATES = [name for name in WRITTEN if name.startswith("django/forms/widgets/")]
