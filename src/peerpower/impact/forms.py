"""Survey forms: one field per question, shaped by its kind. They check only the shape (a
whole number, a choice offered); `actions.clean_answers` holds the rules, required ones
included, so they hold wherever an answer comes from."""

from typing import Any

from django import forms

from peerpower.impact.actions import LONG_MAX, SHORT_MAX
from peerpower.impact.case import PARAGRAPH_MAX
from peerpower.impact.models import Question, Survey


def _field(q: Question) -> forms.Field:
    label = q.text
    common: dict[str, Any] = {"label": label, "required": False, "help_text": q.help_text}
    if q.scale:
        low, high = q.scale
        return forms.TypedChoiceField(
            choices=[(str(n), str(n)) for n in range(low, high + 1)],
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    if q.kind == Question.Kind.SINGLE:
        return forms.ChoiceField(
            choices=[(c, c) for c in q.choices], widget=forms.RadioSelect, **common
        )
    if q.kind == Question.Kind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in q.choices], widget=forms.CheckboxSelectMultiple, **common
        )
    if q.kind == Question.Kind.NUMBER:
        return forms.IntegerField(min_value=0, **common)
    if q.kind == Question.Kind.SHORT:
        return forms.CharField(max_length=SHORT_MAX, **common)
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=LONG_MAX, **common)


class AnswerForm(forms.Form):
    def __init__(self, *args: Any, questions: list[Question], named: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[q.key] = _field(q)
            self.fields[q.key].question = q  # type: ignore[attr-defined]
        if named and any(q.key == "what_changed" for q in questions):
            self.fields["may_quote"] = forms.BooleanField(
                required=False,
                label="The network may quote what changed, without my name, in its impact report",
            )

    def answers(self) -> dict[str, Any]:
        return {q.key: self.cleaned_data.get(q.key) for q in self.questions}


class SurveyEditForm(forms.Form):
    title = forms.CharField(max_length=120)
    intro = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(
        self, *args: Any, survey: Survey, questions: list[Question], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[f"text_{q.key}"] = forms.CharField(
                max_length=300, label=f"Question {q.position}", initial=q.text
            )
            self.fields[f"required_{q.key}"] = forms.BooleanField(
                required=False, label="Must be answered", initial=q.required
            )
        self.fields["title"].initial = survey.title
        self.fields["intro"].initial = survey.intro

    def question_changes(self) -> dict[str, dict[str, Any]]:
        return {
            q.key: {
                "text": self.cleaned_data[f"text_{q.key}"],
                "required": self.cleaned_data[f"required_{q.key}"],
            }
            for q in self.questions
        }

    def pairs(self) -> list[tuple[Question, forms.BoundField, forms.BoundField]]:
        return [(q, self[f"text_{q.key}"], self[f"required_{q.key}"]) for q in self.questions]


class CaseForm(forms.Form):
    """A textarea per paragraph, prefilled with the member's own wording or the default."""

    def __init__(self, *args: Any, paragraphs: list[tuple[str, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, heading, text in paragraphs:
            self.fields[key] = forms.CharField(
                label=heading,
                initial=text,
                required=False,
                max_length=PARAGRAPH_MAX,
                widget=forms.Textarea(attrs={"rows": 5}),
            )

    def paragraphs(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key) or "" for key in self.fields}
