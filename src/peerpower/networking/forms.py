"""Forms of networking. They check the shape of the input; the actions hold the rules."""

from typing import Any, cast

from django import forms

from peerpower.accounts.models import User
from peerpower.networking.actions import PostFields, ProfileChanges
from peerpower.networking.models import Opportunity, Profile, Tag
from peerpower.networks.models import Network, Organisation

VISIBILITY_HELP = "Who sees this: nobody but you, the people of your group, or the whole network."


class ProfileForm(forms.ModelForm[Profile]):
    photo_file = forms.FileField(
        required=False,
        label="Photo",
        help_text="JPEG, PNG, WebP or GIF, at most 5 MB. We make it square and small.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    remove_photo = forms.BooleanField(required=False, label="Remove my photo")
    help_tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="I can help with",
    )
    seek_tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="I'm looking for",
    )
    website = forms.URLField(required=False, assume_scheme="https")
    linkedin = forms.URLField(required=False, assume_scheme="https", label="LinkedIn")

    class Meta:
        model = Profile
        fields = (
            "enabled",
            "name_visibility",
            "organisation",
            "organisation_visibility",
            "photo_visibility",
            "headline",
            "headline_visibility",
            "biography",
            "biography_visibility",
            "help_text",
            "help_visibility",
            "seek_text",
            "seek_visibility",
            "website",
            "linkedin",
            "links_visibility",
            "phone",
            "introductions_open",
            "digest",
        )
        widgets = {"biography": forms.Textarea(attrs={"rows": 5})}
        labels = {
            "name_visibility": "Who sees my name",
            "organisation_visibility": "Who sees my organisation",
            "photo_visibility": "Who sees my photo",
            "headline_visibility": "Who sees my headline",
            "biography_visibility": "Who sees my biography",
            "help_visibility": "Who sees what I can help with",
            "seek_visibility": "Who sees what I'm looking for",
            "links_visibility": "Who sees my links",
            "enabled": "Networking is on",
            "organisation": "My organisation",
        }
        help_texts = {
            "enabled": "Off: you are out of the directory, suggestions and introductions.",
            "name_visibility": "Only people who may see your name find you in the directory.",
            "headline": "One line: who you are and what you bring.",
            "phone": "Given only to someone whose introduction you both accepted.",
            "digest": "New posts on the opportunities board with one of your tags (above), on"
            " Mondays. Off by default; every email has a one-click unsubscribe.",
        }

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("help_tags", "seek_tags"):
            tags = cast("forms.ModelMultipleChoiceField[Tag]", self.fields[name])
            tags.queryset = Tag.objects.filter(network=network)
        organisation = cast("forms.ModelChoiceField[Organisation]", self.fields["organisation"])
        organisation.queryset = Organisation.objects.filter(network=network)
        organisation.empty_label = "None"
        if self.instance.pk and not self.is_bound:
            chosen = list(self.instance.profile_tags.values_list("kind", "tag_id"))
            self.initial["help_tags"] = [t for k, t in chosen if k == "help"]
            self.initial["seek_tags"] = [t for k, t in chosen if k == "seek"]

    def _post_clean(self) -> None:
        pass  # the action validates

    def changes(self) -> ProfileChanges:
        data = self.cleaned_data
        return ProfileChanges(
            **{
                name: data[name] for name in self.Meta.fields if name not in ("website", "linkedin")
            },
            website=data["website"],
            linkedin=data["linkedin"],
            help_tags=list(data["help_tags"]),
            seek_tags=list(data["seek_tags"]),
        )


class DirectoryForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=100)
    sector = forms.ChoiceField(
        choices=[("", "Any sector"), *Organisation.Sector.choices], required=False
    )
    region = forms.ChoiceField(
        choices=[("", "Any region"), *Organisation.Region.choices], required=False
    )
    size_band = forms.ChoiceField(
        choices=[("", "Any size"), *Organisation.SizeBand.choices],
        required=False,
        label="Annual income",
    )
    tag = forms.ModelChoiceField(queryset=Tag.objects.none(), required=False, empty_label="Any tag")
    group = forms.TypedChoiceField(choices=[], required=False, coerce=int, empty_value=None)

    def __init__(
        self, *args: Any, network: Network, groups: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        tag = cast("forms.ModelChoiceField[Tag]", self.fields["tag"])
        tag.queryset = Tag.objects.filter(network=network)
        group = cast("forms.TypedChoiceField", self.fields["group"])
        group.choices = [("", "Any group"), *groups]


class TagsForm(forms.Form):
    names = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        label="Tags, one a line",
        help_text="Members choose from these for “I can help with” and “I'm looking for”."
        " A tag left out is taken off every profile.",
        max_length=6000,
    )

    def names_list(self) -> list[str]:
        return [line for line in self.cleaned_data["names"].splitlines() if line.strip()]


class IntroductionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why you would like to be introduced",
        help_text="20 to 500 characters. They see this with your profile before they answer.",
        max_length=2000,
    )


class MemberIntroductionForm(forms.Form):
    first = forms.ModelChoiceField(queryset=User.objects.none(), label="Introduce")
    second = forms.ModelChoiceField(queryset=User.objects.none(), label="To")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why they should meet",
        help_text="20 to 500 characters. Both see this before they answer.",
        max_length=2000,
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first", "second"):
            field = cast("forms.ModelChoiceField[User]", self.fields[name])
            field.queryset = members
            field.empty_label = "Choose a member"


class AnswerForm(forms.Form):
    """Yes or no: which button was pressed says which."""


class OpportunityForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "Choose a kind"), *Opportunity.Kind.choices])
    title = forms.CharField(max_length=160)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        help_text="What it is, who it suits and what happens next. Replies come to you by"
        " email through the site; your address is not shown.",
    )
    closes_on = forms.DateField(
        label="Closing date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The post closes at the end of this day. You can close it earlier or extend"
        " it once.",
    )
    region = forms.ChoiceField(
        choices=[("", "Any region"), *Organisation.Region.choices], required=False
    )
    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tags = cast("forms.ModelMultipleChoiceField[Tag]", self.fields["tags"])
        tags.queryset = Tag.objects.filter(network=network)

    def fields_of(self) -> PostFields:
        data = self.cleaned_data
        return PostFields(
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            closes_on=data["closes_on"],
            region=data["region"],
            tags=list(data["tags"]),
        )


class ExtendForm(forms.Form):
    closes_on = forms.DateField(
        label="New closing date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="A post can be extended once.",
    )


class CloseForm(forms.Form):
    """Close a post early: a lone button."""


class ReplyForm(forms.Form):
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Your reply",
        help_text="10 to 2,000 characters. It goes to the poster by email with your name;"
        " neither of you sees the other's email address.",
        max_length=4000,
    )


class BoardForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Opportunity.Kind.choices], required=False)
    tag = forms.ModelChoiceField(queryset=Tag.objects.none(), required=False, empty_label="Any tag")
    mine = forms.BooleanField(required=False, label="Only my posts (closed ones too)")

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tag = cast("forms.ModelChoiceField[Tag]", self.fields["tag"])
        tag.queryset = Tag.objects.filter(network=network)


class UnsubscribeForm(forms.Form):
    """Stop the weekly digest: a lone button (a mail client's one-click POST is the same)."""
