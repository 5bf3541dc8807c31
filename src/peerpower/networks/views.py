"""The network admin's pages (groups, people, invitations; venues, partners, organisations, the
agenda template, issue protocols, settings) and the member's "My organisation" page.

Every page of a network is a 404 to anyone who does not run it, so nobody learns its set-up.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from peerpower.accounts.actions import invitation_create
from peerpower.accounts.forms import InviteForm
from peerpower.accounts.http import AuthenticatedRequest
from peerpower.accounts.models import Invitation
from peerpower.groups.access import access_for
from peerpower.groups.models import Membership, PeerGroup
from peerpower.groups.queries import groups_with_counts
from peerpower.issues.models import Protocol
from peerpower.lib.http import add_action_errors, page_of
from peerpower.lib.rules import can
from peerpower.meetings.models import Meeting
from peerpower.networks import actions
from peerpower.networks.forms import (
    AddOrganisationForm,
    ChooseOrganisationForm,
    DeleteForm,
    MyOrganisationPostForm,
    NetworkSettingsForm,
    OrganisationForm,
    PartnerForm,
    ProtocolForm,
    RemindRepliesForm,
    SegmentFormSet,
    StepFormSet,
    VenueForm,
    segments_from,
    steps_from,
)
from peerpower.networks.models import (
    DEFAULT_AGENDA,
    AgendaTemplateItem,
    Network,
    NetworkRole,
    Organisation,
    Partner,
    Venue,
)
from peerpower.networks.queries import (
    networks_of_member,
    organisations_with_counts,
    protocols_with_use,
    venues_with_use,
)

# The least powerful role first, so the picker never starts on "network admin".
NETWORK_ROLES = [Invitation.Role.SPEAKER, Invitation.Role.COACH, Invitation.Role.ADMIN]
PER_PAGE = 25


def get_network_for_admin(request: AuthenticatedRequest, slug: str) -> Network:
    """The network if the person runs it; 404 otherwise."""
    for network in access_for(request.user).administered_networks():
        if network.slug == slug:
            return network
    raise Http404


def _page(request: AuthenticatedRequest, rows: QuerySet[Any]) -> Page[Any]:
    return page_of(request, rows, PER_PAGE)


def _list_page(
    request: AuthenticatedRequest, network: Network, kind: str, rows: QuerySet[Any]
) -> HttpResponse:
    """A network set-up list (`kind`: venues, partners, organisations, protocols), paged."""
    return render(
        request,
        f"networks/{kind.removesuffix('s')}_list.html",
        {"network": network, "section": f"networks:{kind}", "page": _page(request, rows)},
    )


@require_http_methods(["GET", "POST"])
def network_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    form = InviteForm(request.POST or None, roles=NETWORK_ROLES)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_create(
                network=network,
                role=form.cleaned_data["role"],
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                by=request.user,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("networks:detail", network.slug)
    return render(
        request,
        "networks/network_detail.html",
        {
            "network": network,
            "section": "networks:detail",
            "groups": groups_with_counts(PeerGroup.objects.filter(network=network)),
            "roles": NetworkRole.objects.filter(network=network)
            .select_related("user")
            .order_by("role", "user__name"),
            "pending": Invitation.objects.filter(network=network, accepted_at=None)
            .select_related("user", "group")
            .order_by("-created_at"),
            "form": form,
        },
    )


# --------------------------------------------------------------------------- shared shapes


def _edit_page(
    request: AuthenticatedRequest,
    *,
    network: Network,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    done: str,
    back: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Show a form; on a valid POST run the action, then go back to the list with a message."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, done.format(saved))
            return redirect(back, network.slug)
    return render(request, template, {"network": network, "form": form, "section": back, **context})


def _delete_page(
    request: AuthenticatedRequest,
    *,
    network: Network,
    thing: Any,
    what: str,
    delete: Callable[[], None],
    back: str,
    blocked: str = "",
    consequence: str = "",
) -> HttpResponse:
    """A confirmation page; the POST deletes, or shows why it cannot."""
    error = blocked
    if request.method == "POST" and DeleteForm(request.POST).is_valid() and not blocked:
        try:
            delete()
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, f"{thing} is deleted.")
            return redirect(back, network.slug)
    return render(
        request,
        "networks/confirm_delete.html",
        {
            "network": network,
            "thing": thing,
            "what": what,
            "error": error,
            "consequence": consequence,
            "back": back,
            "section": back,
        },
        status=409 if error and request.method == "POST" else 200,
    )


# --------------------------------------------------------------------------- venues


def venue_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    return _list_page(request, network, "venues", venues_with_use(network))


@require_http_methods(["GET", "POST"])
def venue_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    return _edit_page(
        request,
        network=network,
        form=VenueForm(request.POST or None, network=network),
        save=lambda data: actions.venue_create(network=network, by=request.user, **data),
        done="{} is added.",
        back="networks:venues",
        template="networks/venue_form.html",
        context={"creating": True},
    )


@require_http_methods(["GET", "POST"])
def venue_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    venue = get_object_or_404(Venue, network=network, pk=pk)
    return _edit_page(
        request,
        network=network,
        form=VenueForm(request.POST or None, instance=venue, network=network),
        save=lambda data: actions.venue_update(venue=venue, by=request.user, **data),
        done="{} is saved.",
        back="networks:venues",
        template="networks/venue_form.html",
        context={"venue": venue, "creating": False},
    )


@require_http_methods(["GET", "POST"])
def venue_delete(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    venue = get_object_or_404(Venue, network=network, pk=pk)
    groups, meetings = actions.venue_uses(venue)
    return _delete_page(
        request,
        network=network,
        thing=venue,
        what="venue",
        delete=lambda: actions.venue_delete(venue=venue, by=request.user),
        back="networks:venues",
        blocked=actions.venue_in_use_message(venue, groups, meetings) if groups or meetings else "",
    )


# --------------------------------------------------------------------------- partners


def partner_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    partners = Partner.objects.filter(network=network).prefetch_related(
        Prefetch("venues", queryset=Venue.objects.order_by("name"))
    )
    return _list_page(request, network, "partners", partners)


@require_http_methods(["GET", "POST"])
def partner_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    return _edit_page(
        request,
        network=network,
        form=PartnerForm(request.POST or None),
        save=lambda data: actions.partner_create(network=network, by=request.user, **data),
        done="{} is added.",
        back="networks:partners",
        template="networks/partner_form.html",
        context={"creating": True},
    )


@require_http_methods(["GET", "POST"])
def partner_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    partner = get_object_or_404(Partner, network=network, pk=pk)
    return _edit_page(
        request,
        network=network,
        form=PartnerForm(request.POST or None, instance=partner),
        save=lambda data: actions.partner_update(partner=partner, by=request.user, **data),
        done="{} is saved.",
        back="networks:partners",
        template="networks/partner_form.html",
        context={"partner": partner, "creating": False},
    )


@require_http_methods(["GET", "POST"])
def partner_delete(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    partner = get_object_or_404(Partner, network=network, pk=pk)
    venues = list(partner.venues.order_by("name").values_list("name", flat=True))
    return _delete_page(
        request,
        network=network,
        thing=partner,
        what="partner",
        delete=lambda: actions.partner_delete(partner=partner, by=request.user),
        back="networks:partners",
        consequence=(
            f"Its venues stay, with no partner named: {', '.join(venues)}." if venues else ""
        ),
    )


# --------------------------------------------------------------------------- organisations


def organisation_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    return _list_page(request, network, "organisations", organisations_with_counts(network))


@require_http_methods(["GET", "POST"])
def organisation_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    return _edit_page(
        request,
        network=network,
        form=OrganisationForm(request.POST or None),
        save=lambda data: actions.organisation_create(network=network, by=request.user, **data),
        done="{} is added.",
        back="networks:organisations",
        template="networks/organisation_form.html",
        context={"creating": True},
    )


@require_http_methods(["GET", "POST"])
def organisation_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    organisation = get_object_or_404(Organisation, network=network, pk=pk)
    members = (
        Membership.objects.filter(organisation=organisation, status__in=Membership.CURRENT)
        .select_related("user", "group")
        .order_by("user__name", "group__name")
    )
    return _edit_page(
        request,
        network=network,
        form=OrganisationForm(request.POST or None, instance=organisation),
        save=lambda data: actions.organisation_update(
            organisation=organisation, by=request.user, **data
        ),
        done="{} is saved.",
        back="networks:organisations",
        template="networks/organisation_form.html",
        context={"organisation": organisation, "members": members, "creating": False},
    )


@require_http_methods(["GET", "POST"])
def organisation_delete(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    organisation = get_object_or_404(Organisation, network=network, pk=pk)
    leads = organisation.memberships.filter(status__in=Membership.CURRENT).count()
    return _delete_page(
        request,
        network=network,
        thing=organisation,
        what="organisation",
        delete=lambda: actions.organisation_delete(organisation=organisation, by=request.user),
        back="networks:organisations",
        blocked=(
            f"{organisation.name} cannot be deleted: {leads} current"
            f" member{'s lead' if leads != 1 else ' leads'} it. They can choose another on their"
            " “My organisation” page."
            if leads
            else ""
        ),
    )


# --------------------------------------------------------------------------- agenda template


@require_http_methods(["GET", "POST"])
def agenda_template(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    rows = [
        (r.title, r.kind, r.minutes)
        for r in AgendaTemplateItem.objects.filter(network=network).order_by("position")
    ]
    # Until the network saves its own, new meetings get the built-in half day: start from it.
    initial: list[dict[str, Any]] = [
        {"title": title, "kind": kind, "minutes": minutes}
        for title, kind, minutes in rows or DEFAULT_AGENDA
    ]
    formset = SegmentFormSet(request.POST or None, initial=initial, prefix="segment")
    action_errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        try:
            actions.agenda_template_replace(
                network=network, segments=segments_from(formset), by=request.user
            )
        except ValidationError as error:
            action_errors = error.messages
        else:
            messages.success(
                request,
                "The agenda template is saved. New meetings get it; meetings already planned keep"
                " theirs.",
            )
            return redirect("networks:agenda", network.slug)
    total = sum(r["minutes"] for r in initial)
    return render(
        request,
        "networks/agenda_template.html",
        {
            "network": network,
            "section": "networks:agenda",
            "formset": formset,
            "action_errors": action_errors,
            "total": total,
            "built_in": not rows,
        },
    )


# --------------------------------------------------------------------------- protocols


def protocol_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    return _list_page(request, network, "protocols", protocols_with_use(network))


def _protocol_page(
    request: AuthenticatedRequest, network: Network, protocol: Protocol | None
) -> HttpResponse:
    initial = (
        [{"name": s.name, "minutes": s.minutes, "cue": s.cue} for s in protocol.steps.all()]
        if protocol
        else []
    )
    form = ProtocolForm(request.POST or None, instance=protocol)
    formset = StepFormSet(request.POST or None, initial=initial, prefix="step")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            if protocol is None:
                saved = actions.protocol_create(
                    network=network,
                    name=data["name"],
                    description=data["description"],
                    steps=steps_from(formset),
                    by=request.user,
                )
            else:
                saved = actions.protocol_update(
                    protocol=protocol,
                    name=data["name"],
                    description=data["description"],
                    steps=steps_from(formset),
                    by=request.user,
                )
        except ValidationError as error:
            add_action_errors(form, error)  # the steps' errors go above the form
        else:
            messages.success(request, f"{saved.name} is saved.")
            return redirect("networks:protocols", network.slug)
    return render(
        request,
        "networks/protocol_form.html",
        {
            "network": network,
            "section": "networks:protocols",
            "form": form,
            "formset": formset,
            "protocol": protocol,
        },
    )


@require_http_methods(["GET", "POST"])
def protocol_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    return _protocol_page(request, get_network_for_admin(request, slug), None)


@require_http_methods(["GET", "POST"])
def protocol_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    return _protocol_page(request, network, get_object_or_404(Protocol, network=network, pk=pk))


@require_http_methods(["GET", "POST"])
def protocol_delete(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    protocol = get_object_or_404(Protocol, network=network, pk=pk)
    groups = list(
        PeerGroup.objects.filter(protocol=protocol).order_by("name").values_list("name", flat=True)
    )
    return _delete_page(
        request,
        network=network,
        thing=protocol,
        what="protocol",
        delete=lambda: actions.protocol_delete(protocol=protocol, by=request.user),
        back="networks:protocols",
        blocked=(
            f"{protocol.name} cannot be deleted: {', '.join(groups)}"
            f" use{'s' if len(groups) == 1 else ''} it. Choose another on the group's page first."
            if groups
            else ""
        ),
    )


# --------------------------------------------------------------------------- settings


@require_http_methods(["GET", "POST"])
def network_settings(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    form = NetworkSettingsForm(request.POST or None, instance=network)
    if request.method == "POST" and form.is_valid():
        try:
            actions.network_settings_update(
                network=Network.objects.get(pk=network.pk), by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "The network's settings are saved.")
            return redirect("networks:settings", network.slug)
    return render(
        request,
        "networks/network_settings.html",
        {"network": network, "section": "networks:settings", "form": form},
    )


# --------------------------------------------------------------------------- my organisation


@require_http_methods(["GET", "POST"])
def my_organisation(request: AuthenticatedRequest) -> HttpResponse:
    """For each network the person belongs to: which organisation they lead."""
    networks = list(networks_of_member(request.user))
    posted = MyOrganisationPostForm(request.POST) if request.method == "POST" else None
    sent = posted.cleaned_data if posted is not None and posted.is_valid() else {}
    sections = []
    for network in networks:
        mine = network.my_organisation_id  # type: ignore[attr-defined]
        is_posted = sent.get("network") == network.slug
        choose = ChooseOrganisationForm(
            request.POST if is_posted and sent["choose"] else None,
            network=network,
            prefix=f"choose-{network.slug}",
            initial={"organisation": mine},
        )
        add = AddOrganisationForm(
            request.POST if is_posted and sent["add"] else None,
            prefix=f"add-{network.slug}",
        )
        if is_posted and choose.is_bound and choose.is_valid():
            try:
                actions.own_organisation_set(
                    network=network,
                    organisation=choose.cleaned_data["organisation"],
                    by=request.user,
                )
            except ValidationError as error:
                add_action_errors(choose, error)
            else:
                messages.success(request, "Your organisation is saved.")
                return redirect("networks:my_organisation")
        if is_posted and add.is_bound and add.is_valid():
            try:
                actions.own_organisation_add(network=network, by=request.user, **add.cleaned_data)
            except ValidationError as error:
                add_action_errors(add, error)
            else:
                messages.success(request, f"{add.cleaned_data['name']} is added as yours.")
                return redirect("networks:my_organisation")
        sections.append({"network": network, "choose": choose, "add": add})
    return render(request, "networks/my_organisation.html", {"sections": sections})


# --------------------------------------------------------------------------- chasing replies


@require_POST
def remind_replies(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The chair's one-click reminder to the members who have not replied to a meeting."""
    meeting = get_object_or_404(Meeting.objects.select_related("group"), pk=pk)
    if not can(request.user, "networks.remind_replies", meeting):
        raise Http404
    form = RemindRepliesForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.non_field_errors()))
        emailed = actions.replies_remind(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Reminder sent to {len(emailed)} member{'s' if len(emailed) != 1 else ''}"
            f" of {meeting.group.name}.",
        )
    return redirect("home")
