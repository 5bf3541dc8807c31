"""Networking: members' profiles with a visibility per field, the tags a network keeps,
introductions by double opt-in, the opportunities board and suggested conversations.

Nothing here is filled from the issues session: a profile says only what its owner wrote in it.
Who may read which field is decided in `queries.py` (`card_for`), never in a template.
"""

import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from peerpower.networks.models import Organisation


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Visibility(models.TextChoices):
    NOBODY = "nobody", "Nobody"
    GROUP = "group", "My group"
    NETWORK = "network", "The whole network"


class Tag(models.Model):
    """One of the tags a network keeps for "I can help with" and "I'm looking for"."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="networking_tags"
    )
    name = models.CharField(max_length=60)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["network", "name"], name="networking_tag_unique")
        ]

    def __str__(self) -> str:
        return self.name


def _visibility(default: str = Visibility.GROUP) -> models.CharField[str, str]:
    return models.CharField(max_length=8, choices=Visibility.choices, default=default)


class Profile(models.Model):
    """A person's networking profile in one network. Each part has its own visibility; the
    name decides who finds the profile at all (someone who may not see the name does not see
    the person). `search_network` and `search_group` hold the searchable words (name,
    organisation, headline, tags) of the parts visible to the network and to the group only,
    rebuilt by every change (`actions.profile_update`), so search never matches a hidden word."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="networking_profiles"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="networking_profiles"
    )
    # Off: out of the directory, suggestions and introductions; the profile is kept.
    enabled = models.BooleanField("networking is on", default=True)
    name_visibility = _visibility(Visibility.NETWORK)
    organisation = models.ForeignKey(
        "networks.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="networking_profiles",
    )
    organisation_visibility = _visibility(Visibility.NETWORK)
    photo = models.CharField(max_length=200, blank=True)  # a name in the default storage
    photo_visibility = _visibility()
    headline = models.CharField(max_length=160, blank=True)
    headline_visibility = _visibility()
    biography = models.TextField(max_length=2000, blank=True)
    biography_visibility = _visibility()
    help_text = models.CharField("I can help with (in a sentence)", max_length=300, blank=True)
    help_visibility = _visibility()
    seek_text = models.CharField("I'm looking for (in a sentence)", max_length=300, blank=True)
    seek_visibility = _visibility()
    website = models.URLField(blank=True)
    linkedin = models.URLField("LinkedIn", blank=True)
    links_visibility = _visibility()
    # Contact details: only ever to the other person of an accepted introduction.
    phone = models.CharField(max_length=40, blank=True)
    introductions_open = models.BooleanField("people can ask to be introduced to me", default=True)
    digest = models.BooleanField(
        "weekly email of new opportunities matching my tags", default=False
    )
    digest_token = models.CharField(max_length=64, unique=True, default=new_token)
    search_network = models.TextField(blank=True, editable=False)
    search_group = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["network", "user"], name="networking_one_profile")
        ]

    def __str__(self) -> str:
        return f"Profile {self.pk}"


class ProfileTag(models.Model):
    """A tag on a profile, as something its owner can help with or is looking for."""

    class Kind(models.TextChoices):
        HELP = "help", "can help with"
        SEEK = "seek", "is looking for"

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="profile_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=Kind.choices)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["profile", "tag", "kind"], name="networking_tag_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.tag_id}"


class Introduction(models.Model):
    """A request that two people be introduced, each of whom must say yes.

    Asked by one of them (`requester`, who said yes by asking) or by a chair of their group
    (`introduced_by`, and then both must accept). Contact details pass only once both have
    accepted. A decline is stored but never shown to the other person: to them the request
    stays open and, after `OPEN_DAYS`, is "not taken up", like one nobody answered."""

    class Status(models.TextChoices):
        PENDING = "pending", "waiting"
        ACCEPTED = "accepted", "accepted"
        DECLINED = "declined", "declined"

    OPEN_DAYS: ClassVar[int] = 14

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="introductions"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="introductions_asked"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="introductions_received"
    )
    introduced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="introductions_made",
    )
    reason = models.TextField(max_length=500)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    requester_accepted_at = models.DateTimeField(null=True, blank=True)
    recipient_accepted_at = models.DateTimeField(null=True, blank=True)
    # A "no" is shown to the one who said it only.
    requester_declined_at = models.DateTimeField(null=True, blank=True)
    recipient_declined_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(requester=models.F("recipient")), name="introduction_not_to_oneself"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="declined")
                    & (
                        Q(requester_declined_at__isnull=False)
                        | Q(recipient_declined_at__isnull=False)
                    )
                )
                | (
                    ~Q(status="declined")
                    & Q(requester_declined_at__isnull=True, recipient_declined_at__isnull=True)
                ),
                name="introduction_declined_when_someone_said_no",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["requester", "created_at"])]

    def __str__(self) -> str:
        return f"Introduction {self.pk}"

    @property
    def is_accepted(self) -> bool:
        return self.status == self.Status.ACCEPTED


class Opportunity(models.Model):
    """A post on the network's opportunities board. Open from its posting until the end of
    `closes_on` (in the network's time zone) unless its poster closes it early (`closed_at`);
    its poster may move the date later once (`extended_from` keeps the first date). Replies
    go to the poster by email through the site; neither address is shown to the other."""

    class Kind(models.TextChoices):
        PARTNERSHIP = "partnership", "Partnership"
        JOINT_BID = "joint_bid", "Joint funding bid"
        TENDER = "tender", "Tender or contract"
        ROLE = "role", "Volunteering or trustee role"
        RESOURCE = "resource", "Resource to share"
        EVENT = "event", "Event"

    MAX_DAYS: ClassVar[int] = 365  # the furthest a closing date may be

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="opportunities"
    )
    poster = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="opportunities_posted"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=160)
    description = models.TextField(max_length=4000)
    closes_on = models.DateField("closing date")
    extended_from = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    region = models.CharField(max_length=20, choices=Organisation.Region.choices, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        verbose_name_plural = "opportunities"
        indexes: ClassVar = [models.Index(fields=["network", "closes_on"])]

    def __str__(self) -> str:
        return f"Opportunity {self.pk}"


class OpportunityReply(models.Model):
    """A member's private reply to a post, sent to its poster by email through the site.
    Only the two of them see it."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="replies")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="opportunity_replies"
    )
    message = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]
        verbose_name_plural = "opportunity replies"

    def __str__(self) -> str:
        return f"Reply {self.pk}"


class DigestSent(models.Model):
    """A weekly digest claimed for one profile: unique per profile and week (its Monday), so
    the periodic task run twice, or by several workers, sends each digest once."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="digests_sent")
    week = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["profile", "week"], name="networking_digest_once")
        ]

    def __str__(self) -> str:
        return f"Digest {self.pk}"


class Suggestion(models.Model):
    """A conversation suggested at a meeting between two members who said they will come:
    what `seeker` is looking for matches what `helper` can help with (`tags`, else `words`),
    from the parts of their profiles their group may see. Rebuilt whenever the meeting's
    replies change (networking.actions.suggestions_compute), never on a page view."""

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="suggestions"
    )
    seeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    helper = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    help_phrase = models.CharField(max_length=200)  # what the helper can help with
    seek_phrase = models.CharField(max_length=200)  # what the seeker is looking for
    score = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-score", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["meeting", "seeker", "helper"], name="networking_suggestion_once"
            ),
            models.CheckConstraint(
                condition=~Q(seeker=models.F("helper")), name="networking_suggestion_two_people"
            ),
        ]

    def __str__(self) -> str:
        return f"Suggestion {self.pk}"
