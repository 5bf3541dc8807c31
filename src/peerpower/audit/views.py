"""The network's audit log, for its admins."""

from django.apps import apps
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from peerpower.accounts.http import AuthenticatedRequest
from peerpower.audit.models import AuditEntry
from peerpower.audit.queries import entries_for
from peerpower.lib.http import page_of
from peerpower.lib.rules import can
from peerpower.networks.views import get_network_for_admin

PER_PAGE = 50


def _kind(target_type: str) -> str:
    if not target_type:
        return ""
    try:
        return str(apps.get_model(target_type)._meta.verbose_name)
    except LookupError:  # a model since removed: the entry stays
        return target_type


@require_GET
def log(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    if not can(request.user, "audit.read_log", network):
        raise Http404
    outcome = request.GET.get("outcome", "")
    page = page_of(request, entries_for(network, outcome=outcome), PER_PAGE)
    for entry in page:
        entry.kind = _kind(entry.target_type)
    return render(
        request,
        "audit/log.html",
        {
            "network": network,
            "page": page,
            "outcome": outcome if outcome in AuditEntry.Outcome.values else "",
            "outcomes": AuditEntry.Outcome.choices,
        },
    )
