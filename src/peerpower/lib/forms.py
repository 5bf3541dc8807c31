"""Forms render through our templates with Bootstrap's classes on every widget.

Django 5.2 links each widget to its help text and errors for screen readers itself
(`aria-describedby` naming `<id>_helptext` and `<id>_error`, `aria-invalid` when it has
errors); `BootstrapBoundField` adds only the classes, through the renderer's bound-field hook,
so every form of the project gets them and a template writes just `{{ form.field }}`.
"""

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting


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
