"""Forms of the issues session: every POST comes in through one of these. They check the shape
of the input; the rules and the meeting's state are the actions' to check."""

from collections.abc import Iterable
from typing import Any

from django import forms

from peerpower.accounts.models import User
from peerpower.issues.models import (
    CHECK_IN_COMMENT_MAX,
    COMMITMENT_MAX,
    NOTE_MAX,
    QUESTION_MAX,
    TEXT_MAX,
    Commitment,
    Issue,
)
from peerpower.issues.room import RoomAction


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
    presenter = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Whose issue", empty_label="Choose a member"
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        # Its own ids: it sits on one page with the member's IssueForm, whose fields share names.
        kwargs.setdefault("auto_id", "chair_%s")
        super().__init__(*args, **kwargs)
        presenter = self.fields["presenter"]
        if isinstance(presenter, forms.ModelChoiceField):
            presenter.queryset = members
        self.order_fields(["presenter"])


def _yes_no(yes: str, no: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=[("1", yes), ("0", no)],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )


class SupportForm(forms.Form):
    """Support an issue (back=1, the default) or take the support back (back=0)."""

    back = forms.ChoiceField(
        choices=[("1", "Support this issue"), ("0", "Stop supporting")],
        required=False,
        widget=forms.HiddenInput,
    )

    def supports(self) -> bool:
        return bool(self.cleaned_data["back"] != "0")


class WithdrawForm(forms.Form):
    """Withdrawing an issue asks nothing more: the button is the whole request. A form all the
    same, so every POST comes in the same way and a field added later has its place."""


class UndoForm(forms.Form):
    """The "Undo" of a withdrawal: the button is the whole request (what to put back waits in
    the session, see lib.undo)."""


class DeleteForm(forms.Form):
    """Deleting an issue, once the page has asked: the button is the whole request."""


class NotesShareForm(forms.Form):
    shared = _yes_no("Share my notes with the group", "Stop sharing my notes with the group")


class QueueOrderForm(forms.Form):
    """The chair's numbers beside the open issues: the ones numbered are taken in that order."""

    MESSAGE = "Give each issue you want to take a whole number; leave the rest empty."

    def __init__(self, *args: Any, issue_ids: Iterable[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for pk in issue_ids:
            self.fields[f"order_{pk}"] = forms.IntegerField(
                required=False,
                min_value=1,
                error_messages={"invalid": self.MESSAGE, "min_value": self.MESSAGE},
            )

    def order(self) -> list[int]:
        """The issue ids in the chosen order (ties by id)."""
        chosen = [
            (value, int(name.removeprefix("order_")))
            for name, value in self.cleaned_data.items()
            if value is not None
        ]
        return [pk for _, pk in sorted(chosen)]


class RoomActForm(forms.Form):
    """One press of a chair's control in the room, with the room's version it was shown."""

    action = forms.TypedChoiceField(choices=RoomAction.choices, coerce=RoomAction)
    version = forms.IntegerField(min_value=0)
    issue = forms.IntegerField(required=False, min_value=1)
    scribe = forms.IntegerField(required=False, min_value=1)


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Point offered", max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    # The issue the scribe began the note for (room.js keeps it while they type), so a note
    # finished after the chair moved on still reaches the right presenter.
    issue = forms.IntegerField(
        required=False, min_value=1, widget=forms.HiddenInput(attrs={"id": "note-issue"})
    )


class CommitmentForm(forms.Form):
    text = forms.CharField(label="What I will do", max_length=COMMITMENT_MAX)
    due_on = forms.DateField(
        label="By when", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ReportForm(forms.Form):
    """A member's report-back on one commitment. Several stand on one page, so each takes the
    commitment's own ids (`for_commitment`)."""

    status = forms.ChoiceField(
        choices=[
            ("", "Choose…"),
            *(
                (value, label.capitalize())
                for value, label in Commitment.Status.choices
                if value in Commitment.REPORTED_STATUSES
            ),
        ],
        label="Where it stands",
        error_messages={"required": "Choose where it stands."},
    )
    report = forms.CharField(
        label="What happened",
        max_length=COMMITMENT_MAX,
        error_messages={"required": "Add a line on what happened."},
    )
    # Reported from a meeting's issues page: go back there.
    meeting = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    commitment_id: int

    @classmethod
    def for_commitment(
        cls, commitment: Commitment, data: Any = None, meeting_id: int | None = None
    ) -> "ReportForm":
        """The form for `commitment`: posted `data`, or its status and report so far."""
        reported = commitment.status in Commitment.REPORTED_STATUSES
        form = cls(
            data,
            auto_id=f"report-{commitment.pk}-%s",
            initial={
                "status": commitment.status if reported else "",
                "report": commitment.report,
                "meeting": meeting_id,
            },
        )
        form.commitment_id = commitment.pk
        return form


class UpdateForm(forms.Form):
    RATING = [("", "Choose…"), *((n, str(n)) for n in range(1, 11))]
    work = forms.TypedChoiceField(choices=RATING, coerce=int, label="Your month at work (1–10)")
    personal = forms.TypedChoiceField(
        choices=RATING, coerce=int, label="Your month personally (1–10)"
    )
    comment = forms.CharField(
        label="One line on your month", max_length=CHECK_IN_COMMENT_MAX, required=False
    )
