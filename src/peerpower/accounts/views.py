"""Account pages: accepting an invitation, settings, the calendar feed secret, the MFA gate."""

from allauth.account.internal.flows.login import record_authentication
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from peerpower.accounts import actions
from peerpower.accounts.forms import (
    AcceptInvitationForm,
    AccountSettingsForm,
    CalendarRotateForm,
    InvitationRestoreForm,
    InvitationRevokeForm,
)
from peerpower.accounts.http import AuthenticatedRequest, MaybeAnonymousRequest
from peerpower.accounts.middleware import MFA_SESSION_KEY, has_mfa, needs_mfa
from peerpower.accounts.models import Invitation
from peerpower.lib import undo
from peerpower.lib.http import add_action_errors
from peerpower.lib.rules import can
from peerpower.meetings.calendar import subscription_links
from peerpower.networks.models import Network


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: MaybeAnonymousRequest, token: str) -> HttpResponse:
    invitation = actions.invitation_for_token(token)
    if invitation is None:
        raise Http404("This invitation link is not valid.")
    invitee = invitation.user
    problem = None
    if invitation.accepted_at is not None:
        problem = "This invitation has already been accepted."
    elif not invitation.is_pending:
        problem = "This invitation has expired. Ask whoever invited you to send a new one."
    if problem:
        return render(
            request,
            "accounts/invitation_accept.html",
            {"invitation": invitation, "problem": problem},
        )

    needs_password = not invitee.has_usable_password()
    signed_in_as_other = request.user.is_authenticated and request.user.pk != invitee.pk
    form = AcceptInvitationForm(request.POST or None, user=invitee) if needs_password else None
    if request.method == "POST" and not signed_in_as_other:
        if needs_password:
            if form is not None and form.is_valid():
                invitee.name = form.cleaned_data["name"]
                invitee.save(update_fields=["name"])
                try:
                    actions.invitation_accept(
                        invitation=invitation, user=invitee, password=form.cleaned_data["password1"]
                    )
                except ValidationError as error:
                    add_action_errors(form, error)
                else:
                    login(request, invitee, backend="django.contrib.auth.backends.ModelBackend")
                    # They typed the password they chose a moment ago: setting up two-factor
                    # next must not ask for it again (allauth's "confirm your password").
                    record_authentication(request, invitee, "password", reauthenticated=True)
                    _check_mfa_again(request)
                    messages.success(request, f"Welcome to {invitation.target_name}.")
                    return redirect("home")
        elif request.user.is_authenticated:
            try:
                actions.invitation_accept(invitation=invitation, user=invitee)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                _check_mfa_again(request)
                messages.success(request, f"You have joined {invitation.target_name}.")
                return redirect("home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "needs_password": needs_password,
            "signed_in_as_other": signed_in_as_other,
            "login_url": f"{reverse('account_login')}?next={request.path}",
        },
    )


def _check_mfa_again(request: MaybeAnonymousRequest) -> None:
    """A new role (a chair's, say) may need a second factor: ask on the next page, not once
    the session's last check runs out."""
    request.session.pop(MFA_SESSION_KEY, None)


@require_POST
def invitation_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.select_related("group", "network", "user"), pk=pk
    )
    if not can(request.user, "accounts.withdraw_invitation", invitation):
        raise Http404
    form = InvitationRevokeForm(request.POST)
    pending = invitation.is_pending  # an expired one could not be put back
    try:
        if not form.is_valid():
            raise ValidationError(list(form.non_field_errors()))
        kept = actions.invitation_revoke(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        message = f"The invitation to {invitation.user.email} is withdrawn."
        if pending:
            url = reverse("invitation_restore", args=[pk])
            undo.offer(request, url=url, message=message, data=kept)
        else:
            messages.success(request, message)
    return _invitation_page(invitation.group_id, invitation.network.slug)


@require_POST
def invitation_restore(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The "Undo" of a withdrawal, offered in its status message for a few minutes: `pk` is
    the withdrawn invitation's, and what to put back waits in this person's session."""
    offered = undo.take(request, reverse("invitation_restore", args=[pk]))
    if offered is None or not InvitationRestoreForm(request.POST).is_valid():
        messages.error(request, "There is nothing to undo here.")
        return redirect("home")
    try:
        invitation = actions.invitation_restore(undo=offered, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        group_id, network_id = offered.data["group_id"], offered.data["network_id"]
        return _invitation_page(group_id, Network.objects.get(pk=network_id).slug)
    messages.success(
        request, f"The invitation to {invitation.user.email} is back; their link works again."
    )
    return _invitation_page(invitation.group_id, invitation.network.slug)


def _invitation_page(group_id: int | None, network_slug: str) -> HttpResponse:
    """Where invitations are listed: the group's page, or the network's for a network role."""
    if group_id:
        return redirect("groups:detail", group_id)
    return redirect("networks:detail", network_slug)


@require_http_methods(["GET", "POST"])
def account_settings(request: AuthenticatedRequest) -> HttpResponse:
    form = AccountSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your settings are saved.")
        return redirect("account_settings")
    return render(request, "accounts/settings.html", {"form": form})


@require_http_methods(["GET", "POST"])
def calendar_settings(request: AuthenticatedRequest) -> HttpResponse:
    """The private feed link with a copy button and one-click subscriptions; replacing the
    link is asked about first on the page (it stops every subscribed calendar)."""
    if request.method == "POST" and CalendarRotateForm(request.POST).is_valid():
        actions.calendar_token_rotate(user=request.user)
        messages.success(
            request,
            "Your calendar link is replaced. The old link no longer works: subscribe again "
            "with the new one below.",
        )
        return redirect("calendar_settings")
    feed_url = request.build_absolute_uri(
        reverse("meetings:feed", args=[request.user.calendar_token])
    )
    return render(
        request,
        "accounts/calendar.html",
        {"feed_url": feed_url, "subscriptions": subscription_links(feed_url)},
    )


def mfa_required(request: AuthenticatedRequest) -> HttpResponse:
    if has_mfa(request.user.pk) or not needs_mfa(request.user):
        return redirect("home")
    return render(request, "accounts/mfa_required.html")
