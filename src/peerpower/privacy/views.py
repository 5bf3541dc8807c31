"""The person's own data (a page and a JSON download), and a network admin's copy of one
person's data in their network."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from peerpower.accounts.http import AuthenticatedRequest
from peerpower.audit.actions import record_read
from peerpower.lib.http import add_action_errors
from peerpower.lib.rules import can
from peerpower.networks.models import Network
from peerpower.networks.views import get_network_for_admin
from peerpower.privacy import actions, exports, schedule
from peerpower.privacy.erasure import ERASURE
from peerpower.privacy.forms import EraseForm


def _json_download(export: exports.Export, name: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(export.as_json(), indent=1, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def my_data(request: AuthenticatedRequest) -> HttpResponse:
    export = exports.personal_data(request.user)
    networks = [
        n
        for n in exports.networks_of(request.user)
        if can(request.user, "privacy.see_retention", n)
    ]
    return render(request, "privacy/my_data.html", {"export": export, "networks": networks})


@require_GET
def my_data_json(request: AuthenticatedRequest) -> HttpResponse:
    export = exports.personal_data(request.user)
    return _json_download(export, f"peerpower-my-data-{timezone.localdate().isoformat()}.json")


@require_GET
def person_data(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    if not can(request.user, "privacy.answer_request", network):
        raise Http404
    person = get_object_or_404(exports.people_of(network), pk=pk)
    record_read(user=request.user, name="privacy.answer_request", obj=person, network=network)
    export = exports.personal_data(person, for_network=network)
    if request.GET.get("format") == "json":
        return _json_download(export, f"peerpower-{network.slug}-person-{person.pk}.json")
    return render(request, "privacy/person_data.html", {"export": export, "network": network})


@require_http_methods(["GET", "POST"])
def person_erase(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    if not can(request.user, "privacy.erase", network):
        raise Http404
    person = get_object_or_404(exports.people_of(network).filter(is_active=True), pk=pk)
    name = person.display_name
    form = EraseForm(request.POST or None, email=person.email)
    if request.method == "POST" and form.is_valid():
        try:
            actions.person_erase(person=person, network=network, by=request.user)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request, f"{name} is erased. Their place in the record stays, unnamed."
            )
            return redirect("networks:detail", network.slug)
    return render(
        request,
        "privacy/person_erase.html",
        {
            "network": network,
            "person": person,
            "form": form,
            "blockers": actions.erasure_blockers(person, network),
            "erasure": sorted(ERASURE.items()),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def retention(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_object_or_404(Network, slug=slug)
    if not can(request.user, "privacy.see_retention", network):
        raise Http404
    return render(
        request,
        "privacy/retention.html",
        {"network": network, "rows": schedule.rows_for(network)},
    )
