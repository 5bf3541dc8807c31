"""Your settings → API tokens: make one (shown once), list them with their last use, revoke."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from peerpower.accounts.http import AuthenticatedRequest
from peerpower.api import actions, queries
from peerpower.api.forms import RevokeForm, TokenForm
from peerpower.lib.http import add_action_errors


@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedRequest) -> HttpResponse:
    networks = queries.networks_for_tokens(request.user)
    form = TokenForm(request.POST or None, networks=networks)
    created: tuple[object, str] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.token_create(
                by=request.user,
                network=form.cleaned_data["network"],
                name=form.cleaned_data["name"],
                access=form.cleaned_data["access"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            form = TokenForm(networks=networks)
    context = {
        "form": form,
        "tokens": list(queries.tokens_of(request.user)),
        "has_networks": networks.exists(),
        "created": created,
    }
    response = render(request, "api/tokens.html", context)
    return response


@require_http_methods(["GET", "POST"])
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(queries.tokens_of(request.user), pk=pk, revoked_at__isnull=True)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.token_revoke(by=request.user, token=token)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"The token “{token.name}” is revoked. It no longer works.")
            return redirect("api:tokens")
    return render(request, "api/token_revoke.html", {"token": token, "form": form})
