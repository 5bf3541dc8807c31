"""The person's own data (a page and a JSON download), and a network admin's copy of one
person's data in their network."""

import json

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from peerpower.accounts.http import AuthenticatedRequest
from peerpower.lib.rules import can
from peerpower.networks.views import get_network_for_admin
from peerpower.privacy import exports


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
    return render(request, "privacy/my_data.html", {"export": export})


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
    export = exports.personal_data(person, for_network=network)
    if request.GET.get("format") == "json":
        return _json_download(export, f"peerpower-{network.slug}-person-{person.pk}.json")
    return render(request, "privacy/person_data.html", {"export": export, "network": network})
