"""Forms: Bootstrap's classes come from the bound-field hook, Django's ARIA wiring stays; an
action's errors land beside the fields that took its parameters."""

from django import forms
from django.core.exceptions import ValidationError

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
