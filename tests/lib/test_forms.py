"""Forms: Bootstrap's classes come from the bound-field hook, Django's ARIA wiring stays; an
action's errors land beside the fields that took its parameters."""

import copy
import inspect
from datetime import date
from importlib import import_module
from typing import Any, cast

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from peerpower.lib.forms import WIDGET_TEMPLATES, FormRenderer
from peerpower.lib.http import add_action_errors


class ExampleForm(forms.Form):
    name = forms.CharField(help_text="As people know you.")
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"class": "narrow"}))
    team = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    agree = forms.BooleanField(required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)


def test_every_widget_gets_bootstraps_class_and_keeps_its_own() -> None:
    form = ExampleForm()
    assert str(form["name"]) == (
        '<input type="text" name="name" required aria-describedby="id_name_helptext" '
        'class="form-control" id="id_name">'
    )
    assert 'class="form-control narrow"' in str(form["starts_on"])
    assert str(form["team"]).startswith('<select name="team" class="form-select" id="id_team">')
    assert str(form["agree"]) == (
        '<input type="checkbox" name="agree" class="form-check-input" id="id_agree">'
    )
    assert str(form["secret"]) == '<input type="hidden" name="secret" id="id_secret">'


def test_a_field_with_errors_is_marked_invalid_and_named_for_screen_readers() -> None:
    form = ExampleForm(data={"name": "", "starts_on": "2027-01-05", "team": "a"})
    assert not form.is_valid()
    assert str(form["name"]) == (
        '<input type="text" name="name" required aria-invalid="true" '
        'aria-describedby="id_name_helptext id_name_error" class="form-control is-invalid" '
        'id="id_name">'
    )
    page = form.render()
    assert '<div class="form-text" id="id_name_helptext">As people know you.</div>' in page
    assert 'id="id_name_error">This field is required.</div>' in page


def test_action_errors_go_to_the_field_that_took_the_parameter() -> None:
    form = ExampleForm(data={"name": "Ann", "starts_on": "2027-01-05", "team": "a"})
    assert form.is_valid()
    error = ValidationError(
        {
            "name": "That name is taken.",
            "starts_at": "Choose a day in the future.",
            "venue": "Choose one of this network's venues.",  # no field takes it
        }
    )
    add_action_errors(form, error, {"starts_at": "starts_on"})
    assert form.errors == {
        "name": ["That name is taken."],
        "starts_on": ["Choose a day in the future."],
        "__all__": ["Choose one of this network's venues."],
    }


def test_an_error_for_no_parameter_goes_above_the_form() -> None:
    form = ExampleForm(data={"name": "Ann", "starts_on": "2027-01-05", "team": "a"})
    assert form.is_valid()
    add_action_errors(form, ValidationError("Only the chair can do that."))
    assert form.non_field_errors() == ["Only the chair can do that."]


# --- the renderer writes Django's plain widgets itself, to the byte --------------------------

VALUES = [None, "", "plain", 'a "quoted" <b>tag</b> & more', 0, 7, 3.5, date(2027, 1, 5), True]
ATTRS = [
    {},
    {"class": "x", "required": True, "disabled": False, "min": 1, "data-x": 'a"<'},
    {"placeholder": mark_safe("<i>safe</i>"), "maxlength": 300, "aria-describedby": "a b"},
]


def _project_fields() -> list[tuple[str, forms.Field]]:
    """Every field a form of the project declares, and one of each kind of help and label."""
    found: list[tuple[str, forms.Field]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("peerpower"):
            continue
        try:
            module = import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, form_class in inspect.getmembers(module, inspect.isclass):
            if issubclass(form_class, forms.BaseForm) and form_class.__module__ == module.__name__:
                for field_name, field in cast(Any, form_class).base_fields.items():
                    found.append((f"{name}.{field_name}", field))
    found += [
        ("help", forms.CharField(help_text=mark_safe("<b>Bold</b> help"), required=False)),
        ("lazy", forms.CharField(label=gettext_lazy("Yes"), help_text=gettext_lazy("No"))),
        ("no id", forms.BooleanField(label="<i>Tick</i>", required=False)),
    ]
    return found


def _project_widgets() -> list[tuple[str, forms.Widget]]:
    """Every widget a form of the project declares, and a few choice lists of every shape."""
    found = [(label, field.widget) for label, field in _project_fields()]
    found += [
        ("select", forms.Select(choices=[("", "Choose…"), ("a", "A <&>"), (1, 2), (None, "n")])),
        ("optgroups", forms.Select(choices=[("x", "X"), ("Europe", [("l", "London"), (2, "P")])])),
        ("lazy", forms.Select(choices=[("a", gettext_lazy("Yes")), ("b", mark_safe("<b>B</b>"))])),
        ("multiple", forms.SelectMultiple(choices=[("a", "A"), ("b", "B")])),
        ("textarea", forms.Textarea(attrs={"rows": 3})),
    ]
    return found


@pytest.mark.django_db
def test_the_renderer_writes_every_plain_widget_as_djangos_templates_do() -> None:
    renderer = FormRenderer()
    written = 0
    for label, widget in _project_widgets():
        for value in [*VALUES, ["a", 2]]:
            for attrs in ATTRS:
                context = widget.get_context("field", value, {**attrs, "id": "id_field"})
                ours = renderer.render(widget.template_name, context)
                djangos = TemplatesSetting.render(renderer, widget.template_name, context)
                assert ours == djangos, (label, value, attrs)
                written += widget.template_name in WIDGET_TEMPLATES
    assert written > 500  # the fast path is taken, not only the templates compared with themselves


def test_no_template_of_ours_overrides_a_widget_the_renderer_writes() -> None:
    for name in WIDGET_TEMPLATES:
        origin = cast(Any, get_template(name)).origin.name
        assert "/django/forms/templates/" in origin, origin


@pytest.mark.django_db
def test_the_renderer_writes_every_field_of_every_form_as_our_field_template_does() -> None:
    renderer = FormRenderer()
    fields = _project_fields()
    assert len(fields) > 40
    for label, field in fields:
        for data in (None, {}, {"f": 'x"<b>'}):
            form = type("F", (forms.Form,), {"f": copy.deepcopy(field)})(data)
            form.is_valid()
            context = form["f"].get_context()
            ours = renderer.render("forms/field.html", context)
            ours_template = TemplatesSetting.render(renderer, "forms/field.html", context)
            assert ours == ours_template, (label, data)
