"""A network's webhooks, for its admins: the endpoints, each with its delivery log, a test
button, a new secret and removal (asked first)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from peerpower.accounts.http import AuthenticatedRequest
from peerpower.lib.events import EVENTS
from peerpower.lib.http import add_action_errors, page_of
from peerpower.networks.models import Network
from peerpower.networks.views import get_network_for_admin
from peerpower.webhooks import actions, queries
from peerpower.webhooks.forms import EndpointForm
from peerpower.webhooks.models import Endpoint

PER_PAGE = 25


def _endpoint(request: AuthenticatedRequest, slug: str, pk: int) -> tuple[Network, Endpoint]:
    network = get_network_for_admin(request, slug)
    return network, get_object_or_404(queries.endpoints_of(network), pk=pk)


@require_http_methods(["GET", "POST"])
def endpoints(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    form = EndpointForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                endpoint = actions.endpoint_create(
                    network=network,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                    description=form.cleaned_data["description"],
                    by=request.user,
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, "The endpoint is set up. Send it a test to check it.")
                return redirect("webhooks:endpoint", network.slug, endpoint.pk)
        status = 400
    return render(
        request,
        "webhooks/endpoints.html",
        {
            "network": network,
            "endpoints": queries.endpoints_of(network),
            "form": form,
            "section": "webhooks",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def endpoint(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network, hook = _endpoint(request, slug, pk)
    initial = {
        "url": hook.url,
        "description": hook.description,
        "events": hook.events,
        "active": hook.active,
    }
    form = EndpointForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.endpoint_update(
                    endpoint=hook,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                    description=form.cleaned_data["description"],
                    active=form.cleaned_data["active"],
                    by=request.user,
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, "Saved.")
                return redirect("webhooks:endpoint", network.slug, hook.pk)
        status = 400
    return render(
        request,
        "webhooks/endpoint.html",
        {
            "network": network,
            "endpoint": hook,
            "form": form,
            "page": page_of(request, queries.deliveries_of(hook), PER_PAGE),
            "events": EVENTS,
            "section": "webhooks",
        },
        status=status,
    )


@require_POST
def endpoint_test(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network, hook = _endpoint(request, slug, pk)
    delivery = actions.endpoint_test(endpoint=hook, by=request.user)
    delivery.refresh_from_db()
    if delivery.status == delivery.Status.DELIVERED:
        messages.success(
            request, f"The test was delivered (the endpoint answered {delivery.response_code})."
        )
    elif delivery.attempts:
        messages.error(
            request, f"The test was not delivered. {delivery.error} It will be tried again."
        )
    else:
        messages.info(request, "The test is on its way; its result appears below.")
    return redirect("webhooks:endpoint", network.slug, hook.pk)


@require_POST
def endpoint_secret(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network, hook = _endpoint(request, slug, pk)
    actions.endpoint_secret_replace(endpoint=hook, by=request.user)
    messages.success(request, "A new signing secret is in use. Give it to the receiving system.")
    return redirect("webhooks:endpoint", network.slug, hook.pk)


@require_http_methods(["GET", "POST"])
def endpoint_delete(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network, hook = _endpoint(request, slug, pk)
    if request.method == "POST":
        actions.endpoint_delete(endpoint=hook, by=request.user)
        messages.success(request, f"The endpoint {hook.url} is removed. Nothing more goes to it.")
        return redirect("webhooks:endpoints", network.slug)
    return render(
        request,
        "webhooks/endpoint_delete.html",
        {"network": network, "endpoint": hook, "section": "webhooks"},
    )
