"""Forms render through our templates, so every field gets its label, help and errors wired up
for screen readers in one place."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
