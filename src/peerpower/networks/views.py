"""The network admin's page: groups, people in network roles, pending invitations."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from peerpower.accounts.actions import invitation_create
from peerpower.accounts.forms import InviteForm
from peerpower.accounts.models import Invitation
from peerpower.groups.access import access_for
from peerpower.groups.models import PeerGroup
from peerpower.groups.queries import groups_with_counts
from peerpower.lib.http import AuthenticatedRequest, add_action_errors
from peerpower.networks.models import Network, NetworkRole

NETWORK_ROLES = [Invitation.Role.ADMIN, Invitation.Role.COACH, Invitation.Role.SPEAKER]


def get_network_for_admin(request: AuthenticatedRequest, slug: str) -> Network:
    """The network if the person runs it; 404 otherwise."""
    for network in access_for(request.user).administered_networks():
        if network.slug == slug:
            return network
    raise Http404


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
