"""Business actions of networking: profiles and their photos, the network's tags,
introductions by double opt-in, the opportunities board and its weekly digest.

Each action that takes `by` asks `lib.rules.require` first (tests/networking/test_refusals.py
fails for one missing from its table), validates, writes in one transaction and queues its
emails on commit. Nothing here reads the issues session.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.models import Membership, PeerGroup
from peerpower.lib.rules import require
from peerpower.meetings.models import Meeting, Participation
from peerpower.networking import photos, tasks
from peerpower.networking import rules as _rules  # noqa: F401 - registers the rules required here
from peerpower.networking.models import (
    DigestSent,
    Introduction,
    Opportunity,
    OpportunityReply,
    Profile,
    ProfileTag,
    Suggestion,
    Tag,
    Visibility,
)
from peerpower.networking.queries import (
    SUGGESTIONS_EACH,
    digest_posts,
    for_the_group,
    in_network,
    is_open,
    is_open_post,
    search_document,
    today_in,
    words_of,
)
from peerpower.networks.models import Network, Organisation

MAX_OPEN_REQUESTS = 5
PAIR_DAYS = 90
REASON_MIN, REASON_MAX = 20, 500


# --- profiles


@dataclass
class ProfileChanges:
    """What a profile says and who sees each part (the form's cleaned data)."""

    enabled: bool = True
    name_visibility: str = Visibility.NETWORK
    organisation: Organisation | None = None
    organisation_visibility: str = Visibility.NETWORK
    photo_visibility: str = Visibility.GROUP
    headline: str = ""
    headline_visibility: str = Visibility.GROUP
    biography: str = ""
    biography_visibility: str = Visibility.GROUP
    help_tags: Sequence[Tag] = field(default_factory=list)
    help_text: str = ""
    help_visibility: str = Visibility.GROUP
    seek_tags: Sequence[Tag] = field(default_factory=list)
    seek_text: str = ""
    seek_visibility: str = Visibility.GROUP
    website: str = ""
    linkedin: str = ""
    links_visibility: str = Visibility.GROUP
    phone: str = ""
    introductions_open: bool = True
    digest: bool = False


def profile_start(*, network: Network, by: User) -> Profile:
    """The person's profile in the network, made the first time they ask (with the
    organisation they lead in its groups, and the default visibilities); the same after."""
    require(by, "networking.take_part", network)
    with transaction.atomic():
        existing = Profile.objects.filter(network=network, user=by).first()
        if existing is not None:
            return existing
        seat = (
            Membership.objects.filter(
                user=by, group__network=network, status__in=Membership.CURRENT
            )
            .exclude(organisation=None)
            .select_related("organisation")
            .first()
        )
        profile = Profile(
            network=network, user=by, organisation=seat.organisation if seat else None
        )
        profile.search_network, profile.search_group = search_document(profile, [])
        profile.save()
        return profile


def profile_update(*, profile: Profile, changes: ProfileChanges, by: User) -> Profile:
    """Change the person's own profile and who sees each part; rebuild its searchable words,
    so search finds exactly what the new visibilities allow."""
    require(by, "networking.edit_profile", profile)
    network_id = profile.network_id
    if changes.organisation is not None and changes.organisation.network_id != network_id:
        raise ValidationError({"organisation": "Choose one of this network's organisations."})
    tags = [*changes.help_tags, *changes.seek_tags]
    if any(t.network_id != network_id for t in tags):
        raise ValidationError({"help_tags": "Choose tags from this network's list."})
    for name, value in vars(changes).items():
        if name.endswith("_visibility") and value not in Visibility.values:
            raise ValidationError({name: "Choose who sees this."})
    for name in (
        "enabled",
        "name_visibility",
        "organisation",
        "organisation_visibility",
        "photo_visibility",
        "headline_visibility",
        "biography_visibility",
        "help_visibility",
        "seek_visibility",
        "links_visibility",
        "introductions_open",
        "digest",
    ):
        setattr(profile, name, getattr(changes, name))
    for name in ("headline", "help_text", "seek_text", "phone"):
        setattr(profile, name, " ".join(getattr(changes, name).split()))
    profile.biography = changes.biography.strip()
    profile.website, profile.linkedin = changes.website.strip(), changes.linkedin.strip()
    host = (urlparse(profile.linkedin).hostname or "") if profile.linkedin else "linkedin.com"
    if host != "linkedin.com" and not host.endswith(".linkedin.com"):
        raise ValidationError({"linkedin": "Give the address of your LinkedIn page."})
    profile.full_clean(exclude=["network", "user", "organisation", "digest_token"])
    pairs = [(str(ProfileTag.Kind.HELP), t.name) for t in changes.help_tags]
    pairs += [(str(ProfileTag.Kind.SEEK), t.name) for t in changes.seek_tags]
    profile.search_network, profile.search_group = search_document(profile, pairs)
    with transaction.atomic():
        profile.save()
        ProfileTag.objects.filter(profile=profile).delete()
        ProfileTag.objects.bulk_create(
            [
                ProfileTag(profile=profile, tag=t, kind=ProfileTag.Kind.HELP)
                for t in set(changes.help_tags)
            ]
            + [
                ProfileTag(profile=profile, tag=t, kind=ProfileTag.Kind.SEEK)
                for t in set(changes.seek_tags)
            ]
        )
        suggestions_refresh_for(user=by)
    return profile


def profile_reindex(*, profile: Profile) -> None:
    """Rebuild the searchable words of a profile after something outside it changed (the
    person's name, their organisation's name)."""
    pairs = [(pt.kind, pt.tag.name) for pt in profile.profile_tags.select_related("tag")]
    profile.search_network, profile.search_group = search_document(profile, pairs)
    profile.save(update_fields=["search_network", "search_group"])


def photo_set(*, profile: Profile, upload: UploadedFile, by: User) -> Profile:
    """Put a new photo on the person's own profile: checked by its content, made square and
    small, stored under a random name; the old one is deleted after the change commits."""
    require(by, "networking.edit_profile", profile)
    name = photos.store(upload)
    old = profile.photo
    profile.photo = name
    profile.save(update_fields=["photo", "updated_at"])
    if old:
        transaction.on_commit(lambda: photos.remove(old))
    return profile


def photo_remove(*, profile: Profile, by: User) -> Profile:
    """Take the photo off the person's own profile and delete its file."""
    require(by, "networking.edit_profile", profile)
    old, profile.photo = profile.photo, ""
    profile.save(update_fields=["photo", "updated_at"])
    if old:
        transaction.on_commit(lambda: photos.remove(old))
    return profile


def tags_replace(*, network: Network, names: Sequence[str], by: User) -> list[Tag]:
    """Keep the network's list of tags: add the new names, remove the ones left out (they
    leave the profiles that had them). Names are unique, case aside."""
    require(by, "networking.keep_tags", network)
    wanted: dict[str, str] = {}
    for name in names:
        clean = " ".join(name.split())
        if len(clean) > 60:
            raise ValidationError({"names": f"“{clean[:60]}…” is longer than 60 characters."})
        if clean:
            wanted.setdefault(clean.lower(), clean)
    with transaction.atomic():
        kept = Tag.objects.filter(network=network)
        kept.exclude(Q(name__in=list(wanted.values()))).delete()
        have = {t.lower() for t in kept.values_list("name", flat=True)}
        Tag.objects.bulk_create(
            [Tag(network=network, name=n) for k, n in wanted.items() if k not in have]
        )
        affected = Profile.objects.filter(network=network)
        for profile in affected.select_related("user", "organisation"):
            profile_reindex(profile=profile)
    return list(Tag.objects.filter(network=network))


# --- introductions


def _open_since() -> datetime:
    return timezone.now() - timedelta(days=Introduction.OPEN_DAYS)


def open_requests_of(user: User) -> int:
    """Requests the person asked that are still open to them: waiting, and (since a decline
    is never shown) declined, for `Introduction.OPEN_DAYS` days."""
    return Introduction.objects.filter(
        requester=user,
        introduced_by=None,
        status__in=[Introduction.Status.PENDING, Introduction.Status.DECLINED],
        created_at__gte=_open_since(),
    ).count()


def _check_pair(network: Network, first: User, second: User) -> None:
    if first.pk == second.pk:
        raise ValidationError({"recipient": "You cannot ask to be introduced to yourself."})
    since = timezone.now() - timedelta(days=PAIR_DAYS)
    if Introduction.objects.filter(
        Q(requester=first, recipient=second) | Q(requester=second, recipient=first),
        network=network,
        created_at__gte=since,
    ).exists():
        message = f"An introduction between you two was asked in the last {PAIR_DAYS} days."
        raise ValidationError({"recipient": message})


def _available(network: Network, user: User, who: str) -> Profile:
    """The person's profile if they take introductions in this network."""
    profile = Profile.objects.filter(network=network, user=user).first()
    if profile is None or not in_network(user, network.pk):
        raise ValidationError({"recipient": f"{who} is not in this network's directory."})
    if not (profile.enabled and profile.introductions_open):
        raise ValidationError({"recipient": f"{who} does not take introductions."})
    return profile


def _check_reason(reason: str) -> str:
    reason = reason.strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        message = f"Say why in {REASON_MIN} to {REASON_MAX} characters (you wrote {len(reason)})."
        raise ValidationError({"reason": message})
    return reason


def introduction_request(*, to: Profile, reason: str, by: User) -> Introduction:
    """Ask to be introduced to the owner of `to`, with a reason (starting the asker's profile
    with its defaults if they have none). Refused to oneself, to
    someone who takes no introductions or is in another network, beyond
    `MAX_OPEN_REQUESTS` open requests, and for a pair asked in the last `PAIR_DAYS` days.
    The recipient is emailed; no contact detail of either goes anywhere yet. Locks the
    requester's profile row, so two requests at once cannot pass the limit together."""
    network = to.network
    require(by, "networking.take_part", network)
    reason = _check_reason(reason)
    with transaction.atomic():
        # Someone who never wrote a profile gets one with the defaults: the recipient sees
        # their name and organisation, as the whole network may.
        profile_start(network=network, by=by)
        mine = Profile.objects.select_for_update().get(network=network, user=by)
        if not mine.enabled:
            raise ValidationError("Turn networking on in your profile first.")
        if to.user_id == by.pk:
            raise ValidationError({"recipient": "You cannot ask to be introduced to yourself."})
        _available(network, to.user, "This person")
        _check_pair(network, by, to.user)
        if open_requests_of(by) >= MAX_OPEN_REQUESTS:
            raise ValidationError(
                f"You have {MAX_OPEN_REQUESTS} requests waiting for an answer; ask again when"
                " one has been taken up or has closed."
            )
        introduction = Introduction.objects.create(
            network=network,
            requester=by,
            recipient=to.user,
            reason=reason,
            requester_accepted_at=timezone.now(),
        )
        transaction.on_commit(
            lambda: tasks.send_introduction_request(introduction.pk, introduction.recipient_id)
        )
    return introduction


def introduction_make(
    *, group: PeerGroup, first: User, second: User, reason: str, by: User
) -> Introduction:
    """A chair introduces two current members of their group to each other; each is asked
    and accepts separately, and contact details pass only when both have."""
    require(by, "networking.introduce_members", group)
    reason = _check_reason(reason)
    network = group.network
    current = set(
        Membership.objects.filter(
            group=group, status__in=Membership.CURRENT, user__in=[first, second]
        ).values_list("user_id", flat=True)
    )
    if current != {first.pk, second.pk}:
        raise ValidationError({"second": "Choose two current members of the group."})
    if first.pk == second.pk:
        raise ValidationError({"second": "Choose two different members."})
    with transaction.atomic():
        _available(network, first, first.display_name)
        _available(network, second, second.display_name)
        _check_pair(network, first, second)
        introduction = Introduction.objects.create(
            network=network, requester=first, recipient=second, introduced_by=by, reason=reason
        )
        transaction.on_commit(lambda: tasks.send_introduction_request(introduction.pk, first.pk))
        transaction.on_commit(lambda: tasks.send_introduction_request(introduction.pk, second.pk))
    return introduction


def _answer(introduction: Introduction, by: User) -> tuple[str, str]:
    """The fields of `by`'s own yes and no, after checking they may still answer."""
    side = "recipient" if by.pk == introduction.recipient_id else "requester"
    accepted, declined = f"{side}_accepted_at", f"{side}_declined_at"
    if getattr(introduction, accepted) or getattr(introduction, declined):
        raise ValidationError("You have answered this introduction.")
    if introduction.status == Introduction.Status.ACCEPTED or not is_open(introduction):
        raise ValidationError("This introduction has closed.")
    return accepted, declined


def introduction_accept(*, introduction: Introduction, by: User) -> Introduction:
    """Say yes. When both have said yes (and neither no), both are emailed the other's email
    address (and phone, if given). Locks the introduction's row."""
    require(by, "networking.answer_introduction", introduction)
    with transaction.atomic():
        introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
        accepted, _ = _answer(introduction, by)
        setattr(introduction, accepted, timezone.now())
        if (
            introduction.requester_accepted_at
            and introduction.recipient_accepted_at
            and introduction.status == Introduction.Status.PENDING
        ):
            introduction.status = Introduction.Status.ACCEPTED
            transaction.on_commit(lambda: tasks.send_introduction_accepted(introduction.pk))
        introduction.save()
    return introduction


def introduction_decline(*, introduction: Introduction, by: User) -> Introduction:
    """Say no. Nobody is told: to the other person (and the chair who made it) the request
    stays open and is "not taken up" when it closes, exactly like one nobody answered; the
    other may still say yes, to no effect. Locks the introduction's row."""
    require(by, "networking.answer_introduction", introduction)
    with transaction.atomic():
        introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
        _, declined = _answer(introduction, by)
        setattr(introduction, declined, timezone.now())
        introduction.status = Introduction.Status.DECLINED
        introduction.save()
    return introduction


# --- the opportunities board

REPLY_MIN, REPLY_MAX = 10, 2000
MAX_REPLIES = 3  # a person's replies to one post


@dataclass
class PostFields:
    """What a post says (the form's cleaned data)."""

    kind: str
    title: str
    description: str
    closes_on: date
    region: str = ""
    tags: Sequence[Tag] = field(default_factory=list)


def _check_closing(network: Network, closes_on: date, name: str = "closes_on") -> None:
    today = today_in(network)
    if closes_on < today:
        raise ValidationError(
            {name: "That date has passed: choose today or a later date for the post to close."}
        )
    if closes_on > today + timedelta(days=Opportunity.MAX_DAYS):
        raise ValidationError(
            {name: f"Choose a date within {Opportunity.MAX_DAYS} days; you can extend it once."}
        )


def opportunity_post(*, network: Network, fields: PostFields, by: User) -> Opportunity:
    """Post an opportunity on the network's board, open until the end of its closing date
    (today or later, within `Opportunity.MAX_DAYS`, in the network's time zone)."""
    require(by, "networking.post_opportunity", network)
    if fields.kind not in Opportunity.Kind.values:
        raise ValidationError({"kind": "Choose what kind of opportunity this is."})
    if fields.region and fields.region not in Organisation.Region.values:
        raise ValidationError({"region": "Choose a region from the list."})
    if any(t.network_id != network.pk for t in fields.tags):
        raise ValidationError({"tags": "Choose tags from this network's list."})
    title = " ".join(fields.title.split())
    description = fields.description.strip()
    if not title:
        raise ValidationError({"title": "Give the post a title."})
    if not description:
        raise ValidationError({"description": "Say what the opportunity is."})
    _check_closing(network, fields.closes_on)
    opportunity = Opportunity(
        network=network,
        poster=by,
        kind=fields.kind,
        title=title,
        description=description,
        closes_on=fields.closes_on,
        region=fields.region,
    )
    opportunity.full_clean(exclude=["network", "poster", "tags"])
    with transaction.atomic():
        opportunity.save()
        opportunity.tags.set(set(fields.tags))
    return opportunity


def opportunity_close(*, opportunity: Opportunity, by: User) -> Opportunity:
    """The poster closes their post before its date: no more replies. Locks the post's row."""
    require(by, "networking.manage_opportunity", opportunity)
    with transaction.atomic():
        opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        if not is_open_post(opportunity, today_in(opportunity.network)):
            raise ValidationError("This post has closed already.")
        opportunity.closed_at = timezone.now()
        opportunity.save(update_fields=["closed_at"])
    return opportunity


def opportunity_extend(*, opportunity: Opportunity, closes_on: date, by: User) -> Opportunity:
    """The poster moves the closing date later, once (a post that closed on its date may be
    opened again this way; one closed early may not). Locks the post's row."""
    require(by, "networking.manage_opportunity", opportunity)
    with transaction.atomic():
        opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        if opportunity.closed_at is not None:
            raise ValidationError("You closed this post; it cannot be extended.")
        if opportunity.extended_from is not None:
            raise ValidationError("A post can be extended once, and this one has been.")
        if closes_on <= opportunity.closes_on:
            raise ValidationError(
                {"closes_on": "Choose a date after the current closing date to extend the post."}
            )
        _check_closing(opportunity.network, closes_on)
        opportunity.extended_from, opportunity.closes_on = opportunity.closes_on, closes_on
        opportunity.save(update_fields=["extended_from", "closes_on"])
    return opportunity


def opportunity_reply(*, opportunity: Opportunity, message: str, by: User) -> OpportunityReply:
    """Reply privately to an open post: the message goes to its poster by email through the
    site, with the replier's name and neither's email address. At most `MAX_REPLIES` a person
    to one post."""
    require(by, "networking.reply_opportunity", opportunity)
    message = message.strip()
    if not REPLY_MIN <= len(message) <= REPLY_MAX:
        raise ValidationError(
            {
                "message": f"Write your reply in {REPLY_MIN} to {REPLY_MAX:,} characters"
                f" (you wrote {len(message)})."
            }
        )
    with transaction.atomic():
        opportunity = (
            Opportunity.objects.select_for_update().select_related("network").get(pk=opportunity.pk)
        )
        if not is_open_post(opportunity, today_in(opportunity.network)):
            raise ValidationError("This post has closed: it takes no more replies.")
        if opportunity.replies.filter(sender=by).count() >= MAX_REPLIES:
            raise ValidationError(
                f"You have replied {MAX_REPLIES} times to this post; its poster has your messages."
            )
        reply = OpportunityReply.objects.create(opportunity=opportunity, sender=by, message=message)
        transaction.on_commit(lambda: tasks.send_opportunity_reply(reply.pk))
    return reply


# --- the weekly digest

DIGEST_DAYS = 7


def week_of(moment: datetime) -> date:
    """The Monday of the week `moment` falls in (the server's time zone)."""
    day = timezone.localdate(moment)
    return day - timedelta(days=day.weekday())


def digests_send_due(*, now: datetime | None = None) -> int:
    """Claim and queue this week's digest for each profile that asked for one (networking on,
    the person active and still in the network) and has new posts matching its tags: those
    posted since its last digest, at most `DIGEST_DAYS` back. The claim is a `DigestSent`
    row unique per profile and week, made in its own transaction, so running twice or in
    several workers sends each digest once. Returns how many were queued."""
    now = now or timezone.now()
    week = week_of(now)
    queued = 0
    profiles = Profile.objects.filter(digest=True, enabled=True, user__is_active=True)
    for profile in profiles.select_related("network", "user").order_by("pk"):
        if not in_network(profile.user, profile.network_id):
            continue
        last = profile.digests_sent.order_by("-sent_at").values_list("sent_at", flat=True).first()
        since = now - timedelta(days=DIGEST_DAYS)
        if last is not None and last > since:
            since = last
        if not digest_posts(profile, since).exists():
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(profile=profile, week=week)
        except IntegrityError:
            continue  # another run claimed it
        queued += 1
        transaction.on_commit(partial(tasks.send_digest, profile.pk, since.isoformat()))
    return queued


def digest_unsubscribe(*, token: str) -> Profile | None:
    """One click from the digest's email: the digest is off for the profile this token is
    for (nothing else changes; no log-in, the token is the key). None for an unknown token."""
    profile = Profile.objects.filter(digest_token=token).first() if token else None
    if profile is not None and profile.digest:
        profile.digest = False
        profile.save(update_fields=["digest", "updated_at"])
    return profile


# --- suggested conversations at a meeting

TAG_SCORE, WORD_SCORE = 10, 3


@dataclass
class _Side:
    """What one attendee's profile offers the matching: only the parts their group sees."""

    user_id: int
    help_tags: set[str]
    seek_tags: set[str]
    help_text: str
    seek_text: str


def _phrase(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _match(seeker: _Side, helper: _Side) -> tuple[int, str, str] | None:
    """Score and phrases where what `seeker` looks for meets what `helper` can help with:
    shared tags first, then shared words of the two sentences (and tags)."""
    common = sorted(seeker.seek_tags & helper.help_tags)
    if common:
        phrase = ", ".join(common)
        return TAG_SCORE * len(common), phrase, phrase
    seek_words = words_of(" ".join([seeker.seek_text, *seeker.seek_tags]))
    help_words = words_of(" ".join([helper.help_text, *helper.help_tags]))
    shared = seek_words & help_words
    if not shared:
        return None
    help_phrase = helper.help_text or ", ".join(sorted(helper.help_tags))
    seek_phrase = seeker.seek_text or ", ".join(sorted(seeker.seek_tags))
    return WORD_SCORE * len(shared), _phrase(help_phrase), _phrase(seek_phrase)


def _recent_pairs(meeting: Meeting) -> set[frozenset[int]]:
    """The pairs suggested at the group's last two meetings before this one."""
    earlier = list(
        Meeting.objects.filter(group_id=meeting.group_id, starts_at__lt=meeting.starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
        .values_list("pk", flat=True)[:2]
    )
    return {
        frozenset(pair)
        for pair in Suggestion.objects.filter(meeting_id__in=earlier).values_list(
            "seeker_id", "helper_id"
        )
    }


def suggestions_compute(*, meeting_id: int) -> list[Suggestion]:
    """Rebuild a meeting's suggested conversations from the members who said they will come
    (active members of its group, with networking on and a name their group may see): pairs
    where what one is looking for matches what the other can help with, tags first, then
    words, from the parts of the profiles the group may see (never "nobody"). Best matches
    first, at most `SUGGESTIONS_EACH` a person, and no pair suggested at the group's last two
    meetings. Nothing for a meeting cancelled or under way. Locks the meeting's row, so two
    replies at once rebuild one after the other."""
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update()
            .select_related("group")
            .filter(pk=meeting_id)
            .first()
        )
        if meeting is None:
            return []
        Suggestion.objects.filter(meeting=meeting).delete()
        if meeting.is_cancelled or meeting.has_started():
            return []
        coming = Participation.objects.filter(
            meeting=meeting,
            rsvp=Participation.Rsvp.ATTENDING,
            user__memberships__group_id=meeting.group_id,
            user__memberships__status=Membership.Status.ACTIVE,
        ).values_list("user_id", flat=True)
        profiles = (
            Profile.objects.filter(
                network_id=meeting.group.network_id,
                user_id__in=list(coming),
                enabled=True,
                name_visibility__in=[Visibility.GROUP, Visibility.NETWORK],
            )
            .prefetch_related(Prefetch("profile_tags", ProfileTag.objects.select_related("tag")))
            .order_by("user_id")
        )
        sides = []
        for p in profiles:
            helps, seeks = for_the_group(p.help_visibility), for_the_group(p.seek_visibility)
            tags = list(p.profile_tags.all())
            sides.append(
                _Side(
                    p.user_id,
                    {t.tag.name for t in tags if t.kind == ProfileTag.Kind.HELP}
                    if helps
                    else set(),
                    {t.tag.name for t in tags if t.kind == ProfileTag.Kind.SEEK}
                    if seeks
                    else set(),
                    p.help_text if helps else "",
                    p.seek_text if seeks else "",
                )
            )
        recent = _recent_pairs(meeting)
        candidates = []
        for seeker in sides:
            for helper in sides:
                if seeker.user_id == helper.user_id:
                    continue
                if frozenset((seeker.user_id, helper.user_id)) in recent:
                    continue
                found = _match(seeker, helper)
                if found:
                    candidates.append((found[0], seeker.user_id, helper.user_id, found))
        candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
        count: dict[int, int] = {}
        taken: set[frozenset[int]] = set()
        chosen = []
        for score, seeker_id, helper_id, (_, help_phrase, seek_phrase) in candidates:
            pair = frozenset((seeker_id, helper_id))
            if pair in taken:
                continue  # one conversation a pair, the better direction
            if count.get(seeker_id, 0) >= SUGGESTIONS_EACH:
                continue
            if count.get(helper_id, 0) >= SUGGESTIONS_EACH:
                continue
            taken.add(pair)
            count[seeker_id] = count.get(seeker_id, 0) + 1
            count[helper_id] = count.get(helper_id, 0) + 1
            chosen.append(
                Suggestion(
                    meeting=meeting,
                    seeker_id=seeker_id,
                    helper_id=helper_id,
                    help_phrase=help_phrase[:200],
                    seek_phrase=seek_phrase[:200],
                    score=score,
                )
            )
        return Suggestion.objects.bulk_create(chosen)


def suggestions_refresh_for(*, user: User) -> None:
    """After a profile changes: queue the rebuild of the suggestions of each upcoming meeting
    of the person's groups they said they will come to."""
    ids = list(
        Participation.objects.filter(
            user=user,
            rsvp=Participation.Rsvp.ATTENDING,
            meeting__starts_at__gt=timezone.now(),
        ).values_list("meeting_id", flat=True)
    )
    for meeting_id in ids:
        transaction.on_commit(partial(tasks.compute_suggestions, meeting_id))
