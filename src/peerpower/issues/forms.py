from typing import Any

from django import forms

from peerpower.accounts.models import User
from peerpower.issues.models import NOTE_MAX, QUESTION_MAX, TEXT_MAX, Commitment, Issue


class IssueForm(forms.Form):
    question = forms.CharField(
        label="How do I…?",
        max_length=QUESTION_MAX,
        help_text="One question, e.g. “How do I get my board to agree a reserves policy?”",
    )
    why_now = forms.CharField(
        label="Why it matters now",
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    tried = forms.CharField(
        label="What I have tried",
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    help_wanted = forms.CharField(
        label="The help I want from the group",
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    urgency = forms.TypedChoiceField(
        choices=Issue.Urgency.choices,
        coerce=int,
        initial=Issue.Urgency.SOON,
        label="How urgent is it?",
    )


class ChairIssueForm(IssueForm):
    presenter = forms.ModelChoiceField(queryset=User.objects.none(), label="Whose issue")

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        # Its own ids: it sits on one page with the member's IssueForm, whose fields share names.
        kwargs.setdefault("auto_id", "chair_%s")
        super().__init__(*args, **kwargs)
        presenter = self.fields["presenter"]
        if isinstance(presenter, forms.ModelChoiceField):
            presenter.queryset = members
        self.order_fields(["presenter"])


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Point offered", max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommitmentForm(forms.Form):
    text = forms.CharField(label="What I will do", max_length=300)
    due_on = forms.DateField(
        label="By when", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ReportForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (v, label.capitalize())
            for v, label in Commitment.Status.choices
            if v != Commitment.Status.OPEN
        ],
        label="Where it stands",
    )
    report = forms.CharField(label="What happened", max_length=300)


class UpdateForm(forms.Form):
    RATING = [("", "Choose…"), *((n, str(n)) for n in range(1, 11))]
    work = forms.TypedChoiceField(choices=RATING, coerce=int, label="Your month at work (1–10)")
    personal = forms.TypedChoiceField(
        choices=RATING, coerce=int, label="Your month personally (1–10)"
    )
    comment = forms.CharField(label="One line on your month", max_length=200, required=False)
