"""Forms of the speaker bureau. They check the shape of the input; the actions hold the rules."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from peerpower.meetings.models import Meeting
from peerpower.networks.models import Network
from peerpower.speakers.actions import Profile
from peerpower.speakers.models import Region, Speaker, SpeakerSettings, Topic

SORTS = [("rating", "Rating"), ("last_booked", "Last booked"), ("name", "Name")]
RATINGS = [("", "Any rating"), ("3", "3 or more"), ("4", "4 or more"), ("4.5", "4.5 or more")]


class ProfileForm(forms.ModelForm[Speaker]):
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    regions = forms.MultipleChoiceField(
        choices=Region.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Regions they travel to",
    )

    class Meta:
        model = Speaker
        fields = (
            "name",
            "headline",
            "biography",
            "topics",
            "tags",
            "talks",
            "format",
            "regions",
            "fee",
            "fee_notes",
            "availability",
            "email",
            "phone",
        )
        widgets = {
            "biography": forms.Textarea(attrs={"rows": 5}),
            "talks": forms.Textarea(attrs={"rows": 3}),
            "availability": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"fee_notes": "Fee details", "availability": "Availability notes"}
        help_texts = {
            "email": "Seen only by the network's admins and its groups' chairs.",
            "phone": "Seen only by the network's admins and its groups' chairs.",
            "headline": "One line: who they are and what they bring.",
        }

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        topics = cast("forms.ModelMultipleChoiceField[Topic]", self.fields["topics"])
        topics.queryset = Topic.objects.filter(network=network)
        if self.instance.pk and not self.is_bound:
            self.initial["regions"] = self.instance.region_codes

    def _post_clean(self) -> None:
        pass  # the action validates

    def profile(self) -> Profile:
        data = self.cleaned_data
        return Profile(
            name=data["name"],
            headline=data["headline"],
            biography=data["biography"],
            topics=list(data["topics"]),
            tags=data["tags"],
            talks=data["talks"],
            format=data["format"],
            regions=list(data["regions"]),
            fee=data["fee"],
            fee_notes=data["fee_notes"],
            availability=data["availability"],
            email=data["email"],
            phone=data["phone"],
        )


class DirectoryForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=100)
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.none(), required=False, empty_label="Any topic"
    )
    region = forms.ChoiceField(choices=[("", "Any region"), *Region.choices], required=False)
    format = forms.ChoiceField(
        choices=[("", "Any format"), *Speaker.Format.choices], required=False
    )
    fee = forms.ChoiceField(choices=[("", "Fee or pro bono"), *Speaker.Fee.choices], required=False)
    rating = forms.ChoiceField(choices=RATINGS, required=False)
    sort = forms.ChoiceField(choices=SORTS, required=False, label="Sort by")

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        topic = cast("forms.ModelChoiceField[Topic]", self.fields["topic"])
        topic.queryset = Topic.objects.filter(network=network)


class BookingForm(forms.Form):
    # Only bookable meetings are offered; one that stopped being bookable after the page was
    # opened (cancelled, begun, another speaker asked) is refused with the reasons it can be.
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": "That meeting can no longer be booked: it is cancelled, has begun"
            " or taken place, or another speaker was asked meanwhile. Choose another."
        },
    )
    talk_title = forms.CharField(max_length=160, label="Talk title")
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.none(), required=False, empty_label="No particular topic"
    )
    brief = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
        help_text="What the group wants from the talk. The speaker sees this.",
    )

    def __init__(
        self, *args: Any, meetings: QuerySet[Meeting], network: Network, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        meeting = cast("forms.ModelChoiceField[Meeting]", self.fields["meeting"])
        meeting.queryset = meetings
        meeting.label_from_instance = lambda m: (  # type: ignore[method-assign, assignment]
            f"{m.group.name}: {m.starts_at:%A %-d %B %Y}"
        )
        topic = cast("forms.ModelChoiceField[Topic]", self.fields["topic"])
        topic.queryset = Topic.objects.filter(network=network)


class DeclineForm(forms.Form):
    reason = forms.CharField(max_length=300, required=False, label="Reason")
    other_dates = forms.CharField(max_length=300, required=False, label="Other dates that suit you")


SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class FeedbackForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=2000
    )
    named = forms.ChoiceField(
        choices=[("anonymous", "Anonymously"), ("named", "With my name")],
        widget=forms.RadioSelect,
        initial="anonymous",
        label="Send my feedback",
        help_text="Anonymous feedback is kept with no link to you at all, not even for admins.",
    )

    def __init__(self, *args: Any, questions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for i, question in enumerate(questions, 1):
            self.fields[f"score_{i}"] = forms.ChoiceField(
                choices=SCORE_CHOICES,
                widget=forms.RadioSelect,
                label=f"{question} (1 = not at all, 5 = very)",
            )
        self.order_fields([f"score_{i}" for i in range(1, len(questions) + 1)])

    def scores(self) -> list[int | None]:
        return [
            int(self.cleaned_data[f"score_{i}"]) if self.cleaned_data.get(f"score_{i}") else None
            for i in range(1, len(self.questions) + 1)
        ]


class ResourceForm(forms.Form):
    upload = forms.FileField(
        label="Slides or handout",
        help_text="PDF, PowerPoint (.pptx), Word (.docx), Excel (.xlsx), PNG or JPEG.",
    )


class ResourceDeleteForm(forms.Form):
    """Removing a file asks nothing more (the page asked first): the button is the request."""


class BureauSettingsForm(forms.ModelForm[SpeakerSettings]):
    topics = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="One a line. Speakers choose from these; removing one takes it off profiles.",
    )
    rating_threshold = forms.DecimalField(
        min_value=Decimal(1),
        max_value=Decimal(5),
        decimal_places=2,
        max_digits=3,
        help_text="Admins see a speaker flagged when their average rating falls below this.",
    )

    class Meta:
        model = SpeakerSettings
        fields = (
            "topics",
            "question_1",
            "question_2",
            "question_3",
            "feedback_days",
            "repeat_months",
            "rating_threshold",
            "upload_max_mb",
        )
        labels = {
            "question_1": "First question",
            "question_2": "Second question",
            "question_3": "Third question",
            "feedback_days": "Days to give feedback",
            "repeat_months": "Months before a speaker or topic repeats",
            "upload_max_mb": "Largest upload (MB)",
        }

    def _post_clean(self) -> None:
        pass  # the action validates
