"""Who sees which part of whose profile, and the directory's ranked search.

One rule, stated once: a part of a profile set to "the whole network" is seen by everyone in
the network (its groups' current members and chairs, its admins, coaches and speakers); "my
group" by those who share a current group with the owner; "nobody" by the owner alone. The
name decides who finds the profile at all. Guests, former members, other networks and
anonymous visitors are in no audience. Every page, email and the digest builds what it shows
of a profile with `card_for`, which leaves out what the viewer may not see.

Search (`directory`) is one function for both databases: SQLite's FTS5 table and PostgreSQL's
full-text search over the same two columns (`Profile.search_network`, `search_group`), ranked
by the words the whole network may see, so a hidden word never finds anyone or moves them up.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.access import access_for
from peerpower.groups.models import Membership
from peerpower.networking.models import (
    Introduction,
    Opportunity,
    OpportunityReply,
    Profile,
    ProfileTag,
    Suggestion,
    Tag,
    Visibility,
)
from peerpower.networks.models import Network, Organisation

MAX_TERMS = 8
# SAFE_SQL: the search's SQL text holds only our own quoted table and column names; every
# word the person typed goes in as a parameter, and only after `search_terms` kept its letters
# and digits, so neither the SQL nor the FTS5 or tsquery syntax can be reached from input.


# --- who is in the network


def in_network(user: Any, network_id: int) -> bool:
    """A current member or chair of one of the network's groups, or one of its admins,
    coaches or speakers."""
    if not getattr(user, "is_authenticated", False):
        return False
    access = access_for(user)
    if access.roles.get(network_id):
        return True
    return any(s.is_current and s.network_id == network_id for s in access.seats.values())


def own_group_ids(user: Any, network_id: int) -> list[int]:
    """The person's current groups in the network: "my group" means any of these."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        s.group_id
        for s in access_for(user).seats.values()
        if s.is_current and s.network_id == network_id
    ]


def networks_of(user: User | AnonymousUser) -> list[Network]:
    """The networks the person takes part in, by name (for the menu and the home page)."""
    if not user.is_authenticated:
        return []
    access = access_for(user)
    ids = {nid for nid, roles in access.roles.items() if roles}
    ids |= {s.network_id for s in access.seats.values() if s.is_current}
    return list(Network.objects.filter(id__in=ids).order_by("name")) if ids else []


def _shares_group(group_ids: list[int]) -> Any:
    if not group_ids:
        return Value(False, output_field=BooleanField())
    return Exists(
        Membership.objects.filter(
            user_id=OuterRef("user_id"), group_id__in=group_ids, status__in=Membership.CURRENT
        )
    )


def _sees(part: str) -> Q:
    """The rows where the viewer may see `part` (a `<part>_visibility` field), given the
    `shared` and `is_self` annotations."""
    return (
        Q(is_self=True)
        | Q(**{f"{part}_visibility": Visibility.NETWORK})
        | Q(**{f"{part}_visibility": Visibility.GROUP}, shared=True)
    )


def _annotated(user: Any, network_id: int) -> QuerySet[Profile]:
    return Profile.objects.filter(network_id=network_id).annotate(
        shared=_shares_group(own_group_ids(user, network_id)),
        is_self=Q(user_id=getattr(user, "pk", None) or 0),
    )


def profiles_visible_to(user: Any, network: Network) -> QuerySet[Profile]:
    """Profiles of the network the person may find: networking on and the name visible to
    them (their own always). Nothing at all for someone outside the network."""
    profiles = _annotated(user, network.pk)
    if not in_network(user, network.pk):
        return profiles.none()
    return (
        profiles.filter(Q(is_self=True) | (Q(enabled=True) & _sees("name")))
        .select_related("user", "organisation")
        .prefetch_related(
            Prefetch("profile_tags", ProfileTag.objects.select_related("tag").order_by("tag__name"))
        )
    )


# --- what a viewer sees of a profile

PARTS = ("name", "organisation", "photo", "headline", "biography", "help", "seek", "links")


@dataclass
class Card:
    """A profile as one viewer may see it: each part they may not see is empty."""

    pk: int
    user_id: int
    name: str
    shared: bool
    is_self: bool
    organisation: Organisation | None = None
    has_photo: bool = False
    headline: str = ""
    biography: str = ""
    help_tags: list[str] = field(default_factory=list)
    help_text: str = ""
    seek_tags: list[str] = field(default_factory=list)
    seek_text: str = ""
    website: str = ""
    linkedin: str = ""
    introductions_open: bool = False

    @property
    def has_help(self) -> bool:
        return bool(self.help_tags or self.help_text)

    @property
    def has_seek(self) -> bool:
        return bool(self.seek_tags or self.seek_text)


def visible_parts(
    profile: Profile, *, shared: bool, is_self: bool, parts: tuple[str, ...] = PARTS
) -> set[str]:
    """The `parts` of `profile` a viewer may see, who shares a group with its owner or not."""
    if is_self:
        return set(parts)
    allowed = {Visibility.NETWORK, Visibility.GROUP} if shared else {Visibility.NETWORK}
    return {part for part in parts if getattr(profile, f"{part}_visibility") in allowed}


def card_for(profile: Profile, *, shared: bool | None = None, is_self: bool | None = None) -> Card:
    """What the viewer may see of `profile`. From a `profiles_visible_to` row its annotations
    say who the viewer is; elsewhere pass `shared` and `is_self`."""
    shared = bool(getattr(profile, "shared", False) if shared is None else shared)
    is_self = bool(getattr(profile, "is_self", False) if is_self is None else is_self)
    parts = visible_parts(profile, shared=shared, is_self=is_self)
    tags = list(profile.profile_tags.all())
    card = Card(
        pk=profile.pk,
        user_id=profile.user_id,
        name=profile.user.display_name if "name" in parts else "A member",
        shared=shared,
        is_self=is_self,
        introductions_open=profile.enabled and profile.introductions_open,
    )
    if "organisation" in parts:
        card.organisation = profile.organisation
    if "photo" in parts:
        card.has_photo = bool(profile.photo)
    if "headline" in parts:
        card.headline = profile.headline
    if "biography" in parts:
        card.biography = profile.biography
    if "help" in parts:
        card.help_tags = [t.tag.name for t in tags if t.kind == ProfileTag.Kind.HELP]
        card.help_text = profile.help_text
    if "seek" in parts:
        card.seek_tags = [t.tag.name for t in tags if t.kind == ProfileTag.Kind.SEEK]
        card.seek_text = profile.seek_text
    if "links" in parts:
        card.website, card.linkedin = profile.website, profile.linkedin
    return card


def viewer_card(user: Any, profile: Profile) -> Card:
    """`profile` as `user` may see it, for an email or a page that did not load it through
    `profiles_visible_to` (one query: whether the two share a current group)."""
    is_self = profile.user_id == getattr(user, "pk", None)
    shared = is_self or shares_group(profile.user_id, user, profile.network_id)
    return card_for(profile, shared=shared, is_self=is_self)


def shares_group(user_id: int, other: Any, network_id: int) -> bool:
    groups = own_group_ids(other, network_id)
    return (
        bool(groups)
        and Membership.objects.filter(
            user_id=user_id, group_id__in=groups, status__in=Membership.CURRENT
        ).exists()
    )


# --- search


def fold(text: str) -> str:
    """Lower case without accents: the one spelling both databases index and search."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_terms(q: str) -> list[str]:
    """The words of a search: letters and digits only, so FTS operators, quotes and
    punctuation are never read as syntax by either database."""
    return [w[:40] for w in re.findall(r"[^\W_]+", fold(q))][:MAX_TERMS]


def search_document(profile: Profile, tags: list[tuple[str, str]]) -> tuple[str, str]:
    """The searchable words of `profile` (name, organisation, headline, and its `tags` as
    (kind, name) pairs) visible to the whole network, and those visible to the group only."""
    by_part: dict[str, list[str]] = {
        "name": [profile.user.display_name],
        "organisation": [profile.organisation.name] if profile.organisation else [],
        "headline": [profile.headline],
        "help": [],
        "seek": [],
    }
    for kind, name in tags:
        by_part[kind].append(name)
    levels: dict[str, list[str]] = {Visibility.NETWORK: [], Visibility.GROUP: []}
    for part, words in by_part.items():
        level = getattr(profile, f"{part}_visibility")
        if level in levels:
            levels[level] += words
    return (
        fold(" ".join(levels[Visibility.NETWORK])),
        fold(" ".join(levels[Visibility.GROUP])),
    )


def _match(terms: list[str], *, group_too: bool) -> tuple[str, list[str]]:
    """SQL that is true for a profile whose searchable words hold every term (as a prefix),
    in the network's column, or with `group_too` in both."""
    table = connection.ops.quote_name(Profile._meta.db_table)
    if connection.vendor == "postgresql":
        document = f"{table}.search_network"
        if group_too:
            document = f"{table}.search_network || ' ' || {table}.search_group"
        query = " & ".join(f"{t}:*" for t in terms)
        return f"to_tsvector('simple', {document}) @@ to_tsquery('simple', %s)", [query]
    columns = "{search_network search_group}" if group_too else "{search_network}"
    query = f"{columns} : (" + " AND ".join(f'"{t}"*' for t in terms) + ")"
    return (
        f"{table}.id IN (SELECT rowid FROM networking_profile_fts"  # noqa: S608 - see SAFE_SQL
        " WHERE networking_profile_fts MATCH %s)",
        [query],
    )


def _rank(terms: list[str]) -> tuple[str, list[str]]:
    """How well a profile matches, from the words the whole network may see (higher first)."""
    table = connection.ops.quote_name(Profile._meta.db_table)
    if connection.vendor == "postgresql":
        query = " & ".join(f"{t}:*" for t in terms)
        return (
            f"ts_rank(to_tsvector('simple', {table}.search_network), to_tsquery('simple', %s))",
            [query],
        )
    query = "{search_network} : (" + " AND ".join(f'"{t}"*' for t in terms) + ")"
    return (
        "COALESCE((SELECT -bm25(networking_profile_fts, 1.0, 0.0) FROM networking_profile_fts"  # noqa: S608 - see SAFE_SQL
        f" WHERE networking_profile_fts MATCH %s AND rowid = {table}.id), 0)",
        [query],
    )


@dataclass(frozen=True)
class DirectoryFilter:
    q: str = ""
    sector: str = ""
    region: str = ""
    size_band: str = ""
    tag: int | None = None
    group: int | None = None


def directory(user: Any, network: Network, chosen: DirectoryFilter) -> QuerySet[Profile]:
    """The network's people the person may find, filtered and searched: their own group
    first, then by how well they match, then by name. Every filter and the search look only
    at the parts the person may see, so none tells them anything hidden."""
    profiles = profiles_visible_to(user, network).filter(enabled=True)
    terms = search_terms(chosen.q)
    order: list[Any] = [F("shared").desc()]
    if terms:
        network_sql, network_params = _match(terms, group_too=False)
        group_sql, group_params = _match(terms, group_too=True)
        profiles = profiles.annotate(
            in_network_words=RawSQL(network_sql, network_params, output_field=BooleanField()),  # noqa: S611 - see SAFE_SQL
            in_group_words=RawSQL(group_sql, group_params, output_field=BooleanField()),  # noqa: S611 - see SAFE_SQL
        ).filter(
            Q(in_network_words=True) | (Q(in_group_words=True) & (Q(shared=True) | Q(is_self=True)))
        )
        rank_sql, rank_params = _rank(terms)
        rank = RawSQL(rank_sql, rank_params, output_field=FloatField())  # noqa: S611 - see SAFE_SQL
        profiles = profiles.annotate(rank=rank)
        order.append(F("rank").desc())
    organisation_seen = _sees("organisation")
    for name in ("sector", "region", "size_band"):
        value = getattr(chosen, name)
        if value:
            profiles = profiles.filter(organisation_seen, **{f"organisation__{name}": value})
    if chosen.tag:
        tagged = ProfileTag.objects.filter(profile_id=OuterRef("pk"), tag_id=chosen.tag)
        profiles = profiles.filter(
            (Exists(tagged.filter(kind=ProfileTag.Kind.HELP)) & _sees("help"))
            | (Exists(tagged.filter(kind=ProfileTag.Kind.SEEK)) & _sees("seek"))
        )
    if chosen.group and chosen.group in filterable_group_ids(user, network):
        profiles = profiles.filter(
            Exists(
                Membership.objects.filter(
                    user_id=OuterRef("user_id"),
                    group_id=chosen.group,
                    status__in=Membership.CURRENT,
                )
            )
        )
    return profiles.order_by(*order, "user__name", "pk")


def filterable_group_ids(user: Any, network: Network) -> list[int]:
    """The groups the person may filter by: their own, or every group of a network they run
    (who is in a group is not the rest of the network's business)."""
    access = access_for(user)
    if access.administers(network.pk):
        return list(network.groups.values_list("pk", flat=True))
    return own_group_ids(user, network.pk)


def own_profile(user: Any, network: Network) -> Profile | None:
    return (
        Profile.objects.filter(network=network, user_id=getattr(user, "pk", None) or 0)
        .select_related("user", "organisation")
        .first()
    )


def profile_for(user: Any, pk: int) -> Profile | None:
    """The profile `pk` if the person may find it (annotated as in `profiles_visible_to`)."""
    network_id = Profile.objects.filter(pk=pk).values_list("network_id", flat=True).first()
    if network_id is None:
        return None
    return profiles_visible_to(user, Network(pk=network_id)).filter(pk=pk).first()


# --- introductions


def introductions_visible_to(user: Any) -> QuerySet[Introduction]:
    """Introductions the person is one of the two of, or made as a chair, in networks they
    are still part of."""
    if not getattr(user, "is_authenticated", False):
        return Introduction.objects.none()
    access = access_for(user)
    networks = {nid for nid, roles in access.roles.items() if roles}
    networks |= {s.network_id for s in access.seats.values() if s.is_current}
    return (
        Introduction.objects.filter(
            Q(requester=user) | Q(recipient=user) | Q(introduced_by=user),
            network_id__in=networks,
        )
        .select_related("network", "requester", "recipient", "introduced_by")
        .order_by("-created_at", "-pk")
    )


def is_open(introduction: Introduction, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return introduction.created_at >= now - timedelta(days=Introduction.OPEN_DAYS)


@dataclass(frozen=True)
class IntroductionView:
    """An introduction as one person may see it. A decline is shown only to whoever declined;
    to everyone else it reads as waiting and then "not taken up", like no answer at all."""

    introduction: Introduction
    other: User | None  # the other of the two (None for the chair who made it)
    label: str
    must_answer: bool
    contact_shared: bool


def view_of(introduction: Introduction, user: Any) -> IntroductionView:
    me = getattr(user, "pk", None)
    accepted = introduction.status == Introduction.Status.ACCEPTED
    still_open = is_open(introduction)
    other: User | None = None
    answered, said_no = True, False
    for side, them in (("requester", "recipient"), ("recipient", "requester")):
        if me == getattr(introduction, f"{side}_id"):
            other = getattr(introduction, them)
            said_no = getattr(introduction, f"{side}_declined_at") is not None
            answered = said_no or getattr(introduction, f"{side}_accepted_at") is not None
    if accepted:
        label = "Introduced: you can reach each other" if other else "Introduced"
    elif said_no:
        label = "You said no"
    elif not still_open:
        label = "Not taken up"
    elif other is not None and not answered:
        label = "Waiting for your answer"
    else:
        label = "Waiting for an answer"
    must_answer = other is not None and not answered and still_open and not accepted
    return IntroductionView(introduction, other, label, must_answer, accepted and other is not None)


# --- the opportunities board


def today_in(network: Network) -> date:
    """The date in the network's time zone: a post is open until the end of its closing date."""
    return timezone.localdate(timezone=ZoneInfo(network.time_zone))


def open_posts(today: date) -> Q:
    return Q(closed_at__isnull=True, closes_on__gte=today)


def is_open_post(opportunity: Opportunity, today: date) -> bool:
    return opportunity.closed_at is None and opportunity.closes_on >= today


def opportunities_visible_to(user: Any, network: Network) -> QuerySet[Opportunity]:
    """The network's posts, open or closed, for anyone in the network; nothing for anyone
    else."""
    posts = Opportunity.objects.filter(network=network)
    if not in_network(user, network.pk):
        return posts.none()
    return posts.select_related("network", "poster").prefetch_related(
        Prefetch("tags", Tag.objects.order_by("name"))
    )


@dataclass(frozen=True)
class BoardFilter:
    kind: str = ""
    tag: int | None = None
    mine: bool = False


def board(user: Any, network: Network, chosen: BoardFilter) -> QuerySet[Opportunity]:
    """The open posts, newest first (with `mine`, the person's own, closed ones too)."""
    posts = opportunities_visible_to(user, network)
    if chosen.mine:
        posts = posts.filter(poster_id=getattr(user, "pk", None) or 0)
    else:
        posts = posts.filter(open_posts(today_in(network)))
    if chosen.kind:
        posts = posts.filter(kind=chosen.kind)
    if chosen.tag:
        posts = posts.filter(tags=chosen.tag)
    return posts.order_by("-created_at", "-pk")


def opportunity_for(user: Any, pk: int) -> Opportunity | None:
    network_id = Opportunity.objects.filter(pk=pk).values_list("network_id", flat=True).first()
    if network_id is None:
        return None
    network = Network.objects.filter(pk=network_id).first()
    return opportunities_visible_to(user, network).filter(pk=pk).first() if network else None


def names_for(user: Any, network_id: int, user_ids: set[int]) -> dict[int, str]:
    """How each of `user_ids` is named to `user`: their name where their profile lets the
    viewer see it (someone with no profile keeps the default, the whole network), else
    "A member". Two queries."""
    if not user_ids:
        return {}
    # The name only, never `display_name`, which falls back to the email address.
    names = {
        pk: name or "A member"
        for pk, name in User.objects.filter(pk__in=user_ids).values_list("pk", "name")
    }
    rows = _annotated(user, network_id).filter(user_id__in=user_ids)
    for row in rows.only("user_id", "name_visibility"):
        shared, is_self = getattr(row, "shared", False), getattr(row, "is_self", False)
        if not visible_parts(row, shared=shared, is_self=is_self, parts=("name",)):
            names[row.user_id] = "A member"
    return names


def replies_visible_to(user: Any, opportunity: Opportunity) -> QuerySet[OpportunityReply]:
    """All replies to its poster; to anyone else in the network their own replies only."""
    me = getattr(user, "pk", None) or 0
    replies = OpportunityReply.objects.filter(opportunity=opportunity)
    if not in_network(user, opportunity.network_id):
        return replies.none()
    if opportunity.poster_id != me:
        replies = replies.filter(sender_id=me)
    return replies.order_by("created_at", "pk")


# --- the weekly digest

DIGEST_MAX = 20  # posts in one email; the rest are on the board


def digest_posts(profile: Profile, since: datetime) -> QuerySet[Opportunity]:
    """The posts for the profile's digest: posted since `since`, still open, not its own,
    with a tag the profile has (as help or as looking for), newest first."""
    tag_ids = ProfileTag.objects.filter(profile=profile).values("tag_id")
    return (
        Opportunity.objects.filter(
            open_posts(today_in(profile.network)),
            network_id=profile.network_id,
            created_at__gte=since,
            tags__in=tag_ids,
        )
        .exclude(poster_id=profile.user_id)
        .distinct()
        .order_by("-created_at", "-pk")
    )


# --- suggested conversations at a meeting

SUGGESTIONS_EACH = 3
STOP_WORDS = frozenset(
    {
        "about",
        "after",
        "also",
        "and",
        "any",
        "are",
        "been",
        "being",
        "but",
        "can",
        "for",
        "from",
        "have",
        "help",
        "into",
        "its",
        "more",
        "our",
        "out",
        "over",
        "that",
        "the",
        "their",
        "them",
        "then",
        "they",
        "this",
        "those",
        "with",
        "what",
        "when",
        "where",
        "which",
        "who",
        "will",
        "would",
        "your",
        "you",
        "looking",
        "need",
        "want",
        "someone",
        "people",
        "other",
        "others",
        "ways",
        "work",
    }
)


def words_of(text: str) -> set[str]:
    """The words of a sentence that say something: four letters or more, not a stop word,
    cut to their first six letters so "fundraiser" meets "fundraising"."""
    return {w[:6] for w in search_terms_all(text) if len(w) >= 4 and w not in STOP_WORDS}


def search_terms_all(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", fold(text))


def for_the_group(visibility: str) -> bool:
    """A part the meeting's people (the group: its members and chair) may see."""
    return visibility in (Visibility.GROUP, Visibility.NETWORK)


@dataclass(frozen=True)
class SuggestionView:
    """One suggestion as one viewer reads it."""

    suggestion: Suggestion
    sentence: str
    profile_pk: int | None  # the other person's profile, for a member of the pair


def _name(user: User) -> str:
    return user.name or "A member"  # never the email address


def suggestions_for(user: Any, meeting: Any) -> list[SuggestionView]:
    """The suggestions of `meeting` the person may read: their own, if they are a current
    member of its group; all of them for its chair. Nobody else (not the network's admins).
    Both people must still be active members of the group.
    A suggestion whose people have since switched networking off or hidden the parts it was
    made from (or their name) from the group is left out."""
    access = access_for(user)
    me = getattr(user, "pk", None)
    seat = access.seats.get(meeting.group_id)
    if seat is None or not seat.is_current:
        return []
    if meeting.is_cancelled:
        return []
    active = Membership.objects.filter(group_id=meeting.group_id, status=Membership.Status.ACTIVE)
    rows = (
        Suggestion.objects.filter(meeting=meeting)
        .filter(
            Exists(active.filter(user_id=OuterRef("seeker_id"))),
            Exists(active.filter(user_id=OuterRef("helper_id"))),
        )
        .select_related("seeker", "helper")
    )
    if not access.is_chair(meeting.group_id):
        rows = rows.filter(Q(seeker_id=me) | Q(helper_id=me))
    found = list(rows.order_by("-score", "pk"))
    ids = {s.seeker_id for s in found} | {s.helper_id for s in found}
    profiles = {
        p.user_id: p
        for p in Profile.objects.filter(network_id=meeting.group.network_id, user_id__in=ids).only(
            "pk", "user_id", "enabled", "name_visibility", "help_visibility", "seek_visibility"
        )
    }
    views = []
    for s in found:
        seeker, helper = profiles.get(s.seeker_id), profiles.get(s.helper_id)
        if not (seeker and helper and seeker.enabled and helper.enabled):
            continue
        if not all(
            for_the_group(v)
            for v in (
                seeker.name_visibility,
                helper.name_visibility,
                seeker.seek_visibility,
                helper.help_visibility,
            )
        ):
            continue
        if me == s.seeker_id:
            sentence = (
                f"{_name(s.helper)} can help with: {s.help_phrase}"
                f" — you're looking for: {s.seek_phrase}"
            )
            other = helper.pk
        elif me == s.helper_id:
            sentence = (
                f"{_name(s.seeker)} is looking for: {s.seek_phrase}"
                f" — you can help with: {s.help_phrase}"
            )
            other = seeker.pk
        else:
            sentence = (
                f"{_name(s.helper)} can help {_name(s.seeker)} with: {s.help_phrase}"
                f" — {_name(s.seeker)} is looking for: {s.seek_phrase}"
            )
            other = None
        views.append(SuggestionView(s, sentence, other))
    return views
