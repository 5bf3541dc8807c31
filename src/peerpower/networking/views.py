"""Pages of networking: the directory, profiles and their photos, the person's own profile,
the network's tags, introductions, the opportunities board and the digest's unsubscribe.

What a person may not see is a 404, as everywhere: a guest, a former member or someone of
another network learns nothing, not even that a profile exists. What a page shows of a
profile comes from `queries.card_for`, never from the row itself.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerpower.accounts.http import AuthenticatedRequest, MaybeAnonymousRequest
from peerpower.accounts.models import User
from peerpower.groups.models import Membership, PeerGroup
from peerpower.groups.queries import groups_managed_by
from peerpower.lib.http import add_action_errors, page_of
from peerpower.lib.rules import can
from peerpower.networking import actions, queries
from peerpower.networking.forms import (
    AnswerForm,
    BoardForm,
    CloseForm,
    DirectoryForm,
    ExtendForm,
    IntroductionForm,
    MemberIntroductionForm,
    OpportunityForm,
    ProfileForm,
    ReplyForm,
    TagsForm,
    UnsubscribeForm,
)
from peerpower.networking.models import Introduction, Opportunity, Profile, Tag
from peerpower.networks.models import Network

PER_PAGE = 25


def get_network_for(request: AuthenticatedRequest, slug: str, rule: str) -> Network:
    network = get_object_or_404(Network, slug=slug)
    if not can(request.user, rule, network):
        raise Http404
    return network


def get_profile_for(request: AuthenticatedRequest, pk: int) -> Profile:
    profile = queries.profile_for(request.user, pk)
    if profile is None:
        raise Http404
    return profile


def get_introduction_for(request: AuthenticatedRequest, pk: int) -> Introduction:
    return get_object_or_404(queries.introductions_visible_to(request.user), pk=pk)


# --- the directory


@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    """The directory of the person's network, or a choice when they take part in several."""
    networks = queries.networks_of(request.user)
    if len(networks) == 1:
        return redirect("networking:directory", networks[0].slug)
    return render(request, "networking/home.html", {"networks": networks})


@require_GET
def directory(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "networking.take_part")
    group_ids = queries.filterable_group_ids(request.user, network)
    groups = list(
        PeerGroup.objects.filter(pk__in=group_ids).order_by("name").values_list("pk", "name")
    )
    form = DirectoryForm(request.GET or None, network=network, groups=groups)
    chosen = queries.DirectoryFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        chosen = queries.DirectoryFilter(
            q=data["q"],
            sector=data["sector"],
            region=data["region"],
            size_band=data["size_band"],
            tag=data["tag"].pk if data["tag"] else None,
            group=data["group"],
        )
    page = Paginator(queries.directory(request.user, network, chosen), PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "networking/directory.html",
        {
            "network": network,
            "form": form,
            "page": page,
            "cards": [queries.card_for(p) for p in page],
            "query": query.urlencode(),
            "searched": bool(chosen.q),
            "own": queries.own_profile(request.user, network),
            "can_keep_tags": can(request.user, "networking.keep_tags", network),
        },
    )


@require_GET
def profile(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = get_profile_for(request, pk)
    card = queries.card_for(found)
    network = Network.objects.get(pk=found.network_id)
    return render(
        request,
        "networking/profile.html",
        {
            "card": card,
            "network": network,
            "can_ask": not card.is_self and card.introductions_open,
        },
    )


@require_GET
def photo(request: AuthenticatedRequest, pk: int) -> FileResponse:
    found = get_profile_for(request, pk)
    if not queries.card_for(found).has_photo:
        raise Http404
    try:
        stream = default_storage.open(found.photo, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(stream, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the person's own profile


@require_http_methods(["GET", "POST"])
def own_profile(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "networking.take_part")
    existing = queries.own_profile(request.user, network)
    instance = existing or Profile(network=network, user=request.user)
    if existing is None:
        seat = (
            Membership.objects.filter(
                user=request.user, group__network=network, status__in=Membership.CURRENT
            )
            .exclude(organisation=None)
            .first()
        )
        instance.organisation_id = seat.organisation_id if seat else None
    form = ProfileForm(
        request.POST or None, request.FILES or None, instance=instance, network=network
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = existing or actions.profile_start(network=network, by=request.user)
            actions.profile_update(profile=saved, changes=form.changes(), by=request.user)
            upload = form.cleaned_data["photo_file"]
            if upload:
                actions.photo_set(profile=saved, upload=upload, by=request.user)
            elif form.cleaned_data["remove_photo"]:
                actions.photo_remove(profile=saved, by=request.user)
        except ValidationError as error:
            add_action_errors(form, error, {"photo": "photo_file"})
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("networking:profile", saved.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "networking/own_profile.html",
        {"network": network, "form": form, "profile": existing},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def tags(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "networking.keep_tags")
    current = "\n".join(Tag.objects.filter(network=network).values_list("name", flat=True))
    form = TagsForm(request.POST or None, initial={"names": current})
    if request.method == "POST" and form.is_valid():
        try:
            actions.tags_replace(network=network, names=form.names_list(), by=request.user)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "The list of tags is saved.")
            return redirect("networking:tags", network.slug)
    return render(request, "networking/tags.html", {"network": network, "form": form})


# --- introductions


@require_http_methods(["GET", "POST"])
def introduce(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = get_profile_for(request, pk)
    card = queries.card_for(found)
    form = IntroductionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            introduction = actions.introduction_request(
                to=found, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_action_errors(form, error, {"recipient": "reason"})
        else:
            messages.success(
                request,
                f"We have asked {card.name}. You will both get each other's contact details"
                " if they say yes.",
            )
            return redirect("networking:introduction", introduction.pk)
    return render(
        request,
        "networking/introduce.html",
        {"card": card, "form": form},
        status=400 if form.errors else 200,
    )


def _members_of(group: PeerGroup) -> QuerySet[User]:
    return User.objects.filter(
        memberships__group=group, memberships__status__in=Membership.CURRENT
    ).order_by("name", "pk")


@require_http_methods(["GET", "POST"])
def introduce_members(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(groups_managed_by(request.user).select_related("network"), pk=pk)
    if not can(request.user, "networking.introduce_members", group):
        raise Http404
    form = MemberIntroductionForm(request.POST or None, members=_members_of(group))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            introduction = actions.introduction_make(
                group=group,
                first=data["first"],
                second=data["second"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_action_errors(form, error, {"recipient": "second"})
        else:
            messages.success(request, "Both are asked; each answers for themselves.")
            return redirect("networking:introduction", introduction.pk)
    return render(
        request,
        "networking/introduce_members.html",
        {"group": group, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
def introductions(request: AuthenticatedRequest) -> HttpResponse:
    rows = list(queries.introductions_visible_to(request.user)[:200])
    return render(
        request,
        "networking/introductions.html",
        {"views": [queries.view_of(i, request.user) for i in rows]},
    )


@require_GET
def introduction(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = get_introduction_for(request, pk)
    view = queries.view_of(found, request.user)
    card, phone = None, ""
    if view.other is not None:
        row = (
            Profile.objects.filter(network_id=found.network_id, user=view.other)
            .select_related("user", "organisation")
            .first()
        )
        if row is not None:
            card = queries.viewer_card(request.user, row)
            phone = row.phone if view.contact_shared else ""
    return render(
        request,
        "networking/introduction.html",
        {"view": view, "card": card, "phone": phone, "form": AnswerForm()},
    )


@require_POST
def answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = get_introduction_for(request, pk)
    form = AnswerForm(request.POST)
    if form.is_valid() and ("yes" in request.POST or "no" in request.POST):
        try:
            if "yes" in request.POST:
                actions.introduction_accept(introduction=found, by=request.user)
                messages.success(request, "You said yes.")
            else:
                actions.introduction_decline(introduction=found, by=request.user)
                messages.success(request, "You said no. Nobody is told.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("networking:introduction", found.pk)


# --- the opportunities board


def get_opportunity_for(request: AuthenticatedRequest, pk: int) -> Opportunity:
    found = queries.opportunity_for(request.user, pk)
    if found is None:
        raise Http404
    return found


@require_GET
def board(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "networking.take_part")
    form = BoardForm(request.GET or None, network=network)
    chosen = queries.BoardFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        chosen = queries.BoardFilter(
            kind=data["kind"], tag=data["tag"].pk if data["tag"] else None, mine=data["mine"]
        )
    page = page_of(request, queries.board(request.user, network, chosen))
    posts = list(page)
    names = queries.names_for(request.user, network.pk, {p.poster_id for p in posts})
    today = queries.today_in(network)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "networking/board.html",
        {
            "network": network,
            "form": form,
            "page": page,
            "rows": [(p, names[p.poster_id], queries.is_open_post(p, today)) for p in posts],
            "query": query.urlencode(),
            "filtered": chosen != queries.BoardFilter(),
            "mine": chosen.mine,
        },
    )


@require_http_methods(["GET", "POST"])
def opportunity_new(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "networking.post_opportunity")
    form = OpportunityForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            posted = actions.opportunity_post(
                network=network, fields=form.fields_of(), by=request.user
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Your post is on the board.")
            return redirect("networking:opportunity", posted.pk)
    return render(
        request,
        "networking/opportunity_new.html",
        {"network": network, "form": form, "today": queries.today_in(network)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def opportunity(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A post; to its poster the replies, to anyone else their own replies and the form to
    reply (posted here)."""
    found = get_opportunity_for(request, pk)
    network = found.network
    is_poster = found.poster_id == request.user.pk
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.opportunity_reply(
                opportunity=found, message=form.cleaned_data["message"], by=request.user
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request, "Your reply is on its way to the poster. They do not see your address."
            )
            return redirect("networking:opportunity", found.pk)
    replies = list(queries.replies_visible_to(request.user, found))
    senders = {r.sender_id for r in replies}
    names = queries.names_for(request.user, network.pk, {found.poster_id, *senders})
    profiles = {}
    if is_poster and senders:
        profiles = dict(
            queries.profiles_visible_to(request.user, network)
            .filter(user_id__in=senders, enabled=True)
            .values_list("user_id", "pk")
        )
    today = queries.today_in(network)
    return render(
        request,
        "networking/opportunity.html",
        {
            "post": found,
            "network": network,
            "poster_name": names[found.poster_id],
            "replies": [(r, names[r.sender_id], profiles.get(r.sender_id)) for r in replies],
            "is_poster": is_poster,
            "is_open": queries.is_open_post(found, today),
            "form": form,
            "close_form": CloseForm(),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def opportunity_extend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = get_opportunity_for(request, pk)
    if not can(request.user, "networking.manage_opportunity", found):
        raise Http404
    form = ExtendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.opportunity_extend(
                opportunity=found, closes_on=form.cleaned_data["closes_on"], by=request.user
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "The post is extended.")
            return redirect("networking:opportunity", found.pk)
    return render(
        request,
        "networking/opportunity_extend.html",
        {"post": found, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def opportunity_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = get_opportunity_for(request, pk)
    if not can(request.user, "networking.manage_opportunity", found):
        raise Http404
    if CloseForm(request.POST).is_valid():
        try:
            actions.opportunity_close(opportunity=found, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The post is closed: it takes no more replies.")
    return redirect("networking:opportunity", found.pk)


# --- the weekly digest


# No CSRF check and no log-in: the address's secret token is the key, as for the meeting
# reminders' reply links, and a mail client's one-click unsubscribe (RFC 8058) posts
# "List-Unsubscribe=One-Click" here with no session at all. A GET only shows the button
# (mail scanners fetch links).
@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe(request: MaybeAnonymousRequest, token: str) -> HttpResponse:
    found = Profile.objects.filter(digest_token=token).select_related("network").first()
    if found is None:
        raise Http404
    # Bound on any POST: the page's button posts nothing but itself.
    form = UnsubscribeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        actions.digest_unsubscribe(token=token)
        found.digest = False
    # The site's Referrer-Policy (same-origin) keeps the token in this address from other sites.
    return render(
        request,
        "networking/unsubscribe.html",
        {"network": found.network, "subscribed": found.digest, "form": form},
    )
